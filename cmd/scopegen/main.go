// Command scopegen compiles a YAML spec of API authorization scopes into a
// typed, zero-allocation permission checker, and answers questions about it.
//
// Run scopegen -h for the commands.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
