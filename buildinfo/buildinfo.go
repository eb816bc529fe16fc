// Package buildinfo says which build of symscore is running: the module version and the
// version-control revision the Go toolchain stamped into the binary
// (runtime/debug.ReadBuildInfo). It depends on the standard library only, so that the CLI
// (`symscore version`) and the server (a build_info metric) report the same thing.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Info describes a build. Empty fields are unknown.
type Info struct {
	// Version is the main module's version: a tag (v1.2.3) or pseudo-version when built
	// with `go install module@version`, "(devel)" when built from a checkout.
	Version string
	// Revision is the VCS commit the binary was built from, and Time its commit time
	// (RFC 3339); Modified says the work tree had uncommitted changes.
	Revision string
	Time     string
	Modified bool
	// GoVersion is the toolchain that built the binary.
	GoVersion string
}

// stampedRevision is the revision given at link time, for builds the toolchain cannot
// stamp (no .git in a Docker build context, -buildvcs=false):
//
//	go build -ldflags "-X github.com/symscore/symscore/buildinfo.stampedRevision=$(git rev-parse HEAD)"
//
// Read reports it when the toolchain stamped none.
var stampedRevision string

// Read returns the running binary's build information. Without any (a binary built
// without module support) it returns Version "unknown" and the Go version. The revision is
// the toolchain's (vcs.revision), else the one given at link time (stampedRevision).
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return withStamp(Info{Version: "unknown", GoVersion: runtime.Version()}, stampedRevision)
	}
	return withStamp(fromBuildInfo(bi), stampedRevision)
}

// withStamp sets i's revision to stamp when the toolchain stamped none.
func withStamp(i Info, stamp string) Info {
	if i.Revision == "" {
		i.Revision = stamp
	}
	return i
}

func fromBuildInfo(bi *debug.BuildInfo) Info {
	info := Info{Version: bi.Main.Version, GoVersion: bi.GoVersion}
	if info.Version == "" {
		info.Version = "unknown"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// String is one line: "v1.2.3 (revision 0123abcd..., 2026-01-02T03:04:05Z, modified; go1.26.0)".
func (i Info) String() string {
	var b strings.Builder
	b.WriteString(i.Version)
	b.WriteString(" (")
	if i.Revision != "" {
		b.WriteString("revision ")
		b.WriteString(i.Revision)
		if i.Time != "" {
			b.WriteString(", ")
			b.WriteString(i.Time)
		}
		if i.Modified {
			b.WriteString(", modified")
		}
		b.WriteString("; ")
	}
	b.WriteString(i.GoVersion)
	b.WriteString(")")
	return b.String()
}
