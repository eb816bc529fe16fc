package ops

import "strconv"

// QuoteInput quotes client input for a message: at most 40 bytes, escaped.
func QuoteInput(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "..."
	}
	return strconv.Quote(s)
}
