package diff_test

import (
	"testing"

	"github.com/scopegen/scopegen/internal/diff"
)

// TestConfigErrors checks that a config is read as a spec is: each problem
// at its line and column, saying what to do.
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"fail_on: breakng\n", `diff.yaml:1:10: fail_on "breakng" is not a level; did you mean "breaking"?; the levels are escalation, breaking, warning, none`},
		{"severity:\n  scope-renamd: warning\n", `diff.yaml:2:17: severity of "scope-renamd": no rule or category has that name; did you mean "scope-renamed"?; scopegen diff -h lists the rules`},
		{"severity:\n  breaking: warnng\n", `diff.yaml:2:13: severity "warnng" of breaking is not a severity; did you mean "warning"?; use error, warning, info or off`},
		{"severity:\n  scope-added: error\n", "diff.yaml:2:16: scope-added is safe: a safe change never fails the run, so it may be info or off, not error"},
		{"severity:\n  safe: warning\n", "diff.yaml:2:9: safe is safe: a safe change never fails the run, so it may be info or off, not warning"},
		{"severity: [breaking]\n", "diff.yaml:1:11: severity (rule or category: error, warning, info or off) must be a mapping (key: value lines), not a list"},
		{"fail-on: none\n", `diff.yaml:1:1: unknown key "fail-on" in the config; did you mean "fail_on"? (known keys: fail_on, severity)`},
	} {
		_, err := diff.ParseConfig("diff.yaml", []byte(tc.text))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q:\n got %v\nwant %s", tc.text, err, tc.want)
		}
	}
	for _, text := range []string{"", "# nothing yet\n", "severity: {}\n"} {
		if c, err := diff.ParseConfig("diff.yaml", []byte(text)); err != nil || c.FailOn != "" || len(c.Severity) != 0 {
			t.Errorf("%q: %+v, %v; want an empty config", text, c, err)
		}
	}
}

// TestFailOn checks each level of -fail-on on the findings of one pair: an
// escalation and a breaking change of severity error, and a breaking
// change the config makes a warning.
func TestFailOn(t *testing.T) {
	r := goldenReport(t, "config")
	for _, c := range []struct {
		level string
		code  int
	}{
		{diff.FailOnEscalation, diff.ExitEscalation},
		{diff.FailOnBreaking, diff.ExitBoth},
		{diff.FailOnWarning, diff.ExitBoth},
		{diff.FailOnNone, diff.ExitSafe},
	} {
		r.FailOn = c.level
		fails := 0
		for _, f := range r.Findings {
			if r.Fails(f) {
				fails++
			}
		}
		want := map[string]int{diff.FailOnEscalation: 1, diff.FailOnBreaking: 2, diff.FailOnWarning: 3, diff.FailOnNone: 0}[c.level]
		if code := r.ExitCode(); code != c.code || fails != want {
			t.Errorf("-fail-on %s: exit %d with %d failing, want %d with %d", c.level, code, fails, c.code, want)
		}
	}
}

// goldenReport is the report of testdata/diff/NAME.txtar, configured by its
// config.yaml when it has one.
func goldenReport(t *testing.T, name string) *diff.Report {
	t.Helper()
	files := archive(t, "../../testdata/diff/"+name+".txtar")
	r := diff.Compare(load(t, "old.yaml", files["old.yaml"]), load(t, "new.yaml", files["new.yaml"]))
	if data, ok := files["config.yaml"]; ok {
		c, err := diff.ParseConfig("config.yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		r.Configure(c)
	}
	return r
}
