package taxii

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestMayHaveRefs(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		want bool
	}{
		{`{"type":"malware","id":"malware--1","name":"x"}`, false},
		{`{"type":"malware","created_by_ref":"identity--1","object_marking_refs":["m"],"external_references":[{"source_name":"a"}]}`, false},
		{`{"type":"relationship","source_ref":"a--1","target_ref":"b--2"}`, true},
		{`{"type":"relationship","target_ref":"b--2"}`, true},
		{`{"type":"sighting","sighting_of_ref":"indicator--1"}`, true},
		{`{"type":"report","object_refs":["a--1"]}`, true},
		{`{"type":"x","description":"mentions \"source_ref\" in text"}`, false}, // escaped quotes: not a key
		{`{"type":"x","description":"a \"source_ref\":\"x\""}`, false},
		{`{"type":"x","my_source_ref":"a--1"}`, false},
		{`{"type":"x","Source_REF":"a--1"}`, true},
		{`{"type":"x","source\u005fref":"a--1"}`, true},
		{`{"type":"x","description":"ends with _ref`, false},
		{`_ref"`, false},
	} {
		if got := mayHaveRefs([]byte(tt.raw)); got != tt.want {
			t.Errorf("mayHaveRefs(%s) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

// scanRefsCases are JSON objects on which scanRefs must agree with
// encoding/json whenever it does not give up.
var scanRefsCases = []string{
	`{}`,
	` { } `,
	`{"type":"relationship","source_ref":"a--1","target_ref":"b--2","description":"x \"source_ref\":\"c--3\"","n":1.5e3,"t":true,"z":null}`,
	`{"type":"report","object_refs":["a--1","b--2"],"external_references":[{"source_name":"x","source_ref":"nested--1"}]}`,
	`{"type":"report","object_refs":[]}`,
	`{"type":"report", "object_refs" : [ "a--1" , "b--2" ] , "name" : "n" }`,
	`{"extensions":{"x":{"source_ref":"deep--1","list":[{"target_ref":"deep--2"}]}},"target_ref":"b--2"}`,
	`{"type":"sighting","sighting_of_ref":"indicator--1","where_sighted_refs":["identity--1"]}`,
	`{"source_ref":"a--1","source_ref":"a--2"}`,
	`{"source_ref":"a\u002d-1"}`,
	`{"sour\u0063e_ref":"a--1"}`,
	`{"object_refs":["a--1",7]}`,
	`{"source_ref":null}`,
	`{"name":"a \\ backslash","source_ref":"a--1"}`,
	`{"name":"\"","target_ref":"t--1","q":[1,[2,{"a":"]"}]]}`,
}

func TestScanRefs(t *testing.T) {
	for _, raw := range scanRefsCases {
		checkScanRefs(t, raw)
	}
}

func FuzzScanRefs(f *testing.F) {
	for _, raw := range scanRefsCases {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw string) { checkScanRefs(t, raw) })
}

func checkScanRefs(t *testing.T, raw string) {
	t.Helper()
	var want objRefs
	if err := json.Unmarshal([]byte(raw), &want); err != nil {
		return // scanRefs is only given valid stored objects
	}
	if !want.empty() && !mayHaveRefs([]byte(raw)) {
		t.Errorf("mayHaveRefs(%s) = false; it has refs %+v", raw, want)
	}
	got, ok := scanRefs([]byte(raw))
	if !ok {
		return // the caller falls back to encoding/json
	}
	if len(got.ObjectRefs) == 0 {
		got.ObjectRefs = nil
	}
	if len(want.ObjectRefs) == 0 {
		want.ObjectRefs = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scanRefs(%s) = %+v, want %+v", raw, got, want)
	}
}
