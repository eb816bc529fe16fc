//go:build race

package model

// predictRaceEnabled: the race detector allocates, so allocation tests skip.
const predictRaceEnabled = true
