// Package testenv holds what every test of symscore shares and what must exist once: the
// race flag, the one Eventually, and the test customers' secrets. It imports only the
// standard library, so that the tests of every package — auth and protocol included — can
// use it without an import cycle. Only tests import it (the architecture test pins that).
package testenv
