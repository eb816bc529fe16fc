package server

import (
	"strconv"

	"github.com/gobwas/ws"
	"github.com/prometheus/client_golang/prometheus"
)

// wsMetrics are the main listener's WebSocket metrics, registered in the server's registry.
type wsMetrics struct {
	framesReceived   *prometheus.CounterVec // by endpoint path
	messagesReceived *prometheus.CounterVec // by endpoint path
	messagesSent     *prometheus.CounterVec // by endpoint path
	closeFrames      *prometheus.CounterVec // by status code
	handshakes       *prometheus.CounterVec // by HTTP status of the upgrade response
}

func newWSMetrics(m0 *Metrics) *wsMetrics {
	m := &wsMetrics{
		framesReceived: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "symscore_ws_frames_received_total",
			Help: "WebSocket frames received (data and control), by endpoint path.",
		}, []string{"endpoint"}),
		messagesReceived: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "symscore_ws_messages_received_total",
			Help: "Complete WebSocket data messages received, by endpoint path.",
		}, []string{"endpoint"}),
		messagesSent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "symscore_ws_messages_sent_total",
			Help: "WebSocket reply messages sent, by endpoint path.",
		}, []string{"endpoint"}),
		closeFrames: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "symscore_ws_close_frames_sent_total",
			Help: "Close frames the server sent or tried to send, by status code (\"none\" for an empty close frame).",
		}, []string{"code"}),
		handshakes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "symscore_ws_handshakes_total",
			Help: "WebSocket upgrade requests answered, by HTTP status (101 when upgraded).",
		}, []string{"status"}),
	}
	m0.mustRegister(m.framesReceived, m.messagesReceived, m.messagesSent, m.closeFrames, m.handshakes)
	return m
}

// closeSent counts a close frame (not on a hot path: it formats the label).
func (m *wsMetrics) closeSent(code ws.StatusCode) {
	label := "none"
	if code != 0 {
		label = strconv.Itoa(int(code))
	}
	m.closeFrames.WithLabelValues(label).Inc()
}

// Names of the limits in Metrics.Refusals.
const (
	limitMaxConnections   = "max_connections"
	limitMaxFrameBytes    = "max_frame_bytes"
	limitMaxMessageBytes  = "max_message_bytes"
	limitMaxInflight      = "max_inflight"
	limitOutboundQueue    = "outbound_queue_bytes"
	limitHandshakeTimeout = "handshake_timeout"
	limitHandshakeBytes   = "handshake_bytes"
	limitUnverifiedBytes  = "max_unverified_bytes"
	limitWriteTimeout     = "write_timeout"
)
