package rpcapi

import (
	"github.com/symscore/symscore/internal/wslink"
)

// args reads the positional arguments of a call of method m. Its errors are argErrors
// (-32602) that name the method and the argument.
type args struct {
	m    string
	list []wslink.Value
}

// count checks that there are between lo and hi arguments.
func (a *args) count(lo, hi int) error {
	if n := len(a.list); n < lo || n > hi {
		want := "takes " + itoa(lo)
		switch {
		case hi > lo:
			want = "takes " + itoa(lo) + " to " + itoa(hi)
		}
		return badArgs(a.m, "%s arguments (%s), not %d", want, a.names(), n)
	}
	return nil
}

// names lists the method's arguments for messages.
func (a *args) names() string {
	if m := methods[a.m]; m != nil {
		return m.args
	}
	return ""
}

// has reports whether argument i was given and is not nil.
func (a *args) has(i int) bool { return i < len(a.list) && a.list[i].Kind() != wslink.KindNil }

// str returns string argument i, called what in messages.
func (a *args) str(i int, what string) ([]byte, error) {
	if i >= len(a.list) {
		return nil, badArgs(a.m, "args[%d], %s, is missing", i, what)
	}
	s, ok := a.list[i].Str()
	if !ok {
		return nil, badArgs(a.m, "args[%d], %s, must be a string, not %s", i, what, a.list[i].Kind())
	}
	return s, nil
}

// kind checks that argument i is of kind k.
func (a *args) kind(i int, k wslink.Kind, what string) (wslink.Value, error) {
	if i >= len(a.list) {
		return wslink.Value{}, badArgs(a.m, "args[%d], %s, is missing", i, what)
	}
	if a.list[i].Kind() != k {
		return wslink.Value{}, badArgs(a.m, "args[%d], %s, must be %s, not %s", i, what, k, a.list[i].Kind())
	}
	return a.list[i], nil
}

func itoa(i int) string {
	if i < 10 && i >= 0 {
		return string(rune('0' + i))
	}
	return "many"
}
