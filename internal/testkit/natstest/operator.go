package natstest

import (
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"
)

// StartOperator starts a server in operator mode (decentralised JWT authentication): one
// account with JetStream, and a user of it whose credentials file (a user JWT and its NKey
// seed, as `nsc` writes them) is at creds. Only that user gets in. It is shut down when the
// test ends; Restart does not apply to it.
func StartOperator(t testing.TB) (s *Server, creds string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	okp, err := nkeys.CreateOperator()
	must(err)
	opub, err := okp.PublicKey()
	must(err)
	oc := jwt.NewOperatorClaims(opub)
	oc.Name = "test"
	ojwt, err := oc.Encode(okp)
	must(err)
	oc, err = jwt.DecodeOperatorClaims(ojwt)
	must(err)

	account := func(name string, js bool) (nkeys.KeyPair, string, string) {
		kp, err := nkeys.CreateAccount()
		must(err)
		pub, err := kp.PublicKey()
		must(err)
		ac := jwt.NewAccountClaims(pub)
		ac.Name = name
		if js {
			ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
		}
		enc, err := ac.Encode(okp)
		must(err)
		return kp, pub, enc
	}
	_, sysPub, sysJWT := account("SYS", false)
	akp, apub, ajwt := account("NODES", true)

	ukp, err := nkeys.CreateUser()
	must(err)
	upub, err := ukp.PublicKey()
	must(err)
	uc := jwt.NewUserClaims(upub)
	uc.Name = "node"
	ujwt, err := uc.Encode(akp)
	must(err)
	seed, err := ukp.Seed()
	must(err)
	text, err := jwt.FormatUserConfig(ujwt, seed)
	must(err)
	creds = filepath.Join(t.TempDir(), "node.creds")
	must(os.WriteFile(creds, text, 0o600))

	resolver := &server.MemAccResolver{}
	must(resolver.Store(sysPub, sysJWT))
	must(resolver.Store(apub, ajwt))
	srv, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true, StoreDir: t.TempDir(),
		NoSigs: true, NoLog: true, MaxPayload: 8 << 20,
		TrustedOperators: []*jwt.OperatorClaims{oc}, SystemAccount: sysPub, AccountResolver: resolver,
	})
	must(err)
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		t.Fatal("natstest: the NATS server did not start")
	}
	s = &Server{T: t, srv: srv, Port: srv.Addr().(*net.TCPAddr).Port}
	t.Cleanup(s.Stop)
	return s, creds
}
