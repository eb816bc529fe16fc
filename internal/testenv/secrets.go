package testenv

// The test customers. CID1's secret is the one of the known-answer vectors of
// docs/protocol.md; CID2 is a second customer, to show that customers are kept apart.
// NobodysSecret is valid Base64 of 16 bytes that no test customer has.
const (
	CID1          = "c1"
	Secret1       = "A1ciUrDJgm5LIJU710bxeQ=="
	CID2          = "c2"
	Secret2       = "kq3rF8oZk0Hh7n2B5yR1Vw=="
	NobodysSecret = "AAECAwQFBgcICQoLDA0ODw=="
)
