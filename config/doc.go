// Package config loads, defaults and validates symscore's configuration. It is the only
// package that imports viper; every other package receives a plain Config value.
//
// Sources, each overriding the one before:
//
//  1. defaults: the Default* constants (ApplyDefaults, Default);
//  2. one YAML file (LoadOptions.File), or the embedded default configuration (DefaultYAML)
//     when none is given;
//  3. environment variables SYMSCORE_<KEY>, the dotted key upper-cased with "." replaced by
//     "_": limits.max_rows is SYMSCORE_LIMITS_MAX_ROWS. Customers can only be set in the
//     file;
//  4. command-line flags defined by RegisterFlags, when given.
//
// Load is strict: a key Config does not have, in the file or as a SYMSCORE_* variable, is
// an error, never ignored. Sizes (the *_bytes keys) accept "16MiB", "512KiB" or a plain
// number of bytes (ParseSize); durations need a unit ("5m", "10ms"). A zero value means the
// default. Validate reports every problem at once in a *Error whose Problems name their
// keys, e.g. "customers[0].secrets[1]: not valid Base64 ..." or "limits.max_rows: must be
// > 0".
//
// With no customers configured, EnsureDevCustomer creates a development customer and keeps
// it in data_dir (mode 0600) across restarts. Masked and AppendYAML print the effective
// configuration without its secrets.
//
// Functions here are safe for concurrent use, except that Load reads the process
// environment and EnsureDevCustomer writes data_dir.
package config
