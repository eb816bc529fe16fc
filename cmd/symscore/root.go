package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command failed (invalid configuration, server error, ...)
	exitUsage = 2 // the command line is wrong
)

// commands are the constructors of symscore's subcommands. Each command's file registers
// its own in an init function (register(newXxxCmd)), so adding a command is adding a file.
var commands []func() *cobra.Command

func register(newCmd func() *cobra.Command) { commands = append(commands, newCmd) }

// errReported is returned by a command that already told the user what went wrong: run
// exits with exitError without printing it again.
var errReported = errors.New("reported")

// usageError marks a wrong command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "symscore",
		Short: "symscore learns from streamed data and scores it with low latency",
		Long: `symscore keeps exact summary statistics of the rows clients learn and forget, builds
models from them in milliseconds, and answers predictions over WebSocket and REST with
the SymetryML protocol.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	for _, newCmd := range commands {
		root.AddCommand(newCmd())
	}
	return root
}

// run executes the command line args and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(context.Background())
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errReported):
		return exitError
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "symscore: %v\nRun 'symscore help' for usage.\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "symscore: %v\n", err)
		return exitError
	}
}
