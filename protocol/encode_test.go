package protocol

import (
	"bytes"
	"testing"
)

// TestAppendMessageRealMessage checks that re-encoding the vendor's message reproduces it
// byte for byte: AppendHeader writes the header exactly as the SymetryML client does.
func TestAppendMessageRealMessage(t *testing.T) {
	for _, name := range []string{"ws_learn_vector.txt", "ws_predict_vector.txt"} {
		msg := readTestdata(t, name)
		var p Parser
		m, err := p.Parse(msg)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendMessage(nil, m); !bytes.Equal(got, msg) {
			t.Errorf("%s: AppendMessage = %s\nwant %s", name, got, msg)
		}
	}
}

func TestAppendMessageForms(t *testing.T) {
	m := &Message{
		Date: []byte("2025-11-16 20:11:50"), MD5: []byte("m=="), Signature: []byte("s/+="),
		CID: []byte(`c"1`), ExtraKeys: [][]byte{[]byte("p\\1"), []byte("é")}, Payload: []byte(`{"a":1}`),
	}
	header := `{"headers":["2025-11-16 20:11:50","m==","s/+=","c\"1"],"extraKeys":["p\\1","é"]}`
	for _, c := range []struct {
		form Form
		want string
	}{
		{FormFramed, "81," + header + `{"a":1}`},
		{FormLegacy, header + LegacyDelimiter + `{"a":1}`},
		{FormSession, `{"a":1}`},
	} {
		m.Form = c.form
		got := AppendMessage([]byte("prefix"), m)
		if string(got) != "prefix"+c.want {
			t.Errorf("%v: got %s\nwant prefix%s", c.form, got, c.want)
			continue
		}
		p := Parser{AllowLegacy: true}
		back, err := p.Parse(got[len("prefix"):])
		if err != nil {
			t.Fatalf("%v: %v", c.form, err)
		}
		if c.form != FormSession {
			checkSameMessage(t, back, m)
		}
	}
	if len(header) != 81 {
		t.Fatalf("test header is %d bytes", len(header))
	}
}

// checkSameMessage compares every parsed field of got and want (not Header, which is raw).
func checkSameMessage(t testing.TB, got, want *Message) {
	t.Helper()
	same := got.Form == want.Form &&
		bytes.Equal(got.Date, want.Date) && bytes.Equal(got.MD5, want.MD5) &&
		bytes.Equal(got.Signature, want.Signature) && bytes.Equal(got.CID, want.CID) &&
		bytes.Equal(got.Payload, want.Payload) && len(got.ExtraKeys) == len(want.ExtraKeys)
	for i := 0; same && i < len(got.ExtraKeys); i++ {
		same = bytes.Equal(got.ExtraKeys[i], want.ExtraKeys[i])
	}
	if !same {
		t.Fatalf("messages differ:\ngot  %v %q %q %q %q %q %q\nwant %v %q %q %q %q %q %q",
			got.Form, got.Date, got.MD5, got.Signature, got.CID, got.ExtraKeys, got.Payload,
			want.Form, want.Date, want.MD5, want.Signature, want.CID, want.ExtraKeys, want.Payload)
	}
}
