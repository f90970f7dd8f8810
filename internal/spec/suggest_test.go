package spec

import "testing"

// TestDidYouMean checks that a suggestion is made only for a plausible
// typo: few edits for the name's length, and with parts, a typo in each
// part that differs; never the least far of unrelated names.
func TestDidYouMean(t *testing.T) {
	for _, c := range []struct {
		name       string
		candidates []string
		want       string // "" for no suggestion
	}{
		{"Inputs:Gett", []string{"Inputs:Get", "Inputs:Add"}, "Inputs:Get"},
		{"Inputs:Gte", []string{"Inputs:Get"}, "Inputs:Get"}, // two letters swapped: one edit
		{"chekc", []string{"check", "grant"}, "check"},
		{"inputs:get", []string{"Inputs:Get"}, "Inputs:Get"}, // case is free
		{"Input:Get", []string{"Inputs:Get"}, "Inputs:Get"},
		{"apikey", []string{"app_key", "pat"}, "app_key"},
		{"NOTFOUND", []string{"NOT_FOUND", "INTERNAL"}, "NOT_FOUND"},
		{"All", []string{"Al"}, "Al"},
		{"Metrics_Get", []string{"Keys_Get", "Models_Get"}, ""}, // only the op is shared
		{"Metrics:Get", []string{"Metrics:List"}, ""},           // only the resource is
		{"Inputs:Read", []string{"Inputs:Get"}, ""},
		{"(t.rule).path", []string{"(t.rule).verb"}, ""},
		{"Scope1234x", []string{"S1234", "S1235"}, ""},
		{"Keys:Gte", []string{"Keys:Get", "Keys:Set"}, "Keys:Get"},
		{"abc", nil, ""},
	} {
		got := DidYouMean(c.name, c.candidates)
		want := ""
		if c.want != "" {
			want = `; did you mean "` + c.want + `"?`
		}
		if got != want {
			t.Errorf("DidYouMean(%q, %q) = %q, want %q", c.name, c.candidates, got, want)
		}
	}
}

// TestEditDistance checks the distance on edits of each kind.
func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "ab", 2}, {"abc", "abc", 0},
		{"abc", "abd", 1}, {"abc", "ab", 1}, {"abc", "abxc", 1}, {"abc", "acb", 1},
		{"check", "chekc", 1}, {"ca", "abc", 3}, {"metrics_get", "keys_get", 5},
	} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
