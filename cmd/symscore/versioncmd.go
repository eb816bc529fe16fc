package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/buildinfo"
)

func init() { register(newVersionCmd) }

func newVersionCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version and VCS revision of this binary",
		Long: `version prints the module version (a tag when installed with go install
module@version, "(devel)" when built from a checkout), the VCS revision and commit time
the Go toolchain stamped into the binary, and the Go version. symscore --version prints
the same line.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			i := buildinfo.Read()
			if asJSON {
				b, err := json.MarshalIndent(map[string]any{"version": i.Version, "revision": i.Revision,
					"time": i.Time, "modified": i.Modified, "goVersion": i.GoVersion}, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", b)
				return err
			}
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "symscore %s\n", i)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON object")
	return cmd
}
