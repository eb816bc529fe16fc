package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Call sends one signed REST request to /symetry/rest/{cid}{path} and returns its reply:
// the way to reach an endpoint this package has no method for. path starts with '/' and
// its segments are already escaped (Escape); rawQuery is the query without '?', its
// values escaped, or ""; body is the JSON body or nil. A reply with an error status is a
// *StatusError; a failure to reach the server is another error naming the request. Unless
// ctx has an earlier deadline, the request is bounded by the client's timeout.
func (c *Client) Call(ctx context.Context, method, path, rawQuery string, body []byte) (*Reply, error) {
	return c.send(ctx, method, c.restPath(path), rawQuery, body)
}

// restPath is the resource of path under the customer's REST root.
func (c *Client) restPath(path string) string {
	return c.basePath + "/symetry/rest/" + Escape(c.cid) + path
}

// send signs and sends a request for resource (a full path, escaped) and reads its reply.
func (c *Client) send(ctx context.Context, method, resource, rawQuery string, body []byte) (*Reply, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	u := c.scheme + "://" + c.host + resource
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	var rd io.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, resource, err)
	}
	date, md5, sig := c.signer.SignREST(method, resource, rawQuery, body)
	req.Header.Set("Authorization", sig)
	req.Header.Set("sym-date", date)
	req.Header.Set("Content-MD5", md5)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("sym-client", "symscore-go")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, resource, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, c.maxReplyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: HTTP %d, reading the reply: %w", method, resource, resp.StatusCode, err)
	}
	if int64(len(raw)) > c.maxReplyBytes {
		return nil, fmt.Errorf("%s %s: HTTP %d, reply longer than %d bytes", method, resource, resp.StatusCode, c.maxReplyBytes)
	}
	r, err := parseReply(raw, resp.StatusCode)
	if err != nil {
		return nil, err
	}
	r.Header = resp.Header
	return r, nil
}

// Escape percent-encodes s as a path segment or query value: every byte but
// A-Z a-z 0-9 - . _ ~, so that the path signed is the path sent, whatever the server or a
// proxy would leave unescaped.
func Escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// query joins key=value pairs (values escaped) into a raw query.
func query(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(kv[i])
		b.WriteByte('=')
		b.WriteString(Escape(kv[i+1]))
	}
	return b.String()
}
