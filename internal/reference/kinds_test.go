package reference_test

import (
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
)

// TestKeyOf checks how messages of scopegen diff and explain name the keys
// an endpoint accepts.
func TestKeyOf(t *testing.T) {
	m := &model.Model{}
	for _, k := range model.DefaultKinds {
		m.Kinds = append(m.Kinds, &k)
	}
	for _, c := range []struct {
		kinds model.Principal
		want  string
	}{
		{model.AppKey, "an app_key key"},
		{model.PersonalAccessToken, "a pat key"},
		{model.AppKey | model.PersonalAccessToken, "an app_key or pat key"},
	} {
		if got := reference.KeyOf(m, c.kinds); got != c.want {
			t.Errorf("KeyOf(%d) = %q, want %q", c.kinds, got, c.want)
		}
	}
}
