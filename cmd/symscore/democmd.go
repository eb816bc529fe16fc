package main

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

func init() { register(newDemoCmd) }

// demoIris is the 150-row iris file of clients/testdata, so that the demo runs anywhere
// (a test checks the two are the same).
//
//go:embed demodata/iris.csv
var demoIris []byte

// demoSample are the iris rows (0-based, after the header) that the demo scores.
var demoSample = []int{0, 1, 50, 51, 100, 101, 149}

func newDemoCmd() *cobra.Command {
	var iris string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a throwaway server and show the client commands on the iris data",
		Long: `demo starts symscore serve with the embedded default configuration on free loopback
ports and a temporary data directory, waits until it is ready, then runs the client
commands a user would type: create a project, learn the iris data (--iris, a CSV file
with a header row; default: the copy built into the binary),
build lda (target Iris_virginica), mlda (target species) and mlr (target petal_width),
predict a few rows with each, explore, delete the project. Then it stops the server
with SIGTERM and removes the directory. It exits 1 if any step fails.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), iris, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&iris, "iris", "", "the iris CSV file (default: the built-in copy)")
	return cmd
}

func runDemo(ctx context.Context, iris string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if iris != "" {
		if _, err := os.Stat(iris); err != nil {
			return usageError{fmt.Errorf("--iris: %w", err)}
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "symscore-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dataDir := filepath.Join(dir, "data")
	if iris == "" {
		iris = filepath.Join(dir, "iris.csv")
		if err := os.WriteFile(iris, demoIris, 0o600); err != nil {
			return err
		}
	}

	srv, err := startDemoServer(ctx, exe, dataDir)
	if err != nil {
		return err
	}
	defer srv.kill()
	fmt.Fprintf(stdout, "# symscore serve is up at %s (data in %s); the commands below reach it through\n", srv.url, dataDir)
	fmt.Fprintf(stdout, "# SYMSCORE_URL and find its development customer through SYMSCORE_DATA_DIR.\n\n")
	env := map[string]string{"SYMSCORE_URL": srv.url, "SYMSCORE_DATA_DIR": dataDir, "SYMSCORE_CID": "", "SYMSCORE_SECRET": ""}
	for k, v := range env {
		os.Setenv(k, v)
	}

	sample := filepath.Join(dir, "sample.csv")
	if err := writeDemoSample(iris, sample); err != nil {
		return err
	}
	inputs := "sepal_length,sepal_width,petal_length,petal_width"
	steps := [][]string{
		{"project", "create", "iris"},
		{"learn", "--project", "iris", iris},
		{"project", "info", "iris"},
		{"build", "--project", "iris", "--algo", "lda", "--model", "lda", "--inputs", inputs, "--target", "Iris_virginica"},
		{"build", "--project", "iris", "--algo", "mlda", "--model", "mlda", "--inputs", inputs, "--target", "species"},
		{"build", "--project", "iris", "--algo", "mlr", "--model", "mlr", "--inputs", "sepal_length,sepal_width,petal_length", "--target", "petal_width"},
		{"predict", "--project", "iris", "--model", "lda", "--format", "table", sample},
		{"predict", "--project", "iris", "--model", "mlda", "--format", "table", sample},
		{"predict", "--project", "iris", "--model", "mlr", "--format", "table", sample},
		{"explore", "--project", "iris", "--metric", "bi", "--inputs", "petal_length,petal_width"},
		{"project", "delete", "iris"},
	}
	for _, args := range steps {
		if ctx.Err() != nil {
			return errors.New("demo: interrupted")
		}
		shown := strings.ReplaceAll(strings.Join(args, " "), dir+string(filepath.Separator), "")
		fmt.Fprintf(stdout, "$ symscore %s\n", shown)
		if code := run(args, stdout, stderr); code != exitOK {
			fmt.Fprintf(stderr, "symscore demo: the step failed (exit %d); the server's last log lines:\n%s", code, srv.logTail())
			return errReported
		}
		fmt.Fprintln(stdout)
	}
	if err := srv.stop(15 * time.Second); err != nil {
		fmt.Fprintf(stderr, "symscore demo: %v; the server's last log lines:\n%s", err, srv.logTail())
		return errReported
	}
	fmt.Fprintf(stdout, "# server stopped (SIGTERM, exit 0); %s removed\n", dir)
	return nil
}

// writeDemoSample writes the demo's sample rows of iris (measurements and species).
func writeDemoSample(iris, path string) error {
	in, err := os.Open(iris)
	if err != nil {
		return err
	}
	defer in.Close()
	all, err := csv.NewReader(in).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", iris, err)
	}
	if len(all) < 151 || len(all[0]) < 5 || all[0][4] != "species" {
		return fmt.Errorf("%s: want the 150-row iris file of clients/testdata", iris)
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(out)
	w.Write(all[0][:5])
	for _, r := range demoSample {
		w.Write(all[r+1][:5])
	}
	w.Flush()
	if err := w.Error(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// demoServer is the `symscore serve` process of the demo.
type demoServer struct {
	cmd   *exec.Cmd
	url   string
	lines chan string   // stderr lines after "symscore started"
	done  chan struct{} // closed when the process has exited
	tail  []string
	err   error // cmd.Wait's result, set before done is closed
}

// startDemoServer starts serve on free ports and waits until /readyz says 200.
func startDemoServer(ctx context.Context, exe, dataDir string) (*demoServer, error) {
	cmd := exec.Command(exe, "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
		"--data-dir", dataDir, "--log-format", "json")
	for _, kv := range os.Environ() { // the embedded default configuration, whatever the shell says
		if !strings.HasPrefix(kv, "SYMSCORE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stdout = io.Discard // the development key banner: the secret stays in its file
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start symscore serve: %w", err)
	}
	s := &demoServer{cmd: cmd, lines: make(chan string, 64), done: make(chan struct{})}
	started := make(chan [2]string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			var m struct{ Msg, Listen, Admin_listen string }
			if json.Unmarshal([]byte(line), &m) == nil && m.Msg == "symscore started" {
				started <- [2]string{m.Listen, m.Admin_listen}
			}
			select {
			case s.lines <- line:
			default: // nobody reads: keep the latest in the tail only
			}
		}
		close(s.lines)
		s.err = cmd.Wait()
		close(s.done)
	}()
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	var addrs [2]string
	select {
	case addrs = <-started:
	case <-s.done:
		return nil, fmt.Errorf("symscore serve exited before it started (%v):\n%s", s.err, s.logTail())
	case <-timer.C:
		s.kill()
		return nil, fmt.Errorf("symscore serve did not start within 30s:\n%s", s.logTail())
	case <-ctx.Done():
		s.kill()
		return nil, errors.New("demo: interrupted")
	}
	s.url = "http://" + addrs[0]
	if err := waitReady(ctx, "http://"+addrs[1]+"/readyz", timer.C); err != nil {
		s.kill()
		return nil, err
	}
	return s, nil
}

// waitReady polls url every 20ms until it answers 200.
func waitReady(ctx context.Context, url string, deadline <-chan time.Time) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-tick.C:
		case <-deadline:
			return fmt.Errorf("%s not ready within 30s (%v)", url, err)
		case <-ctx.Done():
			return errors.New("demo: interrupted")
		}
	}
}

// logTail drains the lines read so far and returns the last 20.
func (s *demoServer) logTail() string {
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				return strings.Join(s.tail, "\n") + "\n"
			}
			s.tail = append(s.tail, l)
			if len(s.tail) > 20 {
				s.tail = s.tail[1:]
			}
			continue
		default:
		}
		return strings.Join(s.tail, "\n") + "\n"
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (s *demoServer) stop(timeout time.Duration) error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("cannot stop symscore serve: %w", err)
	}
	select {
	case <-s.done:
		if s.err != nil {
			return fmt.Errorf("symscore serve did not stop cleanly: %v", s.err)
		}
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("symscore serve still running %v after SIGTERM", timeout)
	}
}

// kill ends the server if it still runs (a failed demo).
func (s *demoServer) kill() {
	select {
	case <-s.done:
	default:
		s.cmd.Process.Kill()
		<-s.done
	}
}
