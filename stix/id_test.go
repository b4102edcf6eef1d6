package stix

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

func TestObservableID(t *testing.T) {
	tests := []struct {
		name  string
		typ   string
		props map[string]any
		want  string
	}{
		// The id an independent uuid5 over the canonical JSON gives.
		{"domain", "domain-name", map[string]any{"value": "example.com"}, "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ObservableID(tt.typ, tt.props); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCanonicalEscapes(t *testing.T) {
	for _, s := range []string{"a\"b", "a<b", "é", "x\\y", "plain"} {
		got := canonicalJSON(map[string]any{"value": s})
		if got == "" || got[0] != '{' {
			t.Errorf("canonical JSON of %q is %q", s, got)
		}
	}
	if got, want := canonicalJSON(map[string]any{"value": "a\"b"}), `{"value":"a\"b"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestNewIDDeterministic(t *testing.T) {
	if NewID("intrusion-set", "apt40") != NewID("intrusion-set", "APT40") {
		t.Error("ids differ by case")
	}
	if NewID("intrusion-set", "apt40") == NewID("intrusion-set", "apt41") {
		t.Error("different names share an id")
	}
}

// oldNewID is NewID as first written, with a hash.Hash and whole strings:
// the reference the allocation-free version must agree with.
func oldNewID(typ string, parts ...string) string {
	h := sha1.New()
	h.Write(aptgraphNS[:])
	h.Write([]byte(typ + "\x1f" + strings.ToLower(strings.Join(parts, "\x1f"))))
	s := h.Sum(nil)
	s[6] = (s[6] & 0x0f) | 0x50
	s[8] = (s[8] & 0x3f) | 0x80
	x := hex.EncodeToString(s[:16])
	return typ + "--" + x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

func TestNewIDMatchesReference(t *testing.T) {
	long := strings.Repeat("Long Name ", 40) // past the stack buffer
	for _, parts := range [][]string{
		{"apt40"}, {"APT40"}, {}, {""}, {"attributed-to", "intrusion-set--x", "threat-actor--y", "identity--z", "abc"},
		{"Ministère de l'Intérieur"}, {"İstanbul", "ΣΊΣΥΦΟΣ"}, {long}, {long, "İ"},
	} {
		if got, want := NewID("identity", parts...), oldNewID("identity", parts...); got != want {
			t.Errorf("NewID(%q) = %s, want %s", parts, got, want)
		}
	}
}

// TestValueObservableID checks the short path against the general one.
func TestValueObservableID(t *testing.T) {
	for _, v := range []string{"example.com", "a\"b", "a<b>&c", "é.example", "x\\y", "", "198.51.100.7"} {
		if got, want := ValueObservableID("domain-name", v), ObservableID("domain-name", map[string]any{"value": v}); got != want {
			t.Errorf("ValueObservableID(%q) = %s, want %s", v, got, want)
		}
	}
}

// TestHashObservableID checks the short path against the general one.
func TestHashObservableID(t *testing.T) {
	for _, alg := range []string{"MD5", "SHA-1", "SHA-256", "SHA-512", "x\"y"} {
		for _, v := range []string{"d41d8cd98f00b204e9800998ecf8427e", "", "a<b", "é"} {
			want := ObservableID("file", map[string]any{"hashes": map[string]string{alg: v}})
			if got := HashObservableID(alg, v); got != want {
				t.Errorf("HashObservableID(%q, %q) = %s, want %s", alg, v, got, want)
			}
		}
	}
}

// TestTLPMarkingExtension checks the hand-written extension against what
// encoding/json writes for it.
func TestTLPMarkingExtension(t *testing.T) {
	for _, tlp := range []TLP{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed} {
		want, _ := json.Marshal(map[string]string{"extension_type": "property-extension", "tlp_2_0": tlp.String()})
		if got := TLPMarking(tlp).Extensions[tlpExtension]; string(got) != string(want) {
			t.Errorf("%v: extension %s, want %s", tlp, got, want)
		}
	}
}

// TestAppendLower checks appendLower against strings.ToLower, on strings
// that cross its eight-byte steps with and without bytes beyond ASCII.
func TestAppendLower(t *testing.T) {
	for _, s := range []string{"", "A", "ABCDEFGH", "ABCDEFGHI", "relationship--ABC", "Mixed Case Name Of Seventeen",
		"ÉCOLE", "ABCDEFGÉ", "abcdefghÉ", "KELVIN \u212A SIGN", "@[`{", "ZZZZZZZZZZZZZZZZ"} {
		prefix := []byte("pre\x1f")
		got := string(appendLower(prefix, s))
		if want := "pre\x1f" + strings.ToLower(s); got != want {
			t.Errorf("appendLower(%q) = %q, want %q", s, got, want)
		}
	}
}
