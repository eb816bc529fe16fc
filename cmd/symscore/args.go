package main

import "github.com/spf13/cobra"

// noArgs and maxArgs are cobra's argument checks, reporting a wrong count as a usage error.
func noArgs(cmd *cobra.Command, args []string) error { return maxArgs(0)(cmd, args) }

func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// exactArgs is cobra.ExactArgs reporting a wrong count as a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
