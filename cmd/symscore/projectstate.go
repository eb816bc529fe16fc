package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// The project commands that change a project's state as a whole: freeze, unfreeze,
// merge, export, import.

func newProjectFreezeCmd(conn *connFlags, freeze bool) *cobra.Command {
	use, short, past := "freeze PROJECT", "Freeze a project: learn and forget are refused until unfreeze", "froze"
	if !freeze {
		use, short, past = "unfreeze PROJECT", "Unfreeze a project: learn and forget are accepted again", "unfroze"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := conn.client()
			if err != nil {
				return err
			}
			op := c.Freeze
			if !freeze {
				op = c.Unfreeze
			}
			if err := op(cmd.Context(), args[0]); err != nil {
				return fmt.Errorf("project %s %s: %w", cmd.Name(), args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s project %s\n", past, args[0])
			return nil
		},
	}
}

func newProjectMergeCmd(conn *connFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "merge PROJECT OTHER",
		Short: "Add the statistics of project OTHER to PROJECT (OTHER is unchanged)",
		Long: `merge adds every row OTHER holds to PROJECT, as if PROJECT had learned them: the
summaries are added exactly, attributes new to PROJECT are added. OTHER is not changed.`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := conn.client()
			if err != nil {
				return err
			}
			if err := c.Merge(cmd.Context(), args[0], args[1]); err != nil {
				return fmt.Errorf("project merge %s %s: %w", args[0], args[1], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "merged project %s into project %s\n", args[1], args[0])
			return nil
		},
	}
}

func newProjectExportCmd(conn *connFlags) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export PROJECT [-o FILE]",
		Short: "Write a project's state (statistics, models, dates) to a file or stdout",
		Long: `export writes the state of PROJECT — its statistics, models and dates, in the server's
snapshot encoding — to FILE (-o), or to standard output (binary: redirect it). import
makes a project of it again, on this server or another.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := conn.client()
			if err != nil {
				return err
			}
			state, err := c.Export(cmd.Context(), args[0])
			if err != nil {
				return fmt.Errorf("project export %s: %w", args[0], err)
			}
			if output == "" || output == "-" {
				_, err = cmd.OutOrStdout().Write(state)
				return err
			}
			if err := os.WriteFile(output, state, 0o600); err != nil {
				return fmt.Errorf("project export %s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "exported project %s to %s (%d bytes)\n", args[0], output, len(state))
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", `file to write ("-" or none: standard output)`)
	return cmd
}

func newProjectImportCmd(conn *connFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "import PROJECT FILE",
		Short: "Create project PROJECT from a state that export wrote (FILE, or - for stdin)",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var state []byte
			var err error
			if args[1] == "-" {
				state, err = io.ReadAll(cmd.InOrStdin())
			} else {
				state, err = os.ReadFile(args[1])
			}
			if err != nil {
				return fmt.Errorf("project import %s: %w", args[0], err)
			}
			if len(state) == 0 {
				return fmt.Errorf("project import %s: %w", args[0], errors.New(args[1]+" is empty"))
			}
			c, err := conn.client()
			if err != nil {
				return err
			}
			if err := c.Import(cmd.Context(), args[0], state); err != nil {
				return fmt.Errorf("project import %s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported project %s from %s\n", args[0], args[1])
			return nil
		},
	}
}
