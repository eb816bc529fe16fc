package main

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func init() { register(newModelCmd) }

func newModelCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "model",
		Short: "Describe or delete a model",
		Args:  noArgs,
	}
	group(cmd)
	var project, modelID string
	pf := cmd.PersistentFlags()
	pf.StringVarP(&project, "project", "p", "", "project id (required)")
	pf.StringVarP(&modelID, "model", "m", "", "model id (required)")
	conn := addConnFlags(pf)
	need := func() error {
		if project == "" || modelID == "" {
			return usageError{errors.New("--project and --model are required")}
		}
		return nil
	}
	var asJSON bool
	info := &cobra.Command{
		Use:   "info --project P --model M",
		Short: "Describe a model: inputs, targets, prediction keys, fitted parameters",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := need(); err != nil {
				return err
			}
			c, err := conn.client()
			if err != nil {
				return err
			}
			mi, err := c.ModelInfo(cmd.Context(), project, modelID)
			if err != nil {
				return fmt.Errorf("model info %s of project %s: %w", modelID, project, err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return printJSON(out, mi.Raw)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "model:\t%s\n", mi.ModelID)
			fmt.Fprintf(tw, "type:\t%s\n", mi.ModelType)
			fmt.Fprintf(tw, "rows:\t%d\n", mi.Rows)
			fmt.Fprintf(tw, "created:\t%s\n", mi.CreationDate)
			fmt.Fprintf(tw, "build time:\t%v\n", mi.BuildTime.Round(time.Microsecond))
			fmt.Fprintf(tw, "inputs:\t%s\n", strings.Join(mi.AttributeNames, ", "))
			fmt.Fprintf(tw, "targets:\t%s\n", strings.Join(mi.TargetNames, ", "))
			if len(mi.Classes) > 0 {
				fmt.Fprintf(tw, "classes:\t%s\n", strings.Join(mi.Classes, ", "))
			}
			fmt.Fprintf(tw, "prediction keys:\t%s\n", strings.Join(mi.PredictInfo, ", "))
			names := make([]string, 0, len(mi.Info))
			for k := range mi.Info {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				fmt.Fprintf(tw, "%s:\t%s\n", k, formatFloats(mi.Info[k]))
			}
			tw.Flush()
			if len(mi.Coefficients) > 0 {
				tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
				fmt.Fprintln(tw, "name\tcoefficient\tstd.error\tt\tp\tci.low\tci.high\t")
				for _, r := range mi.Coefficients {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Name, formatFloat(r.Coefficient), formatFloat(r.StdError),
						formatFloat(r.T), formatFloat(r.P), formatFloat(r.CILow), formatFloat(r.CIHigh))
				}
				tw.Flush()
			}
			return nil
		},
	}
	info.Flags().BoolVar(&asJSON, "json", false, "print the server's modelInfo object as JSON")
	del := &cobra.Command{
		Use:   "delete --project P --model M",
		Short: "Delete a model",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := need(); err != nil {
				return err
			}
			c, err := conn.client()
			if err != nil {
				return err
			}
			if err := c.DeleteModel(cmd.Context(), project, modelID); err != nil {
				return fmt.Errorf("model delete %s of project %s: %w", modelID, project, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted model %s of project %s\n", modelID, project)
			return nil
		},
	}
	cmd.AddCommand(info, del)
	return cmd
}

// formatFloat writes a number with 6 significant digits, NaN as "null" (the wire's word).
func formatFloat(f float64) string { return formatFloatPrec(f, 6) }

// formatFloatPrec is formatFloat with prec significant digits; -1: as many as it takes to
// read back the same float64.
func formatFloatPrec(f float64, prec int) string {
	if f != f {
		return "null"
	}
	return strconv.FormatFloat(f, 'g', prec, 64)
}

func formatFloats(fs []float64) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = formatFloat(f)
	}
	return strings.Join(s, " ")
}
