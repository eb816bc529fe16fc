// Package waltest provides FaultFS, a wal.FS wrapper for tests: it counts operations,
// fails, shortens or delays the Nth one, simulates a crash (every later operation fails)
// and simulates a power failure by dropping what was never fsynced.
package waltest
