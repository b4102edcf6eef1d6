package kb

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

func TestReadAttackReleases(t *testing.T) {
	tests := []struct {
		file    string
		objects int
		name    string
	}{
		{"enterprise-attack-18.1.json.gz", 24772, "Enterprise ATT&CK"},
		{"mobile-attack-18.1.json.gz", 2536, "Mobile ATT&CK"},
		{"ics-attack-18.1.json", 1826, "ICS ATT&CK"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := ReadAttack(bytes.NewReader(readShared(t, "data", "attack", tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Objects) != tt.objects {
				t.Errorf("%d objects, want %d", len(b.Objects), tt.objects)
			}
			if b.Name != tt.name || b.Version != "18.1" {
				t.Errorf("collection %q version %q, want %q 18.1", b.Name, b.Version, tt.name)
			}
			if len(b.History) == 0 || b.Facts == nil || len(b.Facts.Techniques) == 0 {
				t.Errorf("history %d, facts %v: want revoked objects and techniques", len(b.History), b.Facts != nil)
			}
		})
	}
}

func TestReadAttackEnterpriseFacts(t *testing.T) {
	src, _ := built(t)
	var b *AttackBundle
	for _, a := range src.Attack {
		if a.Name == "Enterprise ATT&CK" {
			b = a
		}
	}
	if b == nil {
		t.Fatal("no enterprise bundle")
	}
	counts := map[string]int{}
	live := map[string]int{}
	for _, o := range b.Objects {
		counts[o.Type]++
		if _, hist := b.History[o.ID]; !hist {
			live[o.Type]++
		}
	}
	// The figures SOURCES.md gives for enterprise 18.1.
	for typ, want := range map[string]int{"intrusion-set": 187, "attack-pattern": 835, "malware": 696, "tool": 91, "campaign": 52, "relationship": 20048} {
		if counts[typ] != want {
			t.Errorf("%d %s objects, want %d", counts[typ], typ, want)
		}
	}
	if live["intrusion-set"] != 172 || live["attack-pattern"] != 691 {
		t.Errorf("live intrusion-sets %d, attack-patterns %d; want 172, 691", live["intrusion-set"], live["attack-pattern"])
	}
	groups := 0
	for _, g := range b.Facts.Groups {
		if g.AttackID != "" && g.Key == g.AttackID {
			groups++
		}
	}
	if groups != 172 {
		t.Errorf("the bundle alone gives %d groups, want 172", groups)
	}
	if b.Facts.Retired["G0118"] != "G0016" {
		t.Errorf("Retired[G0118] = %q, want G0016 (UNC2452 revoked by APT29)", b.Facts.Retired["G0118"])
	}
	// Untyped properties are kept.
	for _, o := range b.Objects {
		if o.Type == "intrusion-set" && attackID(o) == "G0065" {
			if _, ok := o.Extra["x_mitre_domains"]; !ok {
				t.Errorf("APT40 lost x_mitre_domains; Extra has %v", keys(o.Extra))
			}
		}
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestSplitObjectMatchesStix checks that the one-pass object splitter
// gives what stix.Object.UnmarshalJSON gives, for every object type of the
// enterprise bundle.
func TestSplitObjectMatchesStix(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(readShared(t, "data", "attack", "enterprise-attack-18.1.json.gz")))
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.NewDecoder(zr).Decode(&bundle); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	checked := 0
	for _, raw := range bundle.Objects {
		var head struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(raw, &head)
		if seen[head.Type] >= 40 {
			continue
		}
		seen[head.Type]++
		var want stix.Object
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		var got stix.Object
		if err := splitObject(raw, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(normExtra(got), normExtra(want)) {
			t.Fatalf("object %s decodes differently:\n got %+v\nwant %+v", want.ID, got, want)
		}
		checked++
	}
	t.Logf("checked %d objects of %d types", checked, len(seen))
}

func TestSplitObject(t *testing.T) {
	tests := []struct{ name, in string }{
		{"white space", " {\n \"type\" :\t\"tool\" ,\r\n\"id\": \"tool--1\" , \"x_n\" : 12.5e3 }"},
		{"escapes", `{"type":"malware","name":"a\"b\\c\u00e9\ud83d\ude00","description":"line\nnext \/ slash","x_k\u0065y":"v"}`},
		{"non-ASCII", `{"type":"intrusion-set","name":"海莲花","aliases":["Ω","x"]}`},
		{"brackets in strings", `{"type":"x","x_a":["]","}","{\"",[{"b":"]}"}]],"name":"n"}`},
		{"literals", `{"type":"x","revoked":true,"x_b":false,"x_c":null,"confidence":85,"is_family":true}`},
		{"null typed field", `{"type":"x","name":null,"aliases":null}`},
		{"empty", `{}`},
		{"repeated key", `{"name":"a","name":"b","x_d":1,"x_d":2}`},
		{"nested object", `{"type":"marking-definition","definition":{"tlp":"green"},"extensions":{"e":{"k":[1,{"z":"}"}]}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want stix.Object
			if err := json.Unmarshal([]byte(tt.in), &want); err != nil {
				t.Fatal(err)
			}
			var got stix.Object
			if err := splitObject([]byte(tt.in), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(normExtra(got), normExtra(want)) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// normExtra compacts Extra values so that white space does not count.
func normExtra(o stix.Object) stix.Object {
	if o.Extra == nil {
		return o
	}
	m := map[string]json.RawMessage{}
	for k, v := range o.Extra {
		var b bytes.Buffer
		_ = json.Compact(&b, v)
		m[k] = b.Bytes()
	}
	o.Extra = m
	return o
}

func TestReadAttackBadInput(t *testing.T) {
	gz := readShared(t, "data", "attack", "enterprise-attack-18.1.json.gz")
	zr, _ := gzip.NewReader(bytes.NewReader(gz))
	head := make([]byte, 3<<20)
	n, _ := io.ReadFull(zr, head)
	head = head[:n]
	galaxy := readShared(t, "data", "misp-galaxy", "clusters", "360net.json")

	manyAliases := `{"type":"bundle","id":"bundle--1","objects":[{"type":"intrusion-set","id":"intrusion-set--1","name":"X","aliases":[` +
		strings.Repeat(`"a",`, MaxNames) + `"a"],"external_references":[{"source_name":"mitre-attack","external_id":"G9999"}]}]}`
	longName := `{"type":"bundle","id":"bundle--1","objects":[{"type":"intrusion-set","id":"intrusion-set--1","name":"` +
		strings.Repeat("x", MaxNameLen+1) + `","external_references":[{"source_name":"mitre-attack","external_id":"G9999"}]}]}`

	tests := []struct {
		name string
		in   []byte
		code string
		msg  string
	}{
		{"truncated bundle", head, aptgraph.EINVALID, "truncated or malformed ATT&CK bundle: unexpected end of data after "},
		{"truncated gzip", gz[:len(gz)/3], aptgraph.EINVALID, "truncated or malformed ATT&CK bundle: unexpected end of data"},
		{"corrupt gzip", append(append([]byte{}, gz[:20]...), bytes.Repeat([]byte{0xff}, 200)...), aptgraph.EINVALID, "truncated or malformed ATT&CK bundle: corrupt gzip data"},
		{"bad JSON", []byte(`{"type":"bundle","objects":[{"type":"x" "id":1}]}`), aptgraph.EINVALID, "truncated or malformed ATT&CK bundle: JSON syntax error"},
		{"galaxy file", galaxy, aptgraph.EINVALID, "not an ATT&CK STIX bundle: it is a MISP galaxy cluster file"},
		{"PDF", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), aptgraph.EINVALID, "not an ATT&CK STIX bundle: it is a PDF document"},
		{"empty", nil, aptgraph.EINVALID, "not an ATT&CK STIX bundle: the file is empty"},
		{"JSON array", []byte(`[1,2]`), aptgraph.EINVALID, "not an ATT&CK STIX bundle"},
		{"other type", []byte(`{"type":"report","objects":[]}`), aptgraph.EINVALID, `not an ATT&CK STIX bundle: its type is "report"`},
		{"STIX bundle without ATT&CK", []byte(`{"type":"bundle","id":"bundle--1","objects":[{"type":"malware","id":"malware--1","name":"x"}]}`), aptgraph.EINVALID, "not an ATT&CK STIX bundle: a STIX bundle without ATT&CK objects"},
		{"objects not a list", []byte(`{"type":"bundle","objects":{}}`), aptgraph.EINVALID, "not an ATT&CK STIX bundle: its objects are not a list"},
		{"object not an object", []byte(`{"type":"bundle","objects":[1]}`), aptgraph.EINVALID, "truncated or malformed ATT&CK bundle: object 1 is not a JSON object"},
		{"wrong field type", []byte(`{"type":"bundle","objects":[{"type":"tool","id":"tool--1","name":7}]}`), aptgraph.EINVALID, "truncated or malformed ATT&CK bundle: number where string was expected"},
		{"huge alias list", []byte(manyAliases), aptgraph.ETOOLARGE, fmt.Sprintf("over the limit of %d", MaxNames)},
		{"name too long", []byte(longName), aptgraph.EINVALID, fmt.Sprintf("a name is over %d bytes", MaxNameLen)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ReadAttack(bytes.NewReader(tt.in))
			if err == nil {
				t.Fatalf("ReadAttack succeeded with %d objects, want an error", len(b.Objects))
			}
			if code := aptgraph.ErrorCode(err); code != tt.code {
				t.Errorf("code %q, want %q (%v)", code, tt.code, err)
			}
			msg := aptgraph.ErrorMessage(err)
			if !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q, want it to contain %q", msg, tt.msg)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("error %q is not one line", err)
			}
		})
	}
}

func TestReadAttackSizeLimit(t *testing.T) {
	// A gzip bomb: a small file that inflates past the limit (lowered here
	// to keep the test quick).
	defer func(n int64) { maxAttackBytes = n }(maxAttackBytes)
	maxAttackBytes = 8 << 20
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write([]byte(`{"type":"bundle","id":"bundle--1","objects":[{"type":"x-mitre-matrix","id":"x-mitre-matrix--1","description":"`))
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for i := int64(0); i <= maxAttackBytes>>20; i++ {
		_, _ = zw.Write(chunk)
	}
	_ = zw.Close()
	_, err := ReadAttack(&buf)
	if aptgraph.ErrorCode(err) != aptgraph.ETOOLARGE {
		t.Errorf("ReadAttack(gzip bomb) = %v, want ETOOLARGE", err)
	}
}

const miniBundle = `{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000000","objects":[
{"type":"x-mitre-collection","id":"x-mitre-collection--1","name":"Mini ATT&CK","x_mitre_version":"99.0"},
{"type":"intrusion-set","id":"intrusion-set--11111111-1111-4111-8111-111111111111","name":"Test Group","aliases":["Test Group","Other Name"],
 "external_references":[{"source_name":"mitre-attack","external_id":"G9990"}]},
{"type":"attack-pattern","id":"attack-pattern--22222222-2222-4222-8222-222222222222","name":"Phishing",
 "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"initial-access"}],
 "external_references":[{"source_name":"mitre-attack","external_id":"T1566"}]},
{"type":"relationship","id":"relationship--3","relationship_type":"uses",
 "source_ref":"intrusion-set--11111111-1111-4111-8111-111111111111","target_ref":"attack-pattern--22222222-2222-4222-8222-222222222222"}
]}`

func TestReadAttackMini(t *testing.T) {
	b, err := ReadAttack(strings.NewReader("\ufeff  " + miniBundle))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Objects) != 4 || b.Version != "99.0" {
		t.Fatalf("%d objects, version %q", len(b.Objects), b.Version)
	}
	x := NewIndex(b.Facts)
	g, ok := x.Lookup("other name")
	if !ok || g.Name != "Test Group" || g.AttackID != "G9990" || !contains(g.Techniques, "T1566") {
		t.Errorf("Lookup(other name) = %+v, %v", g, ok)
	}
}

func FuzzReadAttack(f *testing.F) {
	f.Add([]byte(miniBundle))
	f.Add([]byte(`{"type":"bundle","objects":[{"type":"tool","id":"tool--1","name":7}]}`))
	f.Add([]byte(`{"type":"threat-actor","values":[]}`))
	f.Add([]byte("%PDF-1.4"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadAttack(bytes.NewReader(data))
		if err != nil {
			var e *aptgraph.Error
			if !errors.As(err, &e) || (e.Code != aptgraph.EINVALID && e.Code != aptgraph.ETOOLARGE) {
				t.Fatalf("error %v is not EINVALID or ETOOLARGE", err)
			}
			if strings.ContainsAny(e.Message, "\n\r") {
				t.Fatalf("message %q is not one line", e.Message)
			}
			return
		}
		if b.Facts == nil {
			t.Fatal("no facts")
		}
		NewIndex(b.Facts)
	})
}

func BenchmarkReadAttackEnterprise(b *testing.B) {
	data := readShared(b, "data", "attack", "enterprise-attack-18.1.json.gz")
	b.SetBytes(50691042) // uncompressed size
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bundle, err := ReadAttack(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if len(bundle.Objects) != 24772 {
			b.Fatalf("%d objects", len(bundle.Objects))
		}
	}
}
