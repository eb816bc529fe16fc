package auth

import "time"

// checkReplay is the last step of VerifyWS and VerifyREST, once the signature verified: a
// change is always checked against replays, a read only with Options.ReplayReads, a
// subscription never. A checked request that passes is remembered, and Accepted returns
// it.
func checkReplay[T bytestring](v *Verifier, cid T, change, subscribe bool, sig []byte, date, now time.Time) error {
	read := !change
	if read && (subscribe || !v.opts.ReplayReads) {
		return nil
	}
	var key replayKey
	copy(key[:], sig)
	if err := replayCheck(v.replay, cid, key, date, now, read); err != nil {
		return err
	}
	v.accepted, v.acceptedDate = key, date
	return nil
}
