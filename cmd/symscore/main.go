// Command symscore runs the symscore server and its companion commands. Run
// `symscore help` for the list.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
