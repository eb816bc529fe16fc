package client

import (
	"fmt"
	"net/url"
)

// At returns a client of the node at nodeURL with c's credentials and options: nodeURL is
// a scheme (ws, wss, http or https) and a host, as a cluster names the node that holds an
// upload (Announced.Node, UploadStatus.Node). Requests go to that host, at the root, over
// http (ws) or https (wss), and are signed for it. An empty nodeURL returns c.
func (c *Client) At(nodeURL string) (*Client, error) {
	if nodeURL == "" {
		return c, nil
	}
	u, err := url.Parse(nodeURL)
	if err != nil {
		return nil, fmt.Errorf("client: node URL %q: %w", nodeURL, err)
	}
	scheme := map[string]string{"ws": "http", "http": "http", "wss": "https", "https": "https"}[u.Scheme]
	switch {
	case scheme == "":
		return nil, fmt.Errorf("client: node URL %q: want ws://, wss://, http:// or https://", nodeURL)
	case u.Host == "":
		return nil, fmt.Errorf("client: node URL %q has no host", nodeURL)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/"):
		return nil, fmt.Errorf("client: node URL %q: want a scheme and a host only", nodeURL)
	}
	n := *c
	n.scheme, n.host, n.basePath = scheme, u.Host, ""
	return &n, nil
}
