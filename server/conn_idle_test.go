package server

func runIdleClientIfAsked() bool { return false }
