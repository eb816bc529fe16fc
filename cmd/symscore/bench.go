package main

import "github.com/symscore/symscore/bench"

func init() { register(bench.NewCommand) }
