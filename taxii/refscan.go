package taxii

import (
	"bytes"
	"unicode/utf8"
)

// scanRefs reads the refs of objRefs from the top level of a stored
// object's JSON without decoding the rest: it walks the top-level keys and
// skips the other values. It handles any valid JSON, but gives up (ok
// false) on what it does not need to be fast at: a key or ref with an
// escape, or a ref value of an unexpected kind; the caller then decodes
// with encoding/json, as it does on a key of objRefs in another case,
// which encoding/json would match.
func scanRefs(raw []byte) (r objRefs, ok bool) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return r, false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return r, true
	}
	for i < len(raw) {
		key, j, ok := plainString(raw, i)
		if !ok {
			return r, false
		}
		i = skipSpace(raw, j)
		if i >= len(raw) || raw[i] != ':' {
			return r, false
		}
		i = skipSpace(raw, i+1)
		switch string(key) {
		case "source_ref", "target_ref", "sighting_of_ref":
			v, j, ok := plainString(raw, i)
			if !ok {
				return r, false
			}
			switch string(key) {
			case "source_ref":
				r.SourceRef = string(v)
			case "target_ref":
				r.TargetRef = string(v)
			default:
				r.SightingOfRef = string(v)
			}
			i = j
		case "object_refs":
			if i >= len(raw) || raw[i] != '[' {
				return r, false
			}
			r.ObjectRefs = r.ObjectRefs[:0]
			i = skipSpace(raw, i+1)
			if i < len(raw) && raw[i] == ']' {
				i++
				break
			}
			for {
				v, j, ok := plainString(raw, i)
				if !ok {
					return r, false
				}
				r.ObjectRefs = append(r.ObjectRefs, string(v))
				i = skipSpace(raw, j)
				if i < len(raw) && raw[i] == ',' {
					i = skipSpace(raw, i+1)
					continue
				}
				if i < len(raw) && raw[i] == ']' {
					i++
					break
				}
				return r, false
			}
		default:
			if isRefKey(key) {
				return r, false // a key that encoding/json would match, in other case
			}
			if i = skipValue(raw, i); i < 0 {
				return r, false
			}
		}
		i = skipSpace(raw, i)
		if i >= len(raw) {
			return r, false
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case '}':
			return r, true
		default:
			return r, false
		}
	}
	return r, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// plainString reads the string at b[i], which must hold no escape and be
// valid UTF-8; it
// returns its contents and the index past its closing quote.
func plainString(b []byte, i int) (s []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	end := bytes.IndexByte(b[i+1:], '"')
	if end < 0 {
		return nil, 0, false
	}
	s = b[i+1 : i+1+end]
	if bytes.IndexByte(s, '\\') >= 0 || !utf8.Valid(s) { // encoding/json would replace bad UTF-8
		return nil, 0, false
	}
	return s, i + end + 2, true
}

// skipValue returns the index past the JSON value at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				if i = skipString(b, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	default: // a number, true, false or null
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// skipString returns the index past the string at b[i], or -1.
func skipString(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexAny(b[i:], `"\`)
		if j < 0 {
			return -1
		}
		i += j
		if b[i] == '"' {
			return i + 1
		}
		i += 2 // an escape: skip the escaped byte
		if i > len(b) {
			return -1
		}
	}
}
