package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/config"
)

func init() { register(newConfigCmd) }

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check or print configuration",
		Args:  noArgs,
	}
	group(cmd)
	cmd.AddCommand(newConfigCheckCmd(), newConfigDefaultCmd())
	return cmd
}

func newConfigCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check [FILE]",
		Short: "Validate a configuration and print it with secrets masked",
		Long: `check loads FILE (default: the embedded default configuration) with the SYMSCORE_*
environment variables, as serve would, and prints the effective configuration with every
secret replaced by ****. When the configuration is invalid it lists every problem first,
each with its key (and the nearest known key for an unknown one), and exits 1. It
changes nothing: no development customer is created.`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var file string
			if len(args) == 1 {
				file = args[0]
			}
			cfg, err := config.Load(config.LoadOptions{File: file})
			var ce *config.Error
			if err != nil && !errors.As(err, &ce) {
				return err
			}
			out, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			name := file
			if name == "" {
				name = "embedded default configuration"
			}
			// Problems first: they are what the user came for.
			if ce != nil {
				fmt.Fprintf(stderr, "symscore: %s: %d problem(s):\n", name, len(ce.Problems))
				for _, p := range ce.Problems {
					fmt.Fprintf(stderr, "  %s\n", p)
				}
			}
			fmt.Fprintf(out, "# effective configuration: %s, SYMSCORE_* environment; secrets masked\n", name)
			if len(cfg.Customers) == 0 {
				fmt.Fprintf(out, "# no customers: serve uses the development customer in %s\n", config.DevCustomerPath(cfg.DataDir))
			}
			out.Write(cfg.Masked().AppendYAML(nil))
			if ce != nil {
				return errReported
			}
			fmt.Fprintf(stderr, "%s: OK\n", name)
			return nil
		},
	}
}

func newConfigDefaultCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "default",
		Short: "Print the default configuration file, every key with its default",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(config.DefaultYAML())
			return err
		},
	}
}
