//go:build !race

package testenv

// Race reports whether the race detector is on. It instruments memory accesses and
// allocates, so allocation counts are not checked under it.
const Race = false
