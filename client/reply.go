package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// Reply is one reply envelope {"statusCode":..,"statusString":..,"values":{..}} with a
// status of OK, CREATED or ACCEPTED (the others are returned as *StatusError). A Reply owns
// its memory and is not changed after it is returned: safe for concurrent reads.
type Reply struct {
	Status   string          // statusCode, e.g. "OK"
	Message  string          // statusString
	HTTPCode int             // the HTTP status (REST), or the code of Status (WebSocket)
	Values   json.RawMessage // the values object; "{}" when the reply had none
	Header   http.Header     // the response headers of a REST reply; nil on WebSocket
}

// okReplyText is the reply of every successful learn and forget without errorHandling;
// it is recognised without parsing.
const okReplyText = `{"statusCode":"OK","statusString":"OK","values":{}}`

var emptyValues = json.RawMessage("{}")

// maxQuote is how many bytes of a reply that is not an envelope an error quotes.
const maxQuote = 200

// parseReply decodes an envelope. httpCode is the HTTP status of a REST reply, or 0 on
// WebSocket (then the code of the status name). A reply that is an envelope with an error
// status is returned as a *StatusError; one that is not an envelope is an error too (a
// *StatusError with an empty Status when httpCode is known). body is only read.
func parseReply(body []byte, httpCode int) (*Reply, error) {
	if string(body) == okReplyText {
		code := httpCode
		if code == 0 {
			code = 200
		}
		return &Reply{Status: StatusOK, Message: StatusOK, HTTPCode: code, Values: emptyValues}, nil
	}
	var env struct {
		StatusCode   *string         `json:"statusCode"`
		StatusString *string         `json:"statusString"`
		Values       json.RawMessage `json:"values"`
	}
	err := json.Unmarshal(body, &env)
	if err == nil && env.StatusCode == nil {
		err = fmt.Errorf("no statusCode")
	}
	if err == nil && len(env.Values) > 0 && env.Values[0] != '{' && string(env.Values) != "null" {
		err = fmt.Errorf("values is not an object")
	}
	if err != nil {
		return nil, &StatusError{HTTPCode: httpCode, Message: fmt.Sprintf("reply is not an envelope (%v): %s", err, clip(body))}
	}
	r := &Reply{Status: *env.StatusCode, HTTPCode: httpCode, Values: env.Values}
	if env.StatusString != nil {
		r.Message = *env.StatusString
	}
	if len(r.Values) == 0 || string(r.Values) == "null" {
		r.Values = emptyValues
	}
	if r.HTTPCode == 0 {
		r.HTTPCode = statusCodes[r.Status]
	}
	if r.Status == StatusOK || r.Status == StatusCreated || r.Status == StatusAccepted {
		return r, nil
	}
	e := &StatusError{Status: r.Status, HTTPCode: r.HTTPCode, Message: r.Message, Values: r.Values}
	var v struct {
		StringToSign string `json:"stringToSign"`
	}
	if json.Unmarshal(r.Values, &v) == nil {
		e.StringToSign = v.StringToSign
	}
	return nil, e
}

// clip quotes at most maxQuote bytes of b for an error message.
func clip(b []byte) string {
	if len(b) <= maxQuote {
		return fmt.Sprintf("%q", b)
	}
	cut := maxQuote
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...", b[:cut])
}

// value decodes values.<key> into dst, with an error naming the key.
func (r *Reply) value(key string, dst any) error {
	var vals map[string]json.RawMessage
	if err := json.Unmarshal(r.Values, &vals); err != nil {
		return fmt.Errorf("reply values: %w", err)
	}
	raw, ok := vals[key]
	if !ok {
		return fmt.Errorf("reply has no values.%s", key)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("reply values.%s: %w", key, err)
	}
	return nil
}

// list returns the elements of values.<key>.values (KSVSMap, KSVDMap, stringList).
func (r *Reply) list(key string) ([]json.RawMessage, error) {
	var v struct {
		Values *[]json.RawMessage `json:"values"`
	}
	if err := r.value(key, &v); err != nil {
		return nil, err
	}
	if v.Values == nil {
		return nil, fmt.Errorf("reply has no array values.%s.values", key)
	}
	return *v.Values, nil
}

// StringList returns values.stringList.values (the project ids of ListProjects).
func (r *Reply) StringList() ([]string, error) {
	var out []string
	items, err := r.list("stringList")
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		var s string
		if err := json.Unmarshal(it, &s); err != nil {
			return nil, fmt.Errorf("reply values.stringList.values[%d]: %w", i, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// RowCounts returns values.rowsApplied and values.rowsSkipped, which a learn or forget with
// errorHandling 1 reports; ok is false when the reply does not carry them.
func (r *Reply) RowCounts() (applied, skipped int64, ok bool) {
	var v struct {
		Applied *int64 `json:"rowsApplied"`
		Skipped *int64 `json:"rowsSkipped"`
	}
	if json.Unmarshal(r.Values, &v) != nil || v.Applied == nil {
		return 0, 0, false
	}
	if v.Skipped != nil {
		skipped = *v.Skipped
	}
	return *v.Applied, skipped, true
}

// Object returns the raw object values.<key> (e.g. "smlInfo", "modelInfo").
func (r *Reply) Object(key string) (json.RawMessage, error) {
	var raw json.RawMessage
	if err := r.value(key, &raw); err != nil {
		return nil, err
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("reply values.%s is not an object", key)
	}
	return raw, nil
}
