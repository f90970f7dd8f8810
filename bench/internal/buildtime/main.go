// Command buildtime measures how long `go build` takes to compile a generated
// package, and prints it in the format of `go test -bench` for
// internal/report:
//
//	go run ./internal/buildtime -n 3 shipped api big
//
// Each build copies the package's non-test files into a fresh module with a
// new import path, so the go command cannot reuse a cached compile of it;
// the standard library it imports is compiled once, before the timing.
// Next to the wall time (ns/op) it prints the CPU time the build took (the go
// command and the compiler, as cpu-ns/op), which other load on the machine
// does not inflate as it does the wall time.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 3, "builds of each package")
	flag.Parse()
	goTool, err := exec.LookPath("go")
	if err != nil {
		fail(err)
	}
	fmt.Println("pkg: build")
	for i, dir := range flag.Args() {
		for run := -1; run < *n; run++ {
			d, cpu, err := build(goTool, dir)
			if err != nil {
				fail(fmt.Errorf("%s: %w", dir, err))
			}
			if run < 0 {
				if i == 0 {
					continue // the first build of all also compiles the standard library
				}
				run = 0
			}
			fmt.Printf("BenchmarkBuild/%s \t       1\t%d ns/op\t%d cpu-ns/op\n", filepath.Base(dir), d.Nanoseconds(), cpu.Nanoseconds())
		}
	}
}

// build returns the wall time of the build, and the CPU time of the go
// command and the compiler it ran (user and system).
func build(goTool, dir string) (wall, cpu time.Duration, err error) {
	tmp, err := os.MkdirTemp("", "buildtime-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(tmp)
	mod := fmt.Sprintf("module buildtime.example/p%d\n\ngo 1.24\n", time.Now().UnixNano())
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte(mod), 0o644); err != nil {
		return 0, 0, err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	copied := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return 0, 0, err
		}
		if err := os.WriteFile(filepath.Join(tmp, filepath.Base(f)), data, 0o644); err != nil {
			return 0, 0, err
		}
		copied++
	}
	if copied == 0 {
		return 0, 0, fmt.Errorf("no Go files; run go run ./internal/gen first")
	}
	cmd := exec.Command(goTool, "build", "./...")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("go build: %v\n%s", err, out)
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "buildtime:", err)
	os.Exit(1)
}
