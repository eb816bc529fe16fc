package ops

import (
	"context"
	"errors"
	"runtime"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/protocol"
)

// Builds and explorations run in a slot of the compute pool (admit.Pool): at most
// ComputeSlots at once over all customers, so that they never hold every core and
// predictions and learns keep theirs; a customer waiting for a slot gets one in turn with
// the other customers waiting, one item each.

// MaxQueuedWork is how many builds and explorations one customer may have waiting for a
// slot; one more is refused with 503 (counted as the max_queued_work refusal).
const MaxQueuedWork = MaxRunningBuilds + 16

// DefaultComputeSlots is the size of the compute pool: half the cores the Go runtime uses
// (GOMAXPROCS), at least one.
func DefaultComputeSlots() int { return max(1, runtime.GOMAXPROCS(0)/2) }

var (
	errQueuedWork = protocol.Errorf(protocol.StatusServiceUnavailable,
		"too many builds and explorations of this customer waiting for the server (%d); retry when one has finished", MaxQueuedWork)
	// errClientGone answers work stopped because its request's context ended: its client
	// has gone (nobody reads the answer; symscore_requests_total counts it).
	errClientGone = protocol.Errorf(protocol.StatusServiceUnavailable, "stopped: the client has gone")
	// errBuildStopped is the outcome of a build job cancelled by shutdown.
	errBuildStopped = protocol.Errorf(protocol.StatusServiceUnavailable, "build stopped: the server is shutting down")
)

// acquireCompute takes a slot of the compute pool for customer c, waiting for its turn
// until ctx ends. Its refusals: errQueuedWork, or gone when ctx ended first.
func (s *Service) acquireCompute(ctx context.Context, c Customer, gone error) error {
	err := s.compute.Acquire(ctx, c.id)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, admit.ErrQueueFull):
		return s.Refuse(errQueuedWork)
	}
	return s.Refuse(gone)
}

// stopped maps an error of work whose context ended to gone; other errors are returned
// as they are.
func stopped(err, gone error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return gone
	}
	return err
}

// ComputeBusy is the number of compute slots taken now (tests, metrics).
func (s *Service) ComputeBusy() int { return s.compute.Busy() }

// ComputeWaiting is the number of items waiting for a compute slot now.
func (s *Service) ComputeWaiting() int { return s.compute.Queued() }
