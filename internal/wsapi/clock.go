package wsapi

import "time"

// clockRebase is how old the full clock reading an arrivalClock derives the time from may
// get before it is read again.
const clockRebase = time.Second

// arrivalClock reads the time a message arrives with one read of the monotonic clock,
// where time.Now reads the wall clock too: two calls into the vDSO, each 20–50 ns on a
// virtual machine, where one is enough. The time it gives is a full reading (base, wall
// and monotonic) plus the monotonic time elapsed since; the base is read again once it is
// clockRebase old. The wall clock and the monotonic clock advance alike but for steps of
// the wall clock (settimeofday, an NTP step), which the time given follows within
// clockRebase; durations measured from it (time.Since) use its monotonic reading, exact.
// A signature's date window (minutes) and the replay memory's expiry tolerate that second.
//
// The zero value is ready. Used by one goroutine (a session's reader) at a time.
type arrivalClock struct {
	base time.Time // the last full reading; zero before the first
}

// now returns the current time, with a monotonic clock reading.
func (c *arrivalClock) now() time.Time {
	if !c.base.IsZero() {
		if d := time.Since(c.base); d >= 0 && d < clockRebase {
			return c.base.Add(d)
		}
	}
	c.base = time.Now()
	return c.base
}
