// Package bench holds symscore's benchmarks and its load generator.
package bench
