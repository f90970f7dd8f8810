package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	pathpkg "path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/scopegen/scopegen/internal/diff"
	"github.com/scopegen/scopegen/internal/spec"
)

// diffArgs is diff's usage line.
const diffArgs = "[-format text|markdown|json|github-actions|junit|allowances] [-fail-on LEVEL] [-allow breaking,escalation] [-allowances F] [-config F] [-now DATE] OLD.yaml NEW.yaml | -base REV [-base-spec PATH] [SPEC]"

// diffFlags are the flags of diff.
type diffFlags struct {
	base, baseSpec, format, allow, allowances, failOn, config, now string
}

func (f *diffFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.base, "base", "", "compare the spec with its version at git `revision` (e.g. origin/main) instead of with an OLD file (default: compare two files)")
	fs.StringVar(&f.baseSpec, "base-spec", "", "with -base, read OLD from `path` at the revision: where the spec was before a rename, relative to the current directory as SPEC is (default: SPEC's own path)")
	fs.StringVar(&f.format, "format", "text", "the output `format`: text, markdown (for a pull request comment), json, github-actions (annotations), junit (CI test reports) or allowances (the allowances file for the current findings)")
	fs.StringVar(&f.allow, "allow", "", "accept every finding of these `categories`, comma-separated: breaking, escalation (default: none)")
	fs.StringVar(&f.failOn, "fail-on", "", "which findings fail the run, a `level`: escalation (escalations only), breaking (escalations and breaking changes), warning (those the config makes warnings too) or none (report only) (default: the config's fail_on, else breaking)")
	fs.StringVar(&f.config, "config", "", "read severities by rule or category, and fail_on, from `file` (default: NEW's name with .diff before the extension, e.g. spec/scopes.diff.yaml, if it exists; -config \"\" reads none)")
	fs.StringVar(&f.now, "now", "", "compare as of this `date`, YYYY-MM-DD: a deprecated scope or endpoint removed on or after its sunset date is expected, before it breaking (default: with -base, the date of the commit at HEAD, so that a rerun decides alike; else today, in UTC)")
	fs.StringVar(&f.allowances, "allowances", "", "read allowances from `file` (default: NEW's name with .allow before the extension, e.g. spec/scopes.allow.yaml, if it exists; -allowances \"\" reads none)")
}

// diffDetail is diff's help text after the summary.
func diffDetail() string {
	var b strings.Builder
	b.WriteString("Compares two versions of a spec by their resolved models, not their text, and\n" +
		"classifies every change as an escalation (the same key can do more), breaking\n" +
		"(keys or clients lose access, or stored names, ids or codes change meaning) or\n" +
		"safe. Each finding names the element, its position in NEW (in OLD when it is\n" +
		"gone) and the endpoints it affects. Each escalation and lost access comes with\n" +
		"a witness: the smallest key found whose decision differs, with both decisions.\n" +
		"A witness is a key that could be made under OLD (its scopes' prerequisites\n" +
		"held; restricted to the endpoint it calls only if it holds what that endpoint\n" +
		"requires); replay it with scopegen explain on each spec (-kind none for a call\n" +
		"without credentials). An escalation or lost access that no such key shows\n" +
		"lets no existing key do more or less: it is reported as safe, with a note\n" +
		"saying why (a removed scope or endpoint stays breaking: configs and code name\n" +
		"it).\n\n" +
		"Scopes are matched by name, then by id: a scope with the same id and a new name\n" +
		"is a rename, which is breaking (keys and code that store the old name break;\n" +
		"keys stored by id keep their access). When a renamed scope's old name goes to\n" +
		"a new scope, the id decides if the spec's references follow it: a rename and\n" +
		"scope-name-reused, both breaking. A scope that takes another's id or name is\n" +
		"also an escalation when keys that store ids or names gain with it\n" +
		"(scope-id-reused-gains, scope-name-reused-gains): -allow breaking does not\n" +
		"accept it.\n\n" +
		"A deprecated scope or endpoint may carry a sunset date (sunset: 2027-01-31,\n" +
		"beside deprecated): removing it on or after that date is expected\n" +
		"(scope-sunset, endpoint-sunset: safe), before it breaking. -now sets the day\n" +
		"of the comparison.\n\n" +
		"With -base REV, OLD is SPEC (default spec/scopes.yaml) as git has it at REV;\n" +
		"-base-spec PATH reads it from PATH at REV instead, after a rename. A spec\n" +
		"that does not exist at REV (a new one) is compared with an empty spec, so\n" +
		"that every scope, endpoint and preset it defines is reviewed.\n\n" +
		"An allowance accepts one finding: in the allowances file,\n" +
		"  allow:\n" +
		"    - {rule: RULE, element: NAME, fingerprint: HEX, reason: WHY}\n" +
		"The fingerprint pins the effect accepted (what changed, the endpoints and\n" +
		"elements it affects): -format allowances writes the entries for the current\n" +
		"findings, with an empty reason to fill in. An accepted finding is reported as\n" +
		"accepted and does not fail. An allowance that matches no finding, or whose\n" +
		"fingerprint is no longer the finding's (a wider change, say: the finding then\n" +
		"fails again), is reported as stale; one without a fingerprint accepts any\n" +
		"effect and is reported as unpinned.\n\n" +
		"Formats (-format):\n" +
		"  text            one finding per line, file:line:col: category: rule: message,\n" +
		"                  then the endpoints it affects and its witness (the default)\n" +
		"  markdown        a pull request comment: a summary table, then a section per\n" +
		"                  category, each witness with the scopegen explain or grant\n" +
		"                  commands that replay it, long lists folded in <details>;\n" +
		"                  at most 65,536 characters (GitHub's limit), cutting safe\n" +
		"                  findings first and saying what was cut\n" +
		"  json            one object, version 1; every field is described by the JSON\n" +
		"                  Schema internal/diff/report.schema.json in scopegen's repository\n" +
		"  github-actions  workflow commands that annotate the changed lines of NEW:\n" +
		"                  ::error for what fails, ::warning for what is accepted and for\n" +
		"                  stale and unpinned allowances, ::notice for safe changes\n" +
		"  junit           JUnit XML for CI test reports: a test suite per category,\n" +
		"                  a test case per finding, failed when the finding fails\n" +
		"  allowances      the allowances file that accepts each escalation and\n" +
		"                  breaking finding as it is, pinned by its fingerprint; the\n" +
		"                  reasons of the allowances that accept them now are kept\n\n" +
		"Rules:\n")
	for _, cat := range diff.Categories {
		for _, r := range diff.Rules {
			if r.Category == cat {
				fmt.Fprintf(&b, "  %-36s %-10s %s\n", r.Name, r.Category, r.Summary)
			}
		}
	}
	b.WriteString("\nSeverity: each finding is an error (escalation and breaking rules), a warning\n" +
		"or info (safe rules), as a config beside the spec may set by rule or by\n" +
		"category (a rule's wins); off leaves the finding out:\n" +
		"  fail_on: breaking\n" +
		"  severity:\n" +
		"    breaking: warning\n" +
		"    scope-renamed: error\n" +
		"    scope-description-changed: off\n" +
		"A safe rule may be info or off only. -fail-on (or fail_on) is the gate:\n" +
		"escalation fails on escalations of severity error, breaking (the default) on\n" +
		"escalations and breaking changes of severity error, warning on those of\n" +
		"severity warning too, none on nothing.\n")
	fmt.Fprintf(&b, "\nExit status: the same in every format; only the findings that fail count:\n"+
		"not accepted by an allowance or -allow, and covered by -fail-on:\n"+
		"  %d  nothing breaking or escalating is left\n"+
		"  1  a spec, the allowances file or the config is invalid, or git fails\n"+
		"  2  usage error\n"+
		"  %d  breaking changes are left, no escalation\n"+
		"  %d  escalations are left, nothing breaking\n"+
		"  %d  both", diff.ExitSafe, diff.ExitBreaking, diff.ExitEscalation, diff.ExitBoth)
	return b.String()
}

func runDiff(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var f diffFlags
	f.register(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if !slices.Contains(diff.Formats, f.format) {
		return usagef("unknown -format %q%s; the formats are %s", f.format, spec.DidYouMean(f.format, diff.Formats), strings.Join(diff.Formats, ", "))
	}
	if f.failOn != "" && !slices.Contains(diff.FailOnLevels, f.failOn) {
		return usagef("unknown -fail-on %q%s; the levels are %s", f.failOn, spec.DidYouMean(f.failOn, diff.FailOnLevels), strings.Join(diff.FailOnLevels, ", "))
	}
	if f.now != "" && !spec.IsDate(f.now) {
		return usagef("-now %q is not a date; write YYYY-MM-DD, e.g. 2027-01-31", f.now)
	}
	var allow []diff.Category
	for _, c := range splitList(f.allow) {
		cat := diff.Category(c)
		if cat != diff.Breaking && cat != diff.Escalation {
			return usagef("-allow %q: the categories to accept are breaking and escalation", c)
		}
		if !slices.Contains(allow, cat) {
			allow = append(allow, cat)
		}
	}
	var old, new *diff.Spec
	var newPath string
	var oldSpec string // how replay commands name OLD; "" for its path
	switch {
	case f.base != "" && len(pos) <= 1:
		newPath = "spec/scopes.yaml"
		if len(pos) == 1 {
			newPath = pos[0]
		}
		if new, err = loadSpecFile(newPath); err != nil {
			return err
		}
		data, inRepo, err := gitShow(f.base, newPath, f.baseSpec)
		if err != nil {
			return err
		}
		switch {
		case data == nil && f.baseSpec != "":
			return fmt.Errorf("-base-spec %s: %s has no such file; name the spec's path at %s (git ls-tree -r --name-only %s lists them)", f.baseSpec, f.base, f.base, f.base)
		case data == nil:
			// stderr: stdout holds only a report, in the format asked for.
			fmt.Fprintf(stderr, "scopegen diff: %s does not exist at %s: comparing with an empty spec, so everything it defines is new (if it was renamed, name its old path with -base-spec)\n", inRepo, f.base)
			old = diff.Empty(f.base+":"+inRepo, new)
			oldSpec = "-" // nothing to replay a witness on
		default:
			if old, err = diff.Load(f.base+":"+inRepo, data); err != nil {
				return err
			}
			// git show REV:PATH reads a path from the repository's root.
			oldSpec = "<(git show " + f.base + ":" + inRepo + ")"
		}
	case f.base != "":
		return usagef("with -base, give at most one SPEC (got %d arguments: %s)", len(pos), strings.Join(pos, " "))
	case f.baseSpec != "":
		return usagef("-base-spec needs -base REV: it names the spec's path at REV")
	case len(pos) == 2:
		newPath = pos[1]
		if old, err = loadSpecFile(pos[0]); err != nil {
			return err
		}
		if new, err = loadSpecFile(newPath); err != nil {
			return err
		}
	default:
		return usagef("want OLD.yaml NEW.yaml, or -base REV [SPEC]; got %d arguments", len(pos))
	}
	allowances, err := readAllowances(f.allowances, isSet(fs, "allowances"), newPath)
	if err != nil {
		return err
	}
	config, err := readConfig(f.config, isSet(fs, "config"), newPath)
	if err != nil {
		return err
	}
	now := f.now
	if now == "" {
		now = today(f.base, newPath)
	}
	r := diff.CompareWith(old, new, diff.Options{Now: now})
	r.Base, r.Allow, r.FailOn = f.base, allow, f.failOn
	r.Configure(config)
	r.OldSpec = oldSpec
	r.Accept(allowances)
	if err := r.Write(stdout, f.format); err != nil {
		return err
	}
	code := r.ExitCode()
	if code != diff.ExitSafe && f.format == "text" {
		fmt.Fprintf(stderr, "scopegen diff: exit status %d: review each escalation and breaking change; accept one with an entry in %s (-format allowances writes them), or a whole category with -allow\n",
			code, allowancesName(f.allowances, newPath))
	}
	if code != diff.ExitSafe {
		return exitCode(code)
	}
	return nil
}

// loadSpecFile reads and validates the spec at path.
func loadSpecFile(path string) (*diff.Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the spec: %v; pass the paths of two scopes specs, OLD.yaml NEW.yaml", err)
	}
	return diff.Load(path, data)
}

// gitShow returns the spec as git has it at rev, or nil when rev has no
// such file (the spec is new); and its path relative to the repository's
// root, as git show REV:PATH takes it from anywhere in the repository. The
// spec is at path, or at oldPath when given (a path relative to the current
// directory, as path is, where the spec was before a rename); the repository
// is path's.
func gitShow(rev, path, oldPath string) (data []byte, inRepo string, err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if oldPath != "" {
		absDir, err1 := filepath.Abs(dir)
		absOld, err2 := filepath.Abs(oldPath)
		if base, err = filepath.Rel(absDir, absOld); err1 != nil || err2 != nil || err != nil {
			return nil, "", fmt.Errorf("-base-spec %s: %v", oldPath, cmp.Or(err1, err2, err))
		}
	}
	git := func(args ...string) ([]byte, error) {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			if msg := strings.TrimSpace(stderr.String()); msg != "" {
				return nil, errors.New(msg)
			}
			return nil, err
		}
		return out, nil
	}
	if _, err := git("rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, "", fmt.Errorf("-base needs git on PATH: %v", err)
		}
		why := ""
		var exit *exec.ExitError
		if !errors.As(err, &exit) { // git said why on stderr; a bare exit status says nothing
			why = " (" + oneLine(err.Error()) + ")"
		}
		return nil, "", fmt.Errorf("-base %s: not a revision of the repository of %s%s; fetch it first (e.g. git fetch origin main), or pass OLD.yaml NEW.yaml", rev, path, why)
	}
	base = filepath.ToSlash(base)
	inRepo = filepath.ToSlash(filepath.Join(dir, base))
	if prefix, err := git("rev-parse", "--show-prefix"); err == nil {
		inRepo = pathpkg.Clean(strings.TrimSpace(string(prefix)) + base)
	}
	data, err = git("show", rev+":./"+base)
	if err != nil {
		if strings.Contains(err.Error(), "exists on disk, but not in") || strings.Contains(err.Error(), "does not exist in") {
			return nil, inRepo, nil
		}
		return nil, "", fmt.Errorf("cannot read %s at %s: %v", inRepo, rev, oneLine(err.Error()))
	}
	return data, inRepo, nil
}

// readAllowances reads the allowances file: file when given, else the one
// beside the spec at specPath if it exists.
func readAllowances(file string, given bool, specPath string) ([]diff.Allowance, error) {
	if given && file == "" {
		return nil, nil // -allowances "" turns them off
	}
	path := allowancesName(file, specPath)
	data, err := os.ReadFile(path)
	if err != nil {
		if !given && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot read the allowances: %v", err)
	}
	return diff.ParseAllowances(path, data)
}

// today is the day a comparison is made as of, when -now does not say:
// with a base revision, the committer date of the commit at HEAD of the
// spec's repository (the change being reviewed); else, or when git cannot
// say, today in UTC.
func today(base, specPath string) string {
	if base != "" {
		cmd := exec.Command("git", "-C", cmp.Or(filepath.Dir(specPath), "."), "log", "-1", "--format=%cs", "HEAD")
		if out, err := cmd.Output(); err == nil && spec.IsDate(strings.TrimSpace(string(out))) {
			return strings.TrimSpace(string(out))
		}
	}
	return time.Now().UTC().Format(time.DateOnly)
}

// readConfig reads the config: file when given, else the one beside the
// spec at specPath if it exists; nil when there is none.
func readConfig(file string, given bool, specPath string) (*diff.Config, error) {
	if given && file == "" {
		return nil, nil // -config "" turns it off
	}
	path := file
	if path == "" {
		path = diff.ConfigFile(specPath)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !given && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot read the config: %v", err)
	}
	return diff.ParseConfig(path, data)
}

// allowancesName is the allowances file in use: file, or the one beside the spec.
func allowancesName(file, specPath string) string {
	if file != "" {
		return file
	}
	return diff.AllowancesFile(specPath)
}
