package stix

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"

	"github.com/aptgraph/aptgraph/internal/swar"
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

// appendName appends the bytes a version 5 UUID hashes: the namespace,
// then the name.
func appendName(b []byte, ns [16]byte, name string) []byte {
	return append(append(b, ns[:]...), name...)
}

// putUUID5 writes into dst, which holds 36 bytes, the UUID version 5 whose
// namespace and name are in (see appendName). Callers build in in a stack
// buffer: ids are made for every object of a bundle, and a hash.Hash and
// the strings around it would cost several allocations each.
func putUUID5(dst []byte, in []byte) {
	s := sha1.Sum(in)
	s[6] = (s[6] & 0x0f) | 0x50
	s[8] = (s[8] & 0x3f) | 0x80
	hex.Encode(dst[0:8], s[0:4])
	dst[8] = '-'
	hex.Encode(dst[9:13], s[4:6])
	dst[13] = '-'
	hex.Encode(dst[14:18], s[6:8])
	dst[18] = '-'
	hex.Encode(dst[19:23], s[8:10])
	dst[23] = '-'
	hex.Encode(dst[24:], s[10:16])
}

// typedID returns typ + "--" + the UUID version 5 of in (see appendName),
// in one allocation.
func typedID(typ string, in []byte) string {
	var sb strings.Builder
	sb.Grow(len(typ) + 2 + 36)
	sb.WriteString(typ)
	sb.WriteString("--")
	var u [36]byte
	putUUID5(u[:], in)
	sb.Write(u[:])
	return sb.String()
}

// NewID returns the deterministic id of an object of type typ whose identity is
// given by parts (a canonical name, or the parts of a claim). Parts are joined
// with a separator that cannot occur in them after lower-casing.
func NewID(typ string, parts ...string) string {
	// The name is typ, \x1f, then the parts in lower case joined by \x1f.
	var buf [256]byte
	in := append(appendName(buf[:0], aptgraphNS, typ), '\x1f')
	for i, p := range parts {
		if i > 0 {
			in = append(in, '\x1f')
		}
		in = appendLower(in, p)
	}
	return typedID(typ, in)
}

// appendLower appends strings.ToLower(s) to b, without the intermediate
// string when s is ASCII. It copies s, then lower-cases the copy in place
// eight bytes at a time; a byte beyond ASCII sends it to strings.ToLower.
func appendLower(b []byte, s string) []byte {
	n := len(b)
	b = append(b, s...)
	t := b[n:]
	i := 0
	for ; i+8 <= len(t); i += 8 {
		x := binary.LittleEndian.Uint64(t[i:])
		if x&swar.High != 0 {
			return append(b[:n], strings.ToLower(s)...)
		}
		binary.LittleEndian.PutUint64(t[i:], swar.Lower(x))
	}
	for ; i < len(t); i++ {
		switch c := t[i]; {
		case c >= 0x80:
			return append(b[:n], strings.ToLower(s)...)
		case 'A' <= c && c <= 'Z':
			t[i] = c + 'a' - 'A'
		}
	}
	return b
}

// ObservableID returns the STIX 2.1 deterministic id of a cyber-observable from
// its id-contributing properties, as section 2.9 of the specification gives it.
func ObservableID(typ string, props map[string]any) string {
	var buf [256]byte
	return typedID(typ, appendName(buf[:0], observableNS, canonicalJSON(props)))
}

// ValueObservableID is ObservableID(typ, {"value": value}), the id of an
// observable that its value alone identifies, without the map.
func ValueObservableID(typ, value string) string {
	var sb strings.Builder
	sb.Grow(len(value) + 12)
	sb.WriteString(`{"value":`)
	writeCanonical(&sb, value)
	sb.WriteByte('}')
	var buf [256]byte
	return typedID(typ, appendName(buf[:0], observableNS, sb.String()))
}

// HashObservableID is ObservableID("file", {"hashes": {alg: value}}), the id
// of a file that one hash identifies, without the maps.
func HashObservableID(alg, value string) string {
	var sb strings.Builder
	sb.Grow(len(alg) + len(value) + 18)
	sb.WriteString(`{"hashes":{`)
	writeCanonical(&sb, alg)
	sb.WriteByte(':')
	writeCanonical(&sb, value)
	sb.WriteString("}}")
	var buf [256]byte
	return typedID("file", appendName(buf[:0], observableNS, sb.String()))
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
		writeCanonicalObject(sb, x)
	case map[string]string:
		writeCanonicalObject(sb, x)
	default:
		b, _ := json.Marshal(x)
		sb.Write(b)
	}
}

// writeCanonicalObject writes m with its keys sorted.
func writeCanonicalObject[V any](sb *strings.Builder, m map[string]V) {
	var small [4]string // id-contributing properties are few: no allocation
	keys := small[:0]
	for k := range m {
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
		writeCanonical(sb, m[k])
	}
	sb.WriteByte('}')
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
