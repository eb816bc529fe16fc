package config

import "github.com/spf13/pflag"

// flagKeys maps each command-line flag RegisterFlags defines to its configuration key.
var flagKeys = []struct {
	flag, key, usage string
	isBool           bool
}{
	{"listen", "listen", "address of the WebSocket and REST listener (host:port)", false},
	{"admin-listen", "admin_listen", "address of the admin listener: /healthz, /readyz, /metrics", false},
	{"data-dir", "data_dir", "directory of the write-ahead log, snapshots and development customer", false},
	{"log-level", "log.level", "debug, info, warn or error", false},
	{"log-format", "log.format", "json or text", false},
	{"echo-endpoint", "testing.echo_endpoint", "serve the unsigned /symetry/ws/echo endpoint (tests only)", true},
}

// RegisterFlags defines on fs the flags that override configuration keys (--listen,
// --admin-listen, --data-dir, --log-level, --log-format, --echo-endpoint). Pass fs to Load
// in LoadOptions.Flags; a flag overrides the file and the environment only when it is
// given on the command line.
func RegisterFlags(fs *pflag.FlagSet) {
	for _, f := range flagKeys {
		usage := f.usage + " (config key " + f.key + ")"
		if f.isBool {
			fs.Bool(f.flag, false, usage)
		} else {
			fs.String(f.flag, "", usage)
		}
	}
}
