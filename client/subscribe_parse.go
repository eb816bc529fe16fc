package client

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// wireMessage is a subscription's server message as JSON.
type wireMessage struct {
	Type    string                     `json:"type"`
	Names   []string                   `json:"names"`
	Initial bool                       `json:"initial"`
	Pairs   [][2]string                `json:"pairs"`
	Pending []string                   `json:"pending"`
	Name    string                     `json:"name"`
	Pair    *[2]string                 `json:"pair"`
	Version uint64                     `json:"version"`
	Time    string                     `json:"time"`
	Values  map[string]json.RawMessage `json:"values"`
	Event   string                     `json:"event"`
	ModelID string                     `json:"modelId"`
	MType   string                     `json:"modelType"`
	Entries []struct {
		Op      string `json:"op"`
		Rows    int64  `json:"rows"`
		Version uint64 `json:"version"`
		Time    string `json:"time"`
	} `json:"entries"`
	Dropped      int64  `json:"dropped"`
	Reason       string `json:"reason"`
	StatusCode   string `json:"statusCode"`
	StatusString string `json:"statusString"`
}

// parseMessage decodes a subscription's server message.
func parseMessage(b []byte) (*Message, error) {
	var w wireMessage
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("a subscription message is not JSON: %v: %s", err, clip(b))
	}
	m := &Message{
		Type: w.Type, Names: w.Names, Initial: w.Initial, Pairs: w.Pairs, Pending: w.Pending,
		Name: w.Name, Version: w.Version, Event: w.Event, ModelID: w.ModelID, ModelType: w.MType,
		Dropped: w.Dropped, Reason: w.Reason, Raw: append([]byte(nil), b...),
	}
	var err error
	if w.Time != "" {
		if m.Time, err = time.Parse(time.RFC3339Nano, w.Time); err != nil {
			return nil, fmt.Errorf("subscription message time %q: %v", w.Time, err)
		}
	}
	switch w.Type {
	case "data":
		if w.Pair != nil {
			m.Pair = *w.Pair
		}
		if err := m.values(w.Values); err != nil {
			return nil, fmt.Errorf("%v: %s", err, clip(b))
		}
	case "log":
		m.Entries = make([]LogEntry, len(w.Entries))
		for i, e := range w.Entries {
			m.Entries[i] = LogEntry{Op: e.Op, Rows: e.Rows, Version: e.Version}
			if m.Entries[i].Time, err = time.Parse(time.RFC3339Nano, e.Time); err != nil {
				return nil, fmt.Errorf("log entry time %q: %v", e.Time, err)
			}
		}
	case "error":
		m.Err = &StatusError{Status: w.StatusCode, HTTPCode: statusCodes[w.StatusCode], Message: w.StatusString}
		if raw, ok := w.Values["stringToSign"]; ok {
			var sts string
			if json.Unmarshal(raw, &sts) == nil {
				m.Err.StringToSign = sts
			}
		}
	}
	return m, nil
}

// values decodes a data message's values: numbers (null: NaN), and for $project its
// frozen flag and last modification date.
func (m *Message) values(vals map[string]json.RawMessage) error {
	m.Values = make(map[string]float64, len(vals))
	var pv ProjectValues
	for k, raw := range vals {
		switch {
		case m.Name == "$project" && k == "frozen":
			if err := json.Unmarshal(raw, &pv.Frozen); err != nil {
				return fmt.Errorf("$project frozen: %v", err)
			}
		case m.Name == "$project" && k == "lastModificationDate":
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return fmt.Errorf("$project lastModificationDate: %v", err)
			}
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return fmt.Errorf("$project lastModificationDate %q: %v", s, err)
			}
			pv.LastModificationDate = t
		case string(raw) == "null":
			m.Values[k] = math.NaN()
		default:
			f, err := strconv.ParseFloat(string(raw), 64)
			if err != nil {
				return fmt.Errorf("value %q is %s, not a number", k, clip(raw))
			}
			m.Values[k] = f
		}
	}
	if m.Name == "$project" {
		pv.Rows, pv.Attributes, pv.Models = int64(m.Values["rows"]), int64(m.Values["attributes"]), int64(m.Values["models"])
		m.Project = &pv
	}
	return nil
}
