// Package dataframe parses and validates SymetryML DataFrames into reusable columnar buffers.
package dataframe
