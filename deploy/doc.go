// Package deploy holds what installs symscore outside Go: the systemd unit
// (symscore.service) beside this file, and tests of the packaging files of the
// repository — the Dockerfile, the unit, docs/openapi.yaml against README.md's REST
// table. It has no code of its own.
package deploy
