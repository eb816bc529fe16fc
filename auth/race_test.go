//go:build race

package auth

// raceEnabled: the race detector instruments memory accesses and allocates, so allocation
// counts are not checked under -race.
const raceEnabled = true
