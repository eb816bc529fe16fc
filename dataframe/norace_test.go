//go:build !race

package dataframe

const raceEnabled = false
