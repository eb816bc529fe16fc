package auth

import (
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	f := func(in string, want time.Time) {
		t.Helper()
		got, err := ParseDate([]byte(in))
		if err != nil {
			t.Fatalf("ParseDate(%q): %v", in, err)
		}
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseDate(%q) = %v, want %v", in, got, want)
		}
	}
	f("2025-11-16 20:11:50;294669000", time.Date(2025, 11, 16, 20, 11, 50, 294669000, time.UTC))
	f("2025-11-16 20:11:50", time.Date(2025, 11, 16, 20, 11, 50, 0, time.UTC))
	f("2014-10-24 17:17:58;5", time.Date(2014, 10, 24, 17, 17, 58, 500_000_000, time.UTC))
	f("2014-10-24 17:17:58;123", time.Date(2014, 10, 24, 17, 17, 58, 123_000_000, time.UTC))
	f("2024-02-29 23:59:59;999999999", time.Date(2024, 2, 29, 23, 59, 59, 999_999_999, time.UTC))
	f("2000-02-29 00:00:00", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC))
	f("0000-01-01 00:00:00", time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC))
}

func TestParseDateErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"2025-11-16",
		"2025-11-16T20:11:50",
		"2025-11-16 20:11:50Z",
		"2025-11-16 20:11:50.294669000",
		"2025-11-16 20:11:50,294",
		"2025-11-16 20:11:50;",
		"2025-11-16 20:11:50;2946690001",
		"2025-11-16 20:11:50;29466900a",
		"2025-11-16 20:11:50;-1",
		"2025/11/16 20:11:50",
		"2025-11-16  20:11:5",
		" 2025-11-16 20:11:50",
		"2025-11-16 20:11:50 ",
		"+025-11-16 20:11:50",
		"2025-1a-16 20:11:50",
		"2025-00-16 20:11:50",
		"2025-13-16 20:11:50",
		"2025-11-00 20:11:50",
		"2025-11-31 20:11:50",
		"2025-02-29 20:11:50",
		"1900-02-29 20:11:50",
		"2025-11-16 24:00:00",
		"2025-11-16 20:60:00",
		"2025-11-16 20:11:60",
		"２025-11-16 20:11:50",
		"Sun, 16 Nov 2025 20:11:50 GMT",
	} {
		_, err := ParseDate([]byte(in))
		if !errors.Is(err, ErrDateFormat) {
			t.Errorf("ParseDate(%q) = %v, want ErrDateFormat", in, err)
		}
	}
}

func TestFormatDate(t *testing.T) {
	f := func(in time.Time, want string) {
		t.Helper()
		if got := FormatDate(in); got != want {
			t.Errorf("FormatDate(%v) = %q, want %q", in, got, want)
		}
	}
	f(time.Date(2025, 11, 16, 20, 11, 50, 294669000, time.UTC), "2025-11-16 20:11:50;294669000")
	f(time.Date(2025, 11, 16, 21, 11, 50, 294669000, time.FixedZone("CET", 3600)), "2025-11-16 20:11:50;294669000")
	f(time.Date(5, 1, 2, 3, 4, 5, 6, time.UTC), "0005-01-02 03:04:05;000000006")
	f(time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC), "9999-12-31 23:59:59;999999999")
	f(time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), "0000-01-01 00:00:00;000000000")
	// Round trip.
	for _, tm := range []time.Time{time.Unix(0, 0), time.Unix(1763323910, 294669000), time.Date(9999, 12, 31, 23, 59, 59, 1, time.UTC)} {
		back, err := ParseDate([]byte(FormatDate(tm)))
		if err != nil || !back.Equal(tm) {
			t.Errorf("round trip of %v: %v, %v", tm, back, err)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	f.Add([]byte("2025-11-16 20:11:50;294669000"))
	f.Add([]byte("2014-10-24 17:17:58"))
	f.Add([]byte("2024-02-29 23:59:59;5"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tm, err := ParseDate(b)
		if err != nil {
			if !errors.Is(err, ErrDateFormat) {
				t.Fatalf("error %v does not wrap ErrDateFormat", err)
			}
			return
		}
		back, err := ParseDate(AppendDate(nil, tm))
		if err != nil || !back.Equal(tm) {
			t.Fatalf("%q: parsed %v, re-parsed %v, %v", b, tm, back, err)
		}
	})
}

// TestDaysFromCivil: the integer date arithmetic agrees with time.Date on every day of
// every year a sym-date can hold.
func TestDaysFromCivil(t *testing.T) {
	step := 1
	if testing.Short() || raceEnabled {
		step = 7 // every year still, and every weekday offset over the years
	}
	for year := 0; year <= 9999; year++ {
		for month := 1; month <= 12; month++ {
			for day := 1 + year%step; day <= daysIn(month, year); day += step {
				want := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Unix() / 86400 // midnight: exact
				if got := daysFromCivil(year, month, day); got != want {
					t.Fatalf("%04d-%02d-%02d: %d days, time.Date %d", year, month, day, got, want)
				}
			}
		}
	}
}

// TestCheckDateWindowAgainstTime: the integer window check accepts and refuses exactly as
// time.Time's Sub does, around both edges and far away, for default and wide windows.
func TestCheckDateWindowAgainstTime(t *testing.T) {
	for _, opts := range []Options{{}, {ClockSkewPast: 200 * 365 * 24 * time.Hour, ClockSkewFuture: time.Nanosecond}} {
		v := testVerifier(t, opts, nil)
		for _, off := range []time.Duration{0, 1, -1, time.Second, -time.Second,
			v.opts.ClockSkewPast, v.opts.ClockSkewPast + 1, v.opts.ClockSkewPast - 1,
			-v.opts.ClockSkewFuture, -v.opts.ClockSkewFuture - 1, -v.opts.ClockSkewFuture + 1,
			150 * 365 * 24 * time.Hour, -150 * 365 * 24 * time.Hour, 10000 * time.Hour} {
			date := vecTime.Add(-off)
			if date.Year() < 0 || date.Year() > 9999 {
				continue
			}
			b := []byte(FormatDate(date))
			want := off <= v.opts.ClockSkewPast && -off <= v.opts.ClockSkewFuture
			got, err := v.checkDate(b, vecTime)
			if (err == nil) != want || err != nil && !errors.Is(err, ErrDateWindow) {
				t.Errorf("opts %+v, age %v: %v, want accepted %v", opts, off, err, want)
			}
			if err == nil && !got.Equal(date) {
				t.Errorf("age %v: date %v, want %v", off, got, date)
			}
		}
	}
}

// checkMemo parses each date in turn with one dateMemo and checks every result against
// parseDateUnix's.
func checkMemo(t *testing.T, dates ...[]byte) {
	t.Helper()
	var m dateMemo
	for _, b := range dates {
		sec, nsec, err := m.parse(b)
		wsec, wnsec, werr := parseDateUnix(b)
		if sec != wsec || nsec != wnsec || (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
			t.Fatalf("after %q: memo %d %d %v, parseDateUnix %d %d %v", dates, sec, nsec, err, wsec, wnsec, werr)
		}
	}
}

// TestDateMemo: the memo of a Verifier's last seconds gives parseDateUnix's result for
// dates of the same second (any fraction, or none), of other seconds, and for malformed
// dates that share a remembered prefix.
func TestDateMemo(t *testing.T) {
	s := func(d string) []byte { return []byte(d) }
	checkMemo(t, s("2025-11-16 20:11:50;294669000"), s("2025-11-16 20:11:50;5"), s("2025-11-16 20:11:50"),
		s("2025-11-16 20:11:50;000000001"), s("2025-11-16 20:11:51;1"), s("2025-11-16 20:11:50;1"))
	for _, bad := range []string{";", ";x", ";1234567890", ";12a", "x1", ";+1", " ", ";1 "} {
		checkMemo(t, s("2025-11-16 20:11:50;2"), s("2025-11-16 20:11:50"+bad), s("2025-11-16 20:11:50;3"))
	}
	checkMemo(t, s("2025-02-30 20:11:50"), s("2025-02-30 20:11:50;1")) // never remembered
	checkMemo(t, s("2024-02-29 23:59:59;5"), s("2024-02-29 23:59:5"), s("2024-02-29 23:59:59;"), s("2024-02-29 23:59:59;9"))
}

// FuzzDateMemo: a date parsed after another with one memo gives parseDateUnix's result.
func FuzzDateMemo(f *testing.F) {
	f.Add([]byte("2025-11-16 20:11:50;294669000"), []byte("2025-11-16 20:11:50;5"))
	f.Add([]byte("2014-10-24 17:17:58"), []byte("2014-10-24 17:17:58;"))
	f.Add([]byte("2024-02-29 23:59:59;5"), []byte("2024-02-29 23:59:59;1x"))
	f.Fuzz(func(t *testing.T, a, b []byte) { checkMemo(t, a, b, a) })
}
