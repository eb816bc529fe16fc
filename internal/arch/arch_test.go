package arch

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/symscore/symscore"

// pkg is what the rules read of `go list -json`.
type pkg struct {
	ImportPath   string
	Imports      []string // of the non-test files
	TestImports  []string
	XTestImports []string
}

// listPackages lists every package of the module.
func listPackages(t *testing.T) map[string]*pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, errb.String())
	}
	pkgs := map[string]*pkg{}
	dec := json.NewDecoder(&out)
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")] = &p
	}
	if len(pkgs) < 20 || pkgs["server"] == nil || pkgs["internal/ops"] == nil {
		t.Fatalf("go list found %d packages: not the module", len(pkgs))
	}
	return pkgs
}

// own returns the symscore packages among imports, relative to the module.
func own(imports []string) []string {
	var out []string
	for _, i := range imports {
		if rel, ok := strings.CutPrefix(i, module+"/"); ok {
			out = append(out, rel)
		}
	}
	return out
}

func isStd(path string) bool { return !strings.Contains(strings.Split(path, "/")[0], ".") }

func hasPrefix(path string, prefixes ...string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

var transports = []string{"net", "net/http", "github.com/gobwas/ws"}

// leaves are the rule packages every layer may use: the rule for ids and names, and what
// every JSON object follows.
var leaves = []string{"ident", "jsonstrict"}

func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)
	importers := func(target string) []string {
		var who []string
		for name, p := range pkgs {
			if slices.Contains(p.Imports, target) {
				who = append(who, name)
			}
		}
		slices.Sort(who)
		return who
	}
	only := func(target string, allowed ...string) {
		t.Helper()
		for _, who := range importers(target) {
			if !slices.Contains(allowed, who) {
				t.Errorf("%s imports %s: only %v may", who, target, allowed)
			}
		}
	}
	only("github.com/spf13/viper", "config")
	only(module+"/server", "cmd/symscore", "internal/testkit/testserver")
	// The bus is the cluster package's: operations reach it through it, nothing else does.
	only(module+"/cluster", "internal/ops")
	only("github.com/nats-io/nats.go", "cluster")
	only("github.com/nats-io/nats.go/jetstream", "cluster")
	only("github.com/nats-io/nats-server/v2/server", "cluster", "internal/testkit/natstest")
	only(module+"/internal/ui", "server")

	for name, p := range pkgs {
		mine := own(p.Imports)
		switch {
		case name == "auth" || name == "protocol" || name == "wal":
			if len(mine) > 0 {
				t.Errorf("%s imports symscore packages %v: it must import none", name, mine)
			}
		case name == "internal/ui":
			// The dashboard is static files that speak the public protocols from the
			// browser: the server mounts it, and it knows nothing of the server.
			for _, i := range p.Imports {
				if !isStd(i) {
					t.Errorf("internal/ui imports %s: only the standard library", i)
				}
			}
		case name == "ident":
			for _, i := range p.Imports {
				if !isStd(i) {
					t.Errorf("ident imports %s: only the standard library", i)
				}
			}
		case name == "dataframe" || name == "jsonstrict":
			for _, i := range p.Imports {
				if !isStd(i) && i != "github.com/valyala/fastjson" && !slices.Contains(leaves, strings.TrimPrefix(i, module+"/")) {
					t.Errorf("%s imports %s: only the standard library, fastjson, ident and jsonstrict", name, i)
				}
			}
		case name == "model":
			for _, i := range mine {
				if i != "dataframe" && !slices.Contains(leaves, i) {
					t.Errorf("model imports %s: of symscore, only dataframe, ident and jsonstrict", i)
				}
			}
			for _, i := range p.Imports {
				if hasPrefix(i, transports...) {
					t.Errorf("model imports the transport %s", i)
				}
			}
		case name == "cluster":
			for _, i := range mine {
				if i != "store" {
					t.Errorf("cluster imports %s: of symscore, only store (it is a store.Log)", i)
				}
			}
		case name == "internal/ops":
			for _, i := range p.Imports {
				if hasPrefix(i, transports...) || hasPrefix(i, module+"/internal/wsconn", module+"/internal/wsapi", module+"/internal/restapi", module+"/internal/rpcapi", module+"/internal/wslink", module+"/server") {
					t.Errorf("internal/ops imports %s: operations know no transport", i)
				}
			}
		case name == "internal/wsconn":
			for _, i := range mine {
				if hasPrefix(i, "internal/ops", "store", "model", "auth", "internal/wsapi", "internal/restapi", "internal/rpcapi", "internal/wslink") {
					t.Errorf("internal/wsconn imports %s: the connection layer knows no operation", i)
				}
			}
		case name == "internal/wslink":
			for _, i := range mine {
				if !hasPrefix(i, "protocol", "jsonstrict", "internal/bufpool") {
					t.Errorf("internal/wslink imports %s: the wire format knows no operation", i)
				}
			}
		case name == "client" || name == "bench":
			for _, i := range mine {
				if i == "server" || (strings.HasPrefix(i, "internal/") && i != "internal/wsframe") {
					t.Errorf("%s imports %s: only public packages and internal/wsframe", name, i)
				}
			}
		}
		for _, i := range mine {
			if i == "cmd/symscore" {
				t.Errorf("%s imports cmd/symscore", name)
			}
			if hasPrefix(i, "internal/testenv", "internal/testkit") && !hasPrefix(name, "internal/testkit") {
				t.Errorf("%s imports the test package %s outside its tests", name, i)
			}
		}
	}
}

// TestRulesSeeTestImports: the rules read non-test imports only; the test packages are
// imported by tests (a test of the rules themselves, so that they cannot pass vacuously).
func TestRulesSeeTestImports(t *testing.T) {
	pkgs := listPackages(t)
	p := pkgs["internal/wsapi"]
	if !slices.Contains(append(p.TestImports, p.XTestImports...), module+"/internal/testkit") {
		t.Fatal("internal/wsapi's tests do not import the test kit: go list gave no test imports")
	}
	if slices.Contains(p.Imports, module+"/internal/testkit") {
		t.Fatal("internal/wsapi imports the test kit outside its tests")
	}
	if !slices.Contains(pkgs["config"].Imports, "github.com/spf13/viper") {
		t.Fatal("config does not import viper: the viper rule would pass vacuously")
	}
}
