//go:build !linux

package bench

import "net"

// idleWaiter is not available on this platform: connections keep their buffers.
type idleWaiter struct{}

func (w *idleWaiter) init(net.Conn) bool { return false }
func (w *idleWaiter) wait() error        { return nil }
