package deploy

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestSystemdUnitVerifies runs systemd-analyze verify on the unit, with ExecStart
// pointing at an executable that exists here; any complaint fails.
func TestSystemdUnitVerifies(t *testing.T) {
	unit, err := os.ReadFile("symscore.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ExecStart=/usr/local/bin/symscore serve --config /etc/symscore/symscore.yaml", "User=symscore", "StateDirectory=symscore", "KillSignal=SIGTERM"} {
		if !strings.Contains(string(unit), want+"\n") {
			t.Errorf("unit lacks %q", want)
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("SKIPPED LOUDLY: no systemd-analyze on PATH (apt-get install systemd); the unit was only read, not verified")
	}
	true_, err := exec.LookPath("true")
	if err != nil {
		t.Skip("SKIPPED LOUDLY: no true executable to stand for symscore")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "symscore.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(unit), "/usr/local/bin/symscore", true_)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestDockerImageBuilds builds the image when a Docker engine answers, and checks the
// Dockerfile's promises either way.
func TestDockerImageBuilds(t *testing.T) {
	df, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"AS build", "USER 65532:65532", `VOLUME ["/var/lib/symscore"]`, `"ready", "--admin-url", "http://127.0.0.1:9090"`,
		"SYMSCORE_DATA_DIR=/var/lib/symscore", `CMD ["serve"]`, "HEALTHCHECK"} {
		if !strings.Contains(string(df), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if testing.Short() {
		t.Skip("SKIPPED LOUDLY: -short: the image is not built")
	}
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("SKIPPED LOUDLY: no docker on PATH; the image was not built")
	}
	if out, err := exec.Command(docker, "info").CombinedOutput(); err != nil {
		t.Skipf("SKIPPED LOUDLY: no Docker engine answers (%v); the image was not built:\n%s", err, strings.TrimSpace(string(out)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, docker, "build", "-t", "symscore:test", "..").CombinedOutput()
	if err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
}

// openAPI is the part of an OpenAPI document this test reads.
type openAPI struct {
	OpenAPI string                          `yaml:"openapi"`
	Info    struct{ Title, Version string } `yaml:"info"`
	Paths   map[string]map[string]any       `yaml:"paths"`
}

// TestOpenAPIDescribesTheRESTTable: docs/openapi.yaml is OpenAPI 3 with every path and
// method of README.md's REST table, each operation with an id and responses, and every
// $ref resolving.
func TestOpenAPIDescribesTheRESTTable(t *testing.T) {
	raw, err := os.ReadFile("../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPI
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml is not YAML: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || doc.Info.Title == "" || doc.Info.Version == "" || len(doc.Paths) == 0 {
		t.Fatalf("not an OpenAPI 3 document: openapi %q, info %+v, %d paths", doc.OpenAPI, doc.Info, len(doc.Paths))
	}
	var all map[string]any
	if err := yaml.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	for _, ref := range regexp.MustCompile(`\$ref: "#/([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
		var node any = all
		for _, part := range strings.Split(ref[1], "/") {
			m, ok := node.(map[string]any)
			if !ok || m[part] == nil {
				t.Errorf("$ref #/%s does not resolve", ref[1])
				break
			}
			node = m[part]
		}
	}
	for path, item := range doc.Paths {
		for method, v := range item {
			if method == "parameters" {
				continue
			}
			op, _ := v.(map[string]any)
			if !slices.Contains([]string{"get", "post", "delete", "put", "patch"}, method) {
				t.Errorf("%s: %q is not a method", path, method)
				continue
			}
			if op["operationId"] == nil || op["responses"] == nil {
				t.Errorf("%s %s: no operationId or responses", method, path)
			}
		}
	}

	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| `(GET|POST|DELETE|PUT|PATCH) (/[^`? ]*)[^`]*` \\|").FindAllStringSubmatch(string(readme), -1)
	if len(rows) < 17 {
		t.Fatalf("README.md's REST table has %d rows", len(rows))
	}
	for _, r := range rows {
		method, path := strings.ToLower(r[1]), r[2]
		if doc.Paths[path][method] == nil {
			t.Errorf("README.md lists %s %s; docs/openapi.yaml does not", r[1], path)
		}
	}
}
