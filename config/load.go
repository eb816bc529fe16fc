package config

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// LoadOptions says where Load reads configuration from, besides the SYMSCORE_*
// environment variables, which it always reads.
type LoadOptions struct {
	// File is a YAML configuration file. Empty: the embedded default configuration
	// (DefaultYAML).
	File string
	// Flags holds the flags defined by RegisterFlags, parsed. nil: no flags.
	Flags *pflag.FlagSet
}

// Load reads the configuration: defaults (the Default* constants), then the file, then
// SYMSCORE_* environment variables, then flags given on the command line, each overriding
// the one before. Unknown keys, in the file or as SYMSCORE_* variables, are errors. It
// applies defaults and validates.
//
// When the file cannot be read or is not YAML, Load returns the zero Config and that error.
// Otherwise the error, if any, is a *Error listing every problem found, and the returned
// Config is the effective configuration even then, so that `symscore config check` can
// show it next to its problems (keys that failed to decode hold their defaults).
func Load(opts LoadOptions) (Config, error) {
	v := viper.NewWithOptions(viper.WithDecodeHook(decodeHook))
	v.SetConfigType("yaml")
	v.SetDefault("auth.legacy_framing", DefaultLegacyFraming)
	v.SetDefault("auth.replay_predict", DefaultReplayPredict)

	src, name := defaultYAML, "embedded default configuration"
	if opts.File != "" {
		b, err := os.ReadFile(opts.File)
		if err != nil {
			return Config{}, fmt.Errorf("cannot read config file: %w", err)
		}
		src, name = b, opts.File
	}
	if err := v.ReadConfig(bytes.NewReader(src)); err != nil {
		return Config{}, fmt.Errorf("cannot parse %s as YAML: %w", name, err)
	}

	var ps problems
	for _, k := range keys {
		if k.Env != "" {
			if err := v.BindEnv(k.Name, k.Env); err != nil {
				return Config{}, fmt.Errorf("cannot bind %s: %w", k.Env, err)
			}
		}
	}
	ps.checkEnviron(os.Environ())
	if opts.Flags != nil {
		for _, f := range flagKeys {
			if fl := opts.Flags.Lookup(f.flag); fl != nil {
				if err := v.BindPFlag(f.key, fl); err != nil {
					return Config{}, fmt.Errorf("cannot bind --%s: %w", f.flag, err)
				}
			}
		}
	}
	unknown := ps.checkKeys(v)

	var c Config
	if err := v.UnmarshalExact(&c); err != nil {
		ps.addDecodeErrors(err, unknown > 0)
	}
	if len(c.Customers) == 0 {
		c.Customers = nil // "customers: []" and no key mean the same
	}
	c.ApplyDefaults()
	if err := c.Validate(); err != nil {
		ps = append(ps, err.(*Error).Problems...)
	}
	return c, ps.err()
}

// ClientVariables are the SYMSCORE_* variables of the client side — the symscore client
// commands, the Java and Python clients and their examples — that name no configuration
// key: the server ignores them rather than refusing to start in a shell that has them.
var ClientVariables = []string{"SYMSCORE_URL", "SYMSCORE_CID", "SYMSCORE_SECRET", "SYMSCORE_PID",
	"SYMSCORE_IRIS", "SYMSCORE_SESSION_FRAMES"}

// checkEnviron adds a problem for every SYMSCORE_* variable that names no key and is not
// one of ClientVariables.
func (ps *problems) checkEnviron(environ []string) {
	known := make(map[string]string, len(keys))
	for _, k := range keys {
		known[envName(k.Name)] = k.Env
	}
	var names []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, EnvPrefix+"_") && !slices.Contains(ClientVariables, name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		env, ok := known[name]
		switch {
		case !ok:
			envs := make([]string, 0, len(known))
			for e := range known {
				envs = append(envs, e)
			}
			ps.add(name, "unknown configuration variable (no such key)%s", didYouMean(name, envs))
		case env == "":
			ps.add(name, "this key can only be set in the configuration file")
		}
	}
}

// checkKeys adds a problem for every key viper holds that Config does not have, including
// the keys of each customers entry, and returns how many it found.
func (ps *problems) checkKeys(v *viper.Viper) int {
	known := make(map[string]bool, len(keys)+len(sections))
	for _, k := range keys {
		known[k.Name] = true
	}
	for _, s := range sections {
		known[s] = true
	}
	n := len(*ps)
	all := v.AllKeys()
	sort.Strings(all)
	names := make([]string, 0, len(known))
	for k := range known {
		names = append(names, k)
	}
	for _, k := range all {
		if !known[k] {
			ps.add(k, "unknown key%s", didYouMean(k, names))
		}
	}
	if list, ok := v.Get("customers").([]any); ok {
		for i, e := range list {
			m, ok := e.(map[string]any)
			if !ok {
				continue // the decoder reports the type
			}
			names := make([]string, 0, len(m))
			for name := range m {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				if !slices.Contains([]string{"id", "secrets"}, name) {
					ps.add(fmt.Sprintf("customers[%d].%s", i, name), "unknown key%s", didYouMean(name, []string{"id", "secrets"}))
				}
			}
		}
	}
	return len(*ps) - n
}

// addDecodeErrors turns the decoder's errors into problems keyed by field. Its reports of
// unused keys are dropped when checkKeys already reported them one by one.
func (ps *problems) addDecodeErrors(err error, unknownReported bool) {
	switch e := err.(type) {
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			ps.addDecodeErrors(inner, unknownReported)
		}
	case interface {
		Name() string
		Unwrap() error
	}:
		inner := e.Unwrap()
		if _, multi := inner.(interface{ Unwrap() []error }); multi {
			ps.addDecodeErrors(inner, unknownReported)
			return
		}
		msg := inner.Error()
		if unknownReported && strings.HasPrefix(msg, "has invalid keys") {
			return
		}
		ps.add(e.Name(), "%s", msg)
	case interface{ Unwrap() error }:
		ps.addDecodeErrors(e.Unwrap(), unknownReported)
	default:
		ps.add("", "%v", err)
	}
}
