//go:build race

package server

// raceEnabled: the race detector allocates, so allocation counts are not checked under -race.
const raceEnabled = true
