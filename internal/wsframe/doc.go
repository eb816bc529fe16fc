// Package wsframe is symscore's one encoder of WebSocket frame headers (RFC 6455 section
// 5.2) and its checks of what a peer may send: close payloads (section 7.4) and text that
// must be UTF-8 (section 8.1), checked as it arrives. The server, the Go client and the
// load generator all write frames with it; a differential test pins it against gobwas/ws.
//
// Frame layout, as AppendHeader writes it:
//
//	byte 0      FIN(1) RSV(3)=0 opcode(4)
//	byte 1      MASK(1) length(7): 0–125, or 126 (16-bit length follows), 127 (64-bit)
//	bytes 2–9   extended length, big-endian, when byte 1 says so
//	4 bytes     masking key, client frames only
//
// Everything here allocates nothing: the Append functions append to the caller's buffer.
package wsframe
