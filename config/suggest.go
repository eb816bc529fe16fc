package config

import "strings"

// didYouMean returns "; did you mean K?" for the known name K nearest to name (edit
// distance, case-insensitive), when one is near enough to be a typo: within a third of
// the longer name's length, and at least 2. Ties go to the first in sorted order.
func didYouMean(name string, known []string) string {
	best, bestD := "", -1
	ln := strings.ToLower(name)
	for _, k := range known {
		d := editDistance(ln, strings.ToLower(k))
		if d > max(2, max(len(name), len(k))/3) {
			continue
		}
		if bestD < 0 || d < bestD || d == bestD && k < best {
			best, bestD = k, d
		}
	}
	if bestD < 0 {
		return ""
	}
	return "; did you mean " + best + "?"
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
