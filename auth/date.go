package auth

import "time"

// A sym-date is UTC "yyyy-MM-dd HH:mm:ss", optionally followed by ';' and 1 to 9 digits of
// decimal fraction of a second: "2025-11-16 20:11:50;294669000". The fraction is a decimal
// fraction: ";5" is half a second, ";294669000" is 294669000 ns.
const (
	dateLen    = len("2006-01-02 15:04:05")
	maxDateLen = dateLen + 1 + 9
)

// dateSeparators are the fixed bytes of a sym-date by position.
var dateSeparators = [dateLen]byte{4: '-', 7: '-', 10: ' ', 13: ':', 16: ':'}

// ParseDate parses a sym-date strictly: exactly that layout, ASCII digits, month 1–12, day
// valid for its month and year, hour 0–23, minute 0–59, second 0–59. Errors wrap
// ErrDateFormat. It does not allocate unless it fails.
func ParseDate(b []byte) (time.Time, error) {
	sec, nsec, err := parseDateUnix(b)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(sec, int64(nsec)).UTC(), nil
}

// parseDateUnix is ParseDate as Unix seconds and nanoseconds, computed with integers
// (days from the civil date, proleptic Gregorian as time.Date counts them).
func parseDateUnix(b []byte) (sec int64, nsec int, err error) {
	if len(b) != dateLen && (len(b) < dateLen+2 || len(b) > maxDateLen) {
		return 0, 0, detail(ErrDateFormat, "%d bytes: %s", len(b), quote(b))
	}
	for i := range dateLen {
		if sep := dateSeparators[i]; sep != 0 {
			if b[i] != sep {
				return 0, 0, detail(ErrDateFormat, "expected %q at byte %d: %s", sep, i, quote(b))
			}
		} else if b[i] < '0' || b[i] > '9' {
			return 0, 0, detail(ErrDateFormat, "expected a digit at byte %d: %s", i, quote(b))
		}
	}
	year := num(b[0:4])
	month := num(b[5:7])
	day := num(b[8:10])
	hour := num(b[11:13])
	minute := num(b[14:16])
	second := num(b[17:19])
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || second > 59 {
		return 0, 0, detail(ErrDateFormat, "field out of range: %s", quote(b))
	}
	if len(b) > dateLen && b[dateLen] != ';' {
		return 0, 0, detail(ErrDateFormat, "expected ';' at byte %d: %s", dateLen, quote(b))
	}
	nsec, bad := parseFraction(b[dateLen:])
	if bad >= 0 {
		return 0, 0, detail(ErrDateFormat, "expected a digit at byte %d: %s", dateLen+bad, quote(b))
	}
	days := daysFromCivil(year, month, day)
	return days*86400 + int64(hour*3600+minute*60+second), nsec, nil
}

// parseFraction reads what follows the seconds of a sym-date whose length is valid: ""
// or ';' and 1 to 9 digits. It returns the nanoseconds, or the offset in frac of the
// first byte that is not a digit (bad ≥ 0).
func parseFraction(frac []byte) (nsec, bad int) {
	if len(frac) == 0 {
		return 0, -1
	}
	scale := 100_000_000
	for i := 1; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0, i
		}
		nsec += int(frac[i]-'0') * scale
		scale /= 10
	}
	return nsec, -1
}

// dateMemo remembers the seconds of the last sym-date parsed: the messages a client sends
// within one second carry the same "yyyy-MM-dd HH:mm:ss" and differ at most in the
// fraction, which alone is read again. One per Verifier.
type dateMemo struct {
	ok     bool
	prefix [dateLen]byte
	sec    int64
}

// parse is parseDateUnix, the same result for every input.
func (m *dateMemo) parse(b []byte) (sec int64, nsec int, err error) {
	if m.ok && (len(b) == dateLen || len(b) >= dateLen+2 && len(b) <= maxDateLen && b[dateLen] == ';') &&
		string(b[:dateLen]) == string(m.prefix[:]) {
		if nsec, bad := parseFraction(b[dateLen:]); bad < 0 {
			return m.sec, nsec, nil
		}
	}
	sec, nsec, err = parseDateUnix(b)
	if err == nil {
		m.ok, m.sec = true, sec
		copy(m.prefix[:], b)
	}
	return sec, nsec, err
}

// daysFromCivil returns the days from 1970-01-01 to year-month-day (year ≥ 0; Howard
// Hinnant's algorithm, eras of 400 years starting in March).
func daysFromCivil(year, month, day int) int64 {
	if month <= 2 {
		year--
	}
	era := (year + 400) / 400 // year ≥ −1: shift by one era to keep the division exact
	era--
	yoe := year - era*400                  // [0, 399]
	mp := (month + 9) % 12                 // March = 0
	doy := (153*mp+2)/5 + day - 1          // [0, 365]
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return int64(era)*146097 + int64(doe) - 719468
}

// num returns the value of ASCII decimal digits.
func num(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// AppendDate appends t as a sym-date with nanoseconds, "2006-01-02 15:04:05;000000000",
// in UTC. Years outside 0–9999 are clamped to that range's ends (a sym-date has 4 digits).
func AppendDate(dst []byte, t time.Time) []byte {
	t = t.UTC()
	switch {
	case t.Year() < 0:
		t = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	case t.Year() > 9999:
		t = time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC)
	}
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	dst = appendDigits(dst, year, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int(month), 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, day, 2)
	dst = append(dst, ' ')
	dst = appendDigits(dst, hour, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, minute, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, sec, 2)
	dst = append(dst, ';')
	return appendDigits(dst, t.Nanosecond(), 9)
}

// FormatDate returns t as a sym-date with nanoseconds, "2006-01-02 15:04:05;000000000", UTC.
func FormatDate(t time.Time) string {
	var buf [maxDateLen]byte
	return string(AppendDate(buf[:0], t))
}

// appendDigits appends n (≥ 0) as exactly width decimal digits, zero-padded.
func appendDigits(dst []byte, n, width int) []byte {
	var buf [9]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, buf[:width]...)
}
