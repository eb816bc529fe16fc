package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testkit/natstest"
)

// natsMemberEnv, when set to a natstest.MemberSpec in JSON, makes the test binary a NATS
// server of a JetStream cluster (TestMain): a child process the fault test kills with -9.
const natsMemberEnv = "SYMSCORE_TEST_NATS_MEMBER"

func runNATSMember(spec string) int {
	var ms natstest.MemberSpec
	if err := json.Unmarshal([]byte(spec), &ms); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if err := natstest.RunMember(ms); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// natsChild is a NATS server running as a child process of the test binary.
type natsChild struct {
	spec natstest.MemberSpec
	cmd  *exec.Cmd
	done chan struct{}
}

func startNATSChild(t *testing.T, spec natstest.MemberSpec) *natsChild {
	t.Helper()
	data, _ := json.Marshal(spec)
	c := &natsChild{spec: spec, cmd: exec.Command(os.Args[0], "-test.run=^$"), done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), natsMemberEnv+"="+string(data))
	c.cmd.Stderr = os.Stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(c.kill)
	return c
}

// kill kills the server with SIGKILL and waits for it.
func (c *natsChild) kill() {
	if c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-c.done
}

func (c *natsChild) url() string { return fmt.Sprintf("nats://127.0.0.1:%d", c.spec.Port) }

// natsURLs lists the children's client URLs, as cluster.nats_url takes them.
func natsURLs(children []*natsChild) string {
	var urls []string
	for _, c := range children {
		urls = append(urls, c.url())
	}
	return strings.Join(urls, ",")
}

// readyWithin polls admin's /readyz until it answers 200, false after d.
func readyWithin(admin string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if readyzOf(admin) == http.StatusOK {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// healthy reports whether the server answers its /healthz with 200: running, and current
// with JetStream's streams.
func (c *natsChild) healthy() bool {
	hc := http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", c.spec.HTTPPort))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
