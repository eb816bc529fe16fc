package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/client"
)

func init() { register(newExploreCmd) }

func newExploreCmd() *cobra.Command {
	var project, metric string
	var asJSON bool
	var inputs, targets []string
	var conn *connFlags
	cmd := &cobra.Command{
		Use:   "explore --project P --metric M --inputs a,b [--targets c,d]",
		Short: "Compute statistics of a project's attributes (uni, bi, anova, ttest, chi2, pca)",
		Long: `explore computes metric M over the named attributes from the project's summary alone
and prints one key and value per line, in the metric's order; a value undefined for the
data is printed null. uni takes inputs; bi two inputs; anova one C input and a T or B
target; ttest one C input and two B targets; chi2 B inputs and B targets; pca inputs.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if project == "" || metric == "" || len(inputs) == 0 {
				return usageError{errors.New("--project, --metric and --inputs are required")}
			}
			c, err := conn.client()
			if err != nil {
				return err
			}
			stats, err := c.Explore(cmd.Context(), project, metric, client.MLContext{Inputs: inputs, Targets: targets})
			if err != nil {
				return fmt.Errorf("explore %s of project %s: %w", metric, project, err)
			}
			if asJSON {
				out := make([]orderedStats, len(stats))
				for i, st := range stats {
					out[i] = orderedStats(st)
				}
				return printValue(cmd.OutOrStdout(), out)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			for _, s := range stats {
				for i, k := range s.Keys {
					fmt.Fprintf(tw, "%s\t%s\n", k, formatFloatPrec(s.Values[i], -1))
				}
			}
			return tw.Flush()
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&project, "project", "p", "", "project id (required)")
	fs.StringVar(&metric, "metric", "", "uni, bi, anova, ttest, chi2 or pca (required)")
	fs.StringSliceVar(&inputs, "inputs", nil, "input attribute names, comma-separated (required)")
	fs.StringSliceVar(&targets, "targets", nil, "target attribute names, comma-separated")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object per MLContext, keys in the metric's order (null: undefined)")
	conn = addConnFlags(fs)
	return cmd
}

// orderedStats marshals as a JSON object whose keys keep the metric's order; a value that
// is not finite (undefined for the data) is null.
type orderedStats client.Stats

func (s orderedStats) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, k := range s.Keys {
		if i > 0 {
			b = append(b, ',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b = append(append(b, kb...), ':')
		if v := s.Values[i]; math.IsNaN(v) || math.IsInf(v, 0) {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
	}
	return append(b, '}'), nil
}
