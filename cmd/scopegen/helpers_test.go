package main

// nonNil is s, or an empty slice for nil, as explain -json prints a list.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
