//go:build race

package bench

// raceEnabled: the race detector multiplies memory and time; figures are not checked.
const raceEnabled = true
