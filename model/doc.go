// Package model holds the statistics engine, projects, models and exploration.
package model
