package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func init() { register(newReadyCmd) }

func newReadyCmd() *cobra.Command {
	var adminURL string
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "ready [--admin-url URL] [--wait D]",
		Short: "Exit 0 when the server answers /readyz with 200 (a health check)",
		Long: `ready asks the admin listener's /readyz, as a container health check or a deployment
script does: exit 0 when it answers 200 (recovery done, listeners up), 1 otherwise. With
--wait it asks again every 100ms until it is ready or the time is up.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			url := strings.TrimSuffix(normalizeURL(adminURL), "/") + "/readyz"
			ctx, cancel := context.WithTimeout(cmd.Context(), max(wait, 3*time.Second))
			defer cancel()
			for {
				status, err := getStatus(ctx, url)
				if err == nil && status == http.StatusOK {
					fmt.Fprintf(cmd.OutOrStdout(), "ready: %s answered 200\n", url)
					return nil
				}
				if wait <= 0 || ctx.Err() != nil {
					if err != nil {
						return fmt.Errorf("not ready: %w", err)
					}
					return fmt.Errorf("not ready: %s answered %d", url, status)
				}
				select {
				case <-ctx.Done():
				case <-time.After(100 * time.Millisecond):
				}
			}
		},
	}
	cmd.Flags().StringVar(&adminURL, "admin-url", "http://127.0.0.1:9090", "base URL of the admin listener")
	cmd.Flags().DurationVar(&wait, "wait", 0, "keep asking this long (0: ask once)")
	return cmd
}

// getStatus returns the status code of a GET of url.
func getStatus(ctx context.Context, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, usageError{err}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	return resp.StatusCode, nil
}
