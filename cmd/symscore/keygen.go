package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/config"
)

func init() { register(newKeygenCmd) }

func newKeygenCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "keygen",
		Short: "Print a new customer secret",
		Long: `keygen prints a new secret: the Base64 text of 16 random bytes, ready for the
secrets list of a customer in the configuration file.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), config.NewSecret())
			return err
		},
	}
}
