package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/buildinfo"
)

// isCobraUsage recognises cobra's own command-line errors (an unknown command or
// subcommand, a missing flag value), which it returns as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command ") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag") || strings.HasPrefix(msg, "flag needs an argument") ||
		strings.HasPrefix(msg, "invalid argument ") || strings.HasPrefix(msg, "required flag")
}

// Exit codes.
const (
	exitOK          = 0
	exitError       = 1   // the command failed (invalid configuration, server error, ...)
	exitUsage       = 2   // the command line is wrong
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it)
)

// commands are the constructors of symscore's subcommands. Each command's file registers
// its own in an init function (register(newXxxCmd)), so adding a command is adding a file.
var commands []func() *cobra.Command

func register(newCmd func() *cobra.Command) { commands = append(commands, newCmd) }

// errReported is returned by a command that already told the user what went wrong: run
// exits with exitError without printing it again.
var errReported = errors.New("reported")

// errInterrupted is the failure of work stopped by a signal.
var errInterrupted = errors.New("interrupted")

// interruptedError marks a command stopped by SIGINT or SIGTERM: run exits with
// exitInterrupted after printing it.
type interruptedError struct{ err error }

func (e interruptedError) Error() string { return e.err.Error() }
func (e interruptedError) Unwrap() error { return e.err }

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
		Version:       buildinfo.Read().String(),
		// Without a subcommand: the help, and exit 2 for anything else.
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("unknown command %q", args[0])}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetVersionTemplate("symscore {{.Version}}\n")
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
	var ie interruptedError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ie):
		fmt.Fprintf(stderr, "symscore: %v\n", err)
		return exitInterrupted
	case errors.Is(err, errReported):
		return exitError
	case errors.As(err, &ue) || isCobraUsage(err):
		fmt.Fprintf(stderr, "symscore: %v\nRun 'symscore help' for usage.\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "symscore: %v%s\n", err, connectionHint(err))
		return exitError
	}
}
