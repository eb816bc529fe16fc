package testkit

import (
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testenv"
)

// Config is a server configuration on loopback ports chosen by the system, with the echo
// endpoint on, the legacy framing accepted, customers testenv.CID1 and testenv.CID2, and
// every other limit at its default.
func Config() config.Config {
	var cfg config.Config
	cfg.Listen = "127.0.0.1:0"
	cfg.AdminListen = "127.0.0.1:0"
	cfg.Testing.EchoEndpoint = true
	cfg.Auth.LegacyFraming = true
	cfg.Customers = []config.Customer{
		{ID: testenv.CID1, Secrets: []string{testenv.Secret1}},
		{ID: testenv.CID2, Secrets: []string{testenv.Secret2}},
	}
	return cfg
}
