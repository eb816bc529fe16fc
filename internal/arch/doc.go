// Package arch holds the architecture test: the import rules of symscore's packages,
// checked on every `make test` from `go list`. It has no code of its own.
//
// The rules (arch_test.go pins them; docs/architecture.md explains them):
//
//   - only config imports viper;
//   - only cmd/symscore imports server (and internal/testkit/testserver, for tests);
//   - auth, protocol and wal import no other symscore package;
//   - ident imports only the standard library; jsonstrict and dataframe only it, fastjson
//     and each other;
//   - model imports only dataframe, ident and jsonstrict of symscore, and no transport
//     (net, net/http, gobwas);
//   - internal/ops imports no transport and no endpoint package;
//   - internal/wsconn imports no operation (ops, store, model, auth);
//   - client and bench import no server and, of internal, only wsframe;
//   - the test packages (internal/testenv, internal/testkit/...) are imported by tests only;
//   - nothing imports cmd/symscore.
package arch
