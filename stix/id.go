package stix

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
)

// namespace for aptgraph's own deterministic ids (UUIDv5 over type and key).
var aptgraphNS = mustUUID("5d1b7d2e-8f3c-4f0a-9a51-6b7c2f1e0a44")

// observableNS is the namespace STIX 2.1 section 2.9 fixes for SCO ids.
var observableNS = mustUUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

func mustUUID(s string) [16]byte {
	var u [16]byte
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != 16 {
		panic("stix: bad namespace uuid " + s)
	}
	copy(u[:], b)
	return u
}

func uuid5(ns [16]byte, name string) string {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	s := h.Sum(nil)
	s[6] = (s[6] & 0x0f) | 0x50
	s[8] = (s[8] & 0x3f) | 0x80
	var b [36]byte
	hex.Encode(b[0:8], s[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], s[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], s[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], s[8:10])
	b[23] = '-'
	hex.Encode(b[24:], s[10:16])
	return string(b[:])
}

// NewID returns the deterministic id of an object of type typ whose identity is
// given by parts (a canonical name, or the parts of a claim). Parts are joined
// with a separator that cannot occur in them after lower-casing.
func NewID(typ string, parts ...string) string {
	return typ + "--" + uuid5(aptgraphNS, typ+"\x1f"+strings.ToLower(strings.Join(parts, "\x1f")))
}

// ObservableID returns the STIX 2.1 deterministic id of a cyber-observable from
// its id-contributing properties, as section 2.9 of the specification gives it.
func ObservableID(typ string, props map[string]any) string {
	return typ + "--" + uuid5(observableNS, canonicalJSON(props))
}

// canonicalJSON renders v with sorted keys and no insignificant whitespace
// (RFC 8785 for the string and map values aptgraph uses).
func canonicalJSON(v any) string {
	var sb strings.Builder
	writeCanonical(&sb, v)
	return sb.String()
}

func writeCanonical(sb *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		if isPlainJSON(x) {
			sb.WriteByte('"')
			sb.WriteString(x)
			sb.WriteByte('"')
			return
		}
		b, _ := json.Marshal(x)
		sb.Write(b)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		sb.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				sb.WriteByte(',')
			}
			writeCanonical(sb, k)
			sb.WriteByte(':')
			writeCanonical(sb, x[k])
		}
		sb.WriteByte('}')
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, s := range x {
			m[k] = s
		}
		writeCanonical(sb, m)
	default:
		b, _ := json.Marshal(x)
		sb.Write(b)
	}
}

// isPlainJSON reports whether s needs no escaping inside a JSON string.
func isPlainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= 0x80 {
			return false
		}
	}
	return true
}
