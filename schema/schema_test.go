package schema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/extract/ioc"
	"github.com/aptgraph/aptgraph/internal/shared"
	"github.com/aptgraph/aptgraph/stix"
)

var (
	loadOnce sync.Once
	loaded   *Validator
	loadErr  error
)

// validator loads the shared OASIS schemas once for all tests.
func validator(tb testing.TB) *Validator {
	tb.Helper()
	dir := shared.Path(tb, "data", "stix2-json-schemas", "schemas")
	loadOnce.Do(func() { loaded, loadErr = Load(dir) })
	if loadErr != nil {
		tb.Fatalf("Load(%s): %v", dir, loadErr)
	}
	return loaded
}

func TestLoad(t *testing.T) {
	v := validator(t)
	for _, typ := range []string{"indicator", "malware", "relationship", "sighting", "ipv4-addr", "file", "url",
		"marking-definition", "bundle", "identity", "intrusion-set", "threat-actor", "report", "vulnerability"} {
		if v.byType[typ] == nil {
			t.Errorf("no schema for %s; have %v", typ, v.Types())
		}
	}
	for _, typ := range []string{"core", "timestamp", "hashes", "properties"} {
		if v.byType[typ] != nil {
			t.Errorf("%q is a part of objects, not a type", typ)
		}
	}
	if _, err := Load(t.TempDir()); aptgraph.ErrorCode(err) != aptgraph.EINVALID {
		t.Errorf("Load(empty dir) = %v, want an EINVALID error", err)
	}
}

func TestExamples(t *testing.T) {
	v := validator(t)
	root := shared.Path(t, "data", "stix2-json-schemas", "examples")
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no example bundles under %s: %v", root, err)
	}
	// No upstream example is known to be invalid: every object must pass,
	// as it does with eval/validate_stix.py.
	var passed, failed int
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p int
		var fails []error
		var head struct{ Type string }
		if err := json.Unmarshal(raw, &head); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if head.Type == "bundle" {
			p, fails = v.Bundle(raw)
		} else if err := v.Object(raw); err != nil { // a lone object, as validate_stix.py allows
			fails = []error{err}
		} else {
			p = 1
		}
		passed += p
		for _, e := range fails {
			failed++
			t.Errorf("%s: %v", filepath.Base(f), e)
		}
		t.Logf("%s: %d passed, %d failed", filepath.Base(f), p, len(fails))
	}
	t.Logf("OASIS examples: %d files, %d objects passed, %d failed", len(files), passed, failed)
	if passed == 0 {
		t.Error("no example object passed")
	}
}

func TestInvalidObject(t *testing.T) {
	v := validator(t)
	raw := `{
		"type": "indicator",
		"spec_version": "2.1",
		"id": "indicator--not-a-uuid",
		"modified": "2024-13-45T99:00:00Z",
		"confidence": 150,
		"pattern": "[ipv4-addr:value = '198.51.100.1']",
		"pattern_type": "stix",
		"valid_from": "2024-01-01T00:00:00Z"
	}`
	err := v.Object([]byte(raw))
	if err == nil {
		t.Fatal("Object(invalid indicator) = nil, want an error")
	}
	msg := err.Error()
	t.Logf("error: %s", msg)
	if aptgraph.ErrorCode(err) != aptgraph.EINVALID {
		t.Errorf("code = %q, want %q", aptgraph.ErrorCode(err), aptgraph.EINVALID)
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("message spans lines: %q", msg)
	}
	for _, want := range []string{"indicator--not-a-uuid:", "at /id: \"indicator--not-a-uuid\" is not a STIX identifier",
		"missing property 'created'", "at /modified: \"2024-13-45T99:00:00Z\" is not a STIX timestamp", "at /confidence: maximum: got 150, want 100"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
}

func TestObjectErrors(t *testing.T) {
	v := validator(t)
	tests := []struct {
		name, raw, want string
	}{
		{"not json", `{"type":`, "parse STIX object"},
		{"not an object", `[1,2]`, "not an object"},
		{"no type", `{"id": "x--1"}`, "at /type"},
		{"custom without id", `{"type": "x-acme-widget", "spec_version": "2.1"}`, `missing property 'id'`},
		{"custom bad created", `{"type": "x-acme-widget", "spec_version": "2.1", "id": "x-acme-widget--6ba7b810-9dad-41d1-80b4-00c04fd430c8", "created": "yesterday", "modified": "2024-01-01T00:00:00.000Z"}`, "at /created"},
		{"sco bad value", `{"type": "ipv4-addr", "id": "ipv4-addr--6ba7b810-9dad-51d1-80b4-00c04fd430c8", "value": 7}`, "at /value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Object([]byte(tt.raw))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Object(%s) = %v, want an error mentioning %q", tt.raw, err, tt.want)
			}
		})
	}
}

func TestCustomObjects(t *testing.T) {
	v := validator(t)
	for _, raw := range []string{
		`{"type": "x-mitre-tactic", "spec_version": "2.1", "id": "x-mitre-tactic--78b23412-0651-46d7-a540-170a1ce8bd5a",
		  "created": "2018-10-17T00:14:20.652Z", "modified": "2019-07-19T17:42:06.909Z", "name": "Execution",
		  "x_mitre_shortname": "execution"}`,
		`{"type": "x-acme-sensor-hit", "spec_version": "2.1", "id": "x-acme-sensor-hit--6ba7b810-9dad-51d1-80b4-00c04fd430c8", "count": 3}`,
	} {
		if err := v.Object([]byte(raw)); err != nil {
			t.Errorf("Object(%s) = %v, want nil", raw, err)
		}
	}
}

// TestTLPMarkings checks the TLP 2.0 marking definitions aptgraph writes.
func TestTLPMarkings(t *testing.T) {
	v := validator(t)
	for _, level := range []stix.TLP{stix.TLPClear, stix.TLPGreen, stix.TLPAmber, stix.TLPAmberStrict, stix.TLPRed} {
		raw, err := json.Marshal(stix.TLPMarking(level))
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Object(raw); err != nil {
			t.Errorf("TLPMarking(%s) = %s: %v", level, raw, err)
		}
	}
}

// TestObservables checks that the observables the indicator scanner makes
// are valid STIX.
func TestObservables(t *testing.T) {
	v := validator(t)
	text := "hxxps://evil[.]example.com/a 198.51.100.7 2001:db8::1 10.0.0.0/8 ops@evil.example.com " +
		"d41d8cd98f00b204e9800998ecf8427e da39a3ee5e6b4b0d3255bfef95601890afd80709 " +
		strings.Repeat("ab", 32) + " " + strings.Repeat("cd", 64)
	seen := map[ioc.Type]bool{}
	for _, m := range ioc.Scan(text) {
		seen[m.Type] = true
		raw, err := json.Marshal(ioc.Observable(m))
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Object(raw); err != nil {
			t.Errorf("Observable(%v) = %s: %v", m, raw, err)
		}
	}
	for _, typ := range ioc.Types {
		if !seen[typ] && typ != ioc.CVE {
			t.Errorf("no %s in the test text", typ)
		}
	}
}

func TestBundle(t *testing.T) {
	v := validator(t)
	good := `{"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--6ba7b810-9dad-51d1-80b4-00c04fd430c8", "value": "198.51.100.7"}`
	bad := `{"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--6ba7b810-9dad-51d1-80b4-00c04fd430c9"}`
	raw := `{"type": "bundle", "id": "bundle--6ba7b810-9dad-41d1-80b4-00c04fd430c8", "objects": [` + good + `,` + bad + `]}`
	passed, fails := v.Bundle([]byte(raw))
	if passed != 1 || len(fails) != 1 {
		t.Fatalf("Bundle = %d passed, %v; want 1 passed, 1 failure", passed, fails)
	}
	if msg := fails[0].Error(); !strings.HasPrefix(msg, "ipv4-addr--6ba7b810-9dad-51d1-80b4-00c04fd430c9: ") || !strings.Contains(msg, `missing property 'value'`) {
		t.Errorf("failure = %q, want the object id and the missing value", msg)
	}
	if _, fails := v.Bundle([]byte(`{"type": "report"}`)); len(fails) != 1 {
		t.Errorf("Bundle(not a bundle) = %v, want one failure", fails)
	}
	if _, fails := v.Bundle([]byte(`{"type": "bundle", "id": "bundle--1", "objects": []}`)); len(fails) != 1 || !strings.Contains(fails[0].Error(), "at /id") {
		t.Errorf("Bundle(bad id) = %v, want one failure at /id", fails)
	}
}

func BenchmarkObject(b *testing.B) {
	v := validator(b)
	raw := []byte(`{"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
		"created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z", "name": "C2 address",
		"indicator_types": ["malicious-activity"], "pattern": "[ipv4-addr:value = '198.51.100.7']",
		"pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z", "confidence": 85,
		"object_marking_refs": ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]}`)
	if err := v.Object(raw); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := v.Object(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	dir := shared.Path(b, "data", "stix2-json-schemas", "schemas")
	for b.Loop() {
		if _, err := Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	v := validator(t)
	raw := []byte(`{"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--6ba7b810-9dad-51d1-80b4-00c04fd430c8", "value": 7}`)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				if err := v.Object(raw); err == nil {
					t.Error("Object(bad ipv4-addr) = nil, want an error")
				}
			}
		})
	}
	wg.Wait()
}
