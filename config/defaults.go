package config

import (
	_ "embed"
)

// defaultYAML is the configuration `symscore serve` runs with when no file is given. It
// lists every key with its default value; a test keeps it equal to Default().
//
//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the embedded default configuration file, a commented template that
// lists every key.
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }

// Default returns the default configuration: ApplyDefaults on a zero Config, plus the
// switches whose default is on (LegacyFraming, ReplayPredict).
func Default() Config {
	var c Config
	c.ApplyDefaults()
	c.Auth.LegacyFraming = DefaultLegacyFraming
	c.Auth.ReplayPredict = DefaultReplayPredict
	return c
}

// ApplyDefaults replaces every zero field that has a Default* constant with that constant.
// Boolean switches are left alone: false cannot be told apart from unset (see
// LegacyFraming). Customers are left alone: none means a development customer (see
// EnsureDevCustomer).
func (c *Config) ApplyDefaults() {
	setString(&c.Listen, DefaultListen)
	setString(&c.AdminListen, DefaultAdminListen)
	setString(&c.DataDir, DefaultDataDir)
	setString(&c.Durability, DefaultDurability)
	setNumber(&c.DurabilityInterval, DefaultDurabilityInterval)

	setNumber(&c.Auth.ClockSkewPast, DefaultClockSkewPast)
	setNumber(&c.Auth.ClockSkewFuture, DefaultClockSkewFuture)
	setNumber(&c.Auth.ReplayCapacity, DefaultReplayCapacity)

	l := &c.Limits
	setNumber(&l.MaxFrameBytes, DefaultMaxFrameBytes)
	setNumber(&l.MaxMessageBytes, DefaultMaxMessageBytes)
	setNumber(&l.MaxRows, DefaultMaxRows)
	setNumber(&l.MaxColumns, DefaultMaxColumns)
	setNumber(&l.MaxConnections, DefaultMaxConnections)
	// The default gives way to a smaller max_connections: at most half of it.
	setNumber(&l.MaxUnauthenticatedConnections, min(DefaultMaxUnauthenticatedConnections, max(1, l.MaxConnections/2)))
	setNumber(&l.MaxInflight, DefaultMaxInflight)
	setNumber(&l.RPCInflight, DefaultRPCInflight)
	setNumber(&l.HandshakeTimeout, DefaultHandshakeTimeout)
	setNumber(&l.IdleTimeout, DefaultIdleTimeout)
	setNumber(&l.WriteTimeout, DefaultWriteTimeout)
	setNumber(&l.OutboundQueueBytes, DefaultOutboundQueueBytes)
	setNumber(&l.MaxUnverifiedBytes, DefaultMaxUnverifiedBytes)
	setNumber(&l.MaxProjects, DefaultMaxProjects)
	setNumber(&l.MaxModels, DefaultMaxModels)
	setNumber(&l.MaxAttributes, DefaultMaxAttributes)
	setNumber(&l.MaxPartitions, DefaultMaxPartitions)
	setNumber(&l.MaxNewAttributesPerMessage, DefaultMaxNewAttributes)
	setNumber(&l.MaxProjectBytes, DefaultMaxProjectBytes)
	setNumber(&l.MaxNameBytes, DefaultMaxNameBytes)
	setNumber(&l.MaxCustomerBytes, DefaultMaxCustomerBytes)
	setNumber(&l.MaxExploreWork, DefaultMaxExploreWork)
	setNumber(&l.MaxSubscriptions, DefaultMaxSubscriptions)
	setNumber(&c.Subscribe.Interval, DefaultSubscribeInterval)
	setNumber(&l.MaxUploadBytes, DefaultMaxUploadBytes)
	setNumber(&l.MaxUploads, DefaultMaxUploads)
	setNumber(&l.MaxUploadDiskBytes, DefaultMaxUploadDiskBytes)
	setNumber(&c.Uploads.TTL, DefaultUploadTTL)

	setString(&c.Log.Level, DefaultLogLevel)
	setString(&c.Log.Format, DefaultLogFormat)

	setString(&c.Cluster.Stream, DefaultClusterStream)
	setNumber(&c.Cluster.Replicas, DefaultClusterReplicas)
	setString(&c.Cluster.EmbeddedListen, DefaultClusterEmbeddedListen)
	setNumber(&c.Cluster.Timeout, DefaultClusterTimeout)
}

func setString(p *string, def string) {
	if *p == "" {
		*p = def
	}
}

func setNumber[T ~int | ~int64](p *T, def T) {
	if *p == 0 {
		*p = def
	}
}
