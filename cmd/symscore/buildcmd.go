package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/symscore/symscore/client"
)

func init() { register(newBuildCmd) }

func newBuildCmd() *cobra.Command {
	var project, algo, modelID, target string
	var inputs, params []string
	var wait time.Duration
	var replace bool
	var conn *connFlags
	cmd := &cobra.Command{
		Use:   "build --project P --algo A --model M --inputs a,b --target t [--param k=v] [--replace]",
		Short: "Build a model from a project's statistics and wait for it",
		Long: `build asks the server for model M of project P with algorithm A (lda, mlda, mqda, bayes,
mlr, ridge, lasso, elasticnet) on the named input attributes and target, waits for the
build job (at most --wait) and describes the model. Parameters are passed as given, e.g.
--param alpha=1.0 for ridge, --param lambda=0.1 --param eta=0.5 for elasticnet. A model id
the project has already is refused unless --replace is given.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case project == "" || algo == "" || modelID == "":
				return usageError{errors.New("--project, --algo and --model are required")}
			case len(inputs) == 0:
				return usageError{errors.New("--inputs is required: the input attribute names, comma-separated")}
			case wait <= 0:
				return usageError{fmt.Errorf("--wait must be > 0, not %v", wait)}
			}
			p, err := parseParams(params)
			if err != nil {
				return err
			}
			c, err := conn.client()
			if err != nil {
				return err
			}
			mc := client.MLContext{Inputs: inputs, Params: p}
			if target != "" {
				mc.Targets = []string{target}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), wait)
			defer cancel()
			start := time.Now()
			var opts []client.BuildOption
			if replace {
				opts = append(opts, client.Replace())
			}
			if err := c.Build(ctx, project, algo, modelID, mc, opts...); err != nil {
				var se *client.StatusError
				if !replace && errors.As(err, &se) && se.Status == client.StatusConflict && strings.Contains(se.Message, "replace=true") {
					return fmt.Errorf("build %s of project %s: model %s exists: give --replace to rebuild it", modelID, project, modelID)
				}
				return fmt.Errorf("build %s of project %s: %w", modelID, project, err)
			}
			took := time.Since(start)
			mi, err := c.ModelInfo(cmd.Context(), project, modelID)
			if err != nil {
				return fmt.Errorf("build %s: model info: %w", modelID, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "built model %s (%s) of project %s on %d rows in %v; prediction keys %s\n",
				mi.ModelID, mi.ModelType, project, mi.Rows, took.Round(time.Millisecond), strings.Join(mi.PredictInfo, ","))
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&project, "project", "p", "", "project id (required)")
	fs.StringVar(&algo, "algo", "", "algorithm: lda, mlda, mqda, bayes, mlr, ridge, lasso, elasticnet (required)")
	fs.StringVarP(&modelID, "model", "m", "", "model id (required)")
	fs.StringSliceVar(&inputs, "inputs", nil, "input attribute names, comma-separated (required)")
	fs.StringVar(&target, "target", "", "target attribute name (a T column's name for mlda)")
	fs.StringArrayVar(&params, "param", nil, "build parameter KEY=VALUE (repeatable)")
	fs.DurationVar(&wait, "wait", 5*time.Minute, "how long to wait for the build job")
	fs.BoolVar(&replace, "replace", false, "replace a model of the same id (without it, an existing model id is refused)")
	conn = addConnFlags(fs)
	return cmd
}
