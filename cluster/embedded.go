package cluster

import (
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// EmbeddedMaxPayload is the largest message the embedded NATS server takes: the largest
// NATS allows, so that a change of up to this size can be published.
const EmbeddedMaxPayload = 64 << 20

// startEmbedded starts a NATS server with JetStream in this process, its data in
// o.DataDir/nats, listening on o.EmbeddedListen for the other nodes, and waits until it
// takes connections.
func startEmbedded(o *Options) (*server.Server, error) {
	host, portText, err := net.SplitHostPort(o.EmbeddedListen)
	if err != nil {
		return nil, fmt.Errorf("cluster: embedded NATS listen address %q: %w", o.EmbeddedListen, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("cluster: embedded NATS listen address %q: bad port", o.EmbeddedListen)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	so := &server.Options{
		ServerName: o.NodeID,
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   filepath.Join(o.DataDir, "nats"),
		MaxPayload: EmbeddedMaxPayload,
		NoSigs:     true,
	}
	switch {
	case o.EmbeddedSync == 0:
		so.SyncAlways = true
	case o.EmbeddedSync > 0:
		so.SyncInterval = o.EmbeddedSync
	}
	if o.User != "" {
		so.Users = []*server.User{{Username: o.User, Password: o.Password}}
	}
	srv, err := server.NewServer(so)
	if err != nil {
		return nil, fmt.Errorf("cluster: embedded NATS server: %w", err)
	}
	srv.SetLoggerV2(natsLogger{o.Logger}, false, false, false)
	srv.Start()
	if !srv.ReadyForConnections(max(o.Timeout, 10*time.Second)) {
		srv.Shutdown()
		return nil, fmt.Errorf("cluster: the embedded NATS server did not start listening on %s", o.EmbeddedListen)
	}
	o.Logger.Info("cluster: embedded NATS server started", "listen", srv.ClientURL(), "store_dir", so.StoreDir)
	return srv, nil
}

// natsLogger writes the embedded server's log through slog: its notices (the start-up
// banner among them) at debug level, warnings and errors as such.
type natsLogger struct{ l *slog.Logger }

func (n natsLogger) Noticef(format string, v ...any) {
	n.l.Debug("nats: " + fmt.Sprintf(format, v...))
}
func (n natsLogger) Warnf(format string, v ...any) { n.l.Warn("nats: " + fmt.Sprintf(format, v...)) }
func (n natsLogger) Fatalf(format string, v ...any) {
	n.l.Error("nats: fatal: " + fmt.Sprintf(format, v...))
}
func (n natsLogger) Errorf(format string, v ...any) {
	n.l.Error("nats: " + fmt.Sprintf(format, v...))
}
func (n natsLogger) Debugf(string, ...any) {}
func (n natsLogger) Tracef(string, ...any) {}
