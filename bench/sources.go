package bench

import (
	"net/url"
	"strconv"
	"strings"
)

// portsPerSource is how many connections one source address is given: a little less than
// the default ephemeral port range (32768-60999).
const portsPerSource = 25_000

// LoopbackSources spreads n connections to a 127.x host over 127.0.0.1, 127.0.0.2, ...
// when one source address would run out of ports; nil otherwise.
func LoopbackSources(rawURL string, n int) []string {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.HasPrefix(u.Hostname(), "127.") || n <= portsPerSource {
		return nil
	}
	var addrs []string
	for i := 1; i <= (n+portsPerSource-1)/portsPerSource && i < 255; i++ {
		addrs = append(addrs, "127.0.0."+strconv.Itoa(i))
	}
	return addrs
}
