package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// floorsStartTimeout bounds how long a floors child process may take to report its URLs.
const floorsStartTimeout = 10 * time.Second

// FloorsProcess is a child process serving the floors ("symscore bench serve-floors
// --stdin"): it prints "ws <url>" and "tcp <url>", and runs until its standard input ends.
type FloorsProcess struct {
	cmd           *exec.Cmd
	stdin         io.WriteCloser
	WSURL, TCPURL string // the floors' URLs
	PID           int    // the child's process id
}

// StartFloorsProcess starts c, a command that serves the floors as above, and waits for
// its URLs; c's standard error goes to stderr.
func StartFloorsProcess(c *exec.Cmd, stderr io.Writer) (*FloorsProcess, error) {
	c.Stderr = stderr
	in, err := c.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("cannot start the floors process: %w", err)
	}
	p := &FloorsProcess{cmd: c, stdin: in, PID: c.Process.Pid}
	urls := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var wsURL, tcpURL string
		for (wsURL == "" || tcpURL == "") && sc.Scan() {
			kind, u, _ := strings.Cut(sc.Text(), " ")
			switch kind {
			case "ws":
				wsURL = u
			case "tcp":
				tcpURL = u
			}
		}
		if wsURL == "" || tcpURL == "" {
			urls <- errors.New("the floors process did not report its URLs")
			return
		}
		p.WSURL, p.TCPURL = wsURL, tcpURL
		urls <- nil
		io.Copy(io.Discard, out)
	}()
	select {
	case err = <-urls:
	case <-time.After(floorsStartTimeout):
		err = fmt.Errorf("the floors process did not start within %v", floorsStartTimeout)
	}
	if err != nil {
		c.Process.Kill()
		p.Stop()
		return nil, err
	}
	return p, nil
}

// Stop ends the child (by closing its standard input) and waits for it.
func (p *FloorsProcess) Stop() {
	p.stdin.Close()
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(floorsStartTimeout):
		p.cmd.Process.Kill()
		<-done
	}
}
