package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func init() { register(newUploadsCmd) }

func newUploadsCmd() *cobra.Command {
	var asJSON bool
	var del string
	var conn *connFlags
	cmd := &cobra.Command{
		Use:   "uploads [--delete ID]",
		Short: "List the customer's uploads, or delete one",
		Long: `uploads lists the customer's bulk uploads (symscore upload): id, project, file name, bytes
received of the size, state (receiving, finalizing, done, failed, expired) and when an
unfinished one expires. --delete ID discards an upload and its file on the server.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := conn.client()
			if err != nil {
				return err
			}
			if del != "" {
				if err := c.DeleteUpload(cmd.Context(), del); err != nil {
					return fmt.Errorf("uploads --delete %s: %w", del, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "deleted upload %s\n", del)
				return nil
			}
			list, err := c.ListUploads(cmd.Context())
			if err != nil {
				return fmt.Errorf("uploads: %w", err)
			}
			if asJSON {
				return printValue(cmd.OutOrStdout(), list)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tPROJECT\tNAME\tRECEIVED\tSTATE\tEXPIRES")
			for _, u := range list {
				state := u.State
				switch {
				case u.State == "done":
					state = fmt.Sprintf("done (%d rows)", u.RowsApplied)
				case u.State == "failed" && u.Error != "":
					state = "failed: " + u.Error
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s/%s MB\t%s\t%s\n", u.ID, u.PID, u.Name, megabytes(u.Received), megabytes(u.Size),
					state, u.Expires.Local().Format(time.DateTime))
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the uploads as JSON")
	cmd.Flags().StringVar(&del, "delete", "", "delete upload ID and its file")
	conn = addConnFlags(cmd.Flags())
	return cmd
}
