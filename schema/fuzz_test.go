package schema

import (
	"strings"
	"testing"
)

func FuzzObject(f *testing.F) {
	v := validator(f)
	for _, s := range []string{
		`{"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z", "pattern": "[x:y = 'z']", "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z"}`,
		`{"type": "marking-definition", "id": "marking-definition--1", "definition_type": "tlp", "definition": {"tlp": "red"}}`,
		`{"type": "x-foo", "id": 3}`,
		`{"type": "bundle", "id": "bundle--1", "objects": [{"type": "url"}]}`,
		`[]`, `null`, `{"type": "relationship", "source_ref": {}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if err := v.Object([]byte(raw)); err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("Object(%q): message spans lines: %q", raw, err)
		}
		passed, fails := v.Bundle([]byte(raw))
		if passed < 0 {
			t.Fatalf("Bundle(%q) passed %d", raw, passed)
		}
		for _, err := range fails {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("Bundle(%q): message spans lines: %q", raw, err)
			}
		}
	})
}
