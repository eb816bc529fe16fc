package server

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if runIdleClientIfAsked() {
		return
	}
	goleak.VerifyTestMain(m)
}
