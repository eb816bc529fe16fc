// Package config loads, defaults and validates symscore's configuration. It is the only
// package that imports viper; every other package receives plain values.
package config
