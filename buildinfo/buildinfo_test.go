package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		bi   debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3 (go1.26.0)"},
		{debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"}}},
			"(devel) (revision abc123, 2026-01-02T03:04:05Z, modified; go1.26.0)"},
		{debug.BuildInfo{GoVersion: "go1.26.0", Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}},
			"unknown (revision abc; go1.26.0)"},
	} {
		if got := fromBuildInfo(&tc.bi).String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// TestStampedRevision: a revision given at link time stands in for one the toolchain did
// not stamp, and never replaces one it did.
func TestStampedRevision(t *testing.T) {
	if got := withStamp(Info{Version: "(devel)"}, "feed42").Revision; got != "feed42" {
		t.Errorf("no VCS stamp: revision %q, want the link-time one", got)
	}
	if got := withStamp(Info{Revision: "abc123"}, "feed42").Revision; got != "abc123" {
		t.Errorf("with a VCS stamp: revision %q, want the toolchain's", got)
	}
	if got := withStamp(Info{}, "").Revision; got != "" {
		t.Errorf("neither: %q", got)
	}
}

func TestReadKnowsTheToolchain(t *testing.T) {
	if i := Read(); i.GoVersion != runtime.Version() || i.Version == "" {
		t.Errorf("Read() = %+v", i)
	}
}
