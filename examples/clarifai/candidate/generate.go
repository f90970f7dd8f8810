// Package candidate is the checker of ../candidate.yaml, a tighter candidate
// for the shipped spec that the example server evaluates in shadow mode
// (clarifai.CandidateShadow). It is generated and committed; regenerate it
// with
//
//	cd examples && go generate ./clarifai/candidate
package candidate

//go:generate go -C ../../.. run ./cmd/scopegen generate -spec examples/clarifai/candidate.yaml -out examples/clarifai/candidate -pkg candidate
