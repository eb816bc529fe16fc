package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func init() { register(newProjectCmd) }

func newProjectCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "project",
		Short: "Create, list, describe, delete, freeze, merge, export or import projects",
		Long: `project manages the projects of a customer on a symscore server over REST.

The server and the customer come from --url, --cid and --secret, else from the
SYMSCORE_URL, SYMSCORE_CID and SYMSCORE_SECRET environment variables, else from the
development customer that serve keeps in --data-dir (default $SYMSCORE_DATA_DIR or ./var).`,
		Args: noArgs,
	}
	group(cmd)
	conn := addConnFlags(cmd.PersistentFlags())
	cmd.AddCommand(newProjectCreateCmd(conn), newProjectListCmd(conn), newProjectInfoCmd(conn), newProjectDeleteCmd(conn),
		newProjectFreezeCmd(conn, true), newProjectFreezeCmd(conn, false), newProjectMergeCmd(conn),
		newProjectExportCmd(conn), newProjectImportCmd(conn))
	return cmd
}

func newProjectCreateCmd(conn *connFlags) *cobra.Command {
	var typ string
	var params []string
	cmd := &cobra.Command{
		Use:   "create PROJECT",
		Short: "Create a project",
		Long: `create makes an empty project. --type partition keeps one summary per value of the
partition column, named by --param partitionSplit=COLUMN.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := parseParams(params)
			if err != nil {
				return err
			}
			c, err := conn.client()
			if err != nil {
				return err
			}
			if err := c.CreateProject(cmd.Context(), args[0], typ, p); err != nil {
				return fmt.Errorf("project create %s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "created project %s (%s)\n", args[0], typ)
			return nil
		},
	}
	cmd.Flags().StringVar(&typ, "type", "cpu", "project type: cpu or partition")
	cmd.Flags().StringArrayVar(&params, "param", nil, "project parameter KEY=VALUE (repeatable), e.g. partitionSplit=species")
	return cmd
}

func newProjectListCmd(conn *connFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the customer's projects, one id per line",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := conn.client()
			if err != nil {
				return err
			}
			ids, err := c.ListProjects(cmd.Context())
			if err != nil {
				return fmt.Errorf("project list: %w", err)
			}
			slices.Sort(ids)
			if asJSON {
				return printValue(cmd.OutOrStdout(), append([]string{}, ids...))
			}
			for _, id := range ids {
				fmt.Fprintln(cmd.OutOrStdout(), id)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of the ids")
	return cmd
}

func newProjectInfoCmd(conn *connFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "info PROJECT",
		Short: "Describe a project: rows, attributes, models",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := conn.client()
			if err != nil {
				return err
			}
			info, err := c.ProjectInfo(cmd.Context(), args[0])
			if err != nil {
				return fmt.Errorf("project info %s: %w", args[0], err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return printJSON(out, info.Raw)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "project:\t%s\n", info.PID)
			fmt.Fprintf(tw, "type:\t%s\n", info.Type)
			if info.PartitionColumn != "" {
				fmt.Fprintf(tw, "partition column:\t%s\n", info.PartitionColumn)
			}
			fmt.Fprintf(tw, "rows:\t%d\n", info.Rows)
			fmt.Fprintf(tw, "frozen:\t%v\n", info.Frozen)
			fmt.Fprintf(tw, "created:\t%s\n", info.CreationDate)
			fmt.Fprintf(tw, "modified:\t%s\n", info.LastModificationDate)
			var models []string
			for i, m := range info.ModelsList {
				if i < len(info.ModelTypeList) {
					m += " (" + info.ModelTypeList[i] + ")"
				}
				models = append(models, m)
			}
			if len(models) == 0 {
				models = []string{"(none)"}
			}
			fmt.Fprintf(tw, "models:\t%s\n", strings.Join(models, ", "))
			fmt.Fprintf(tw, "attributes:\t%d\n", len(info.AttributeNames))
			tw.Flush()
			tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			for i, name := range info.AttributeNames {
				typ := ""
				if i < len(info.AttributeTypes) {
					typ = info.AttributeTypes[i]
				}
				fmt.Fprintf(tw, "  %d\t%s\t%s\n", i, name, typ)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the server's smlInfo object as JSON")
	return cmd
}

func newProjectDeleteCmd(conn *connFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "delete PROJECT",
		Short: "Delete a project and its models",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := conn.client()
			if err != nil {
				return err
			}
			if err := c.DeleteProject(cmd.Context(), args[0]); err != nil {
				return fmt.Errorf("project delete %s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted project %s\n", args[0])
			return nil
		},
	}
}

// parseParams reads KEY=VALUE flags into a map.
func parseParams(kvs []string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageError{fmt.Errorf("--param %q: want KEY=VALUE", kv)}
		}
		if _, dup := m[k]; dup {
			return nil, usageError{fmt.Errorf("--param %s given twice", k)}
		}
		m[k] = v
	}
	return m, nil
}

// printValue prints v as indented JSON.
func printValue(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// printJSON prints raw JSON indented.
func printJSON(w io.Writer, raw []byte) error {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return err
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}
