package wsconn

import "time"

// clockRebase is how old the full clock reading a Clock derives the time from may get
// before it is read again.
const clockRebase = time.Second

// Clock reads the time a message arrives with one read of the monotonic clock,
// where time.Now reads the wall clock too: two calls into the vDSO, each 20–50 ns on a
// virtual machine, where one is enough. The time it gives is a full reading (base, wall
// and monotonic) plus the monotonic time elapsed since; the base is read again once it is
// clockRebase old. The wall clock and the monotonic clock advance alike but for steps of
// the wall clock (settimeofday, an NTP step), which the time given follows within
// clockRebase; durations measured from it (time.Since) use its monotonic reading, exact.
// A signature's date window (minutes) and the replay memory's expiry tolerate that second.
//
// The zero value is ready. Used by one goroutine (a connection's reader) at a time.
type Clock struct {
	base time.Time // the last full reading; zero before the first
}

// Now returns the current time, with a monotonic clock reading.
func (c *Clock) Now() time.Time {
	if !c.base.IsZero() {
		if d := time.Since(c.base); d >= 0 && d < clockRebase {
			return c.base.Add(d)
		}
	}
	c.base = time.Now()
	return c.base
}

// Timing is one message's clock readings, shared by the connection and the session so
// that a message costs two reads of the monotonic clock in all: Arrived, read by the
// connection when the message's last byte is in, and the end, read by the session's
// Took when its reply is ready. The connection checks its idle deadline against the end
// (the next frame's wait starts there) instead of reading the clock a third time.
//
// The connection owns it; a session may use it during HandleMessage only.
type Timing struct {
	// Arrived is when the message's last byte was read: a Clock reading, wall and
	// monotonic. It is the message's time for everything: its latency's start, a
	// signature's date window.
	Arrived time.Time
	end     time.Time // Took's reading; zero until Took is called
}

// Took returns the time since Arrived (one read of the monotonic clock) and keeps the
// reading for the connection. Call it at most once, when the reply is ready.
func (t *Timing) Took() time.Duration {
	d := time.Since(t.Arrived)
	t.end = t.Arrived.Add(d)
	return d
}

// start begins a message's timing at arrived.
func (t *Timing) start(arrived time.Time) { t.Arrived, t.end = arrived, time.Time{} }

// last returns the reading Took kept, or c's current time if there is none (Took was not
// called, or the reading was used already), and forgets it: a reading is no later than
// now, so an idle deadline checked against it is checked against its time at worst.
func (t *Timing) last(c *Clock) time.Time {
	if e := t.end; !e.IsZero() {
		t.end = time.Time{}
		return e
	}
	return c.Now()
}
