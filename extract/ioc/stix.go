package ioc

import (
	"strings"

	"github.com/aptgraph/aptgraph/stix"
)

// hashNames returns, for a hash type, its name in the STIX hash-algorithm
// vocabulary and the pattern's object path for it, where a name with a
// hyphen is quoted, as the STIX pattern grammar asks. Both are written out
// so that a pattern is built without joining them.
func hashNames(t Type) (alg, path string) {
	switch t {
	case MD5:
		return "MD5", "file:hashes.MD5"
	case SHA1:
		return "SHA-1", "file:hashes.'SHA-1'"
	case SHA256:
		return "SHA-256", "file:hashes.'SHA-256'"
	case SHA512:
		return "SHA-512", "file:hashes.'SHA-512'"
	}
	return "", ""
}

// ObservableType returns the STIX cyber-observable type that holds a match:
// "ipv4-addr", "domain-name", "file" … and "" for a CVE, which is a
// vulnerability rather than an observable.
func ObservableType(m Match) string {
	switch m.Type {
	case IPv4:
		return "ipv4-addr"
	case IPv6:
		return "ipv6-addr"
	case CIDR:
		if strings.Contains(m.Value, ":") {
			return "ipv6-addr"
		}
		return "ipv4-addr"
	case Domain:
		return "domain-name"
	case URL:
		return "url"
	case Email:
		return "email-addr"
	case MD5, SHA1, SHA256, SHA512:
		return "file"
	}
	return ""
}

// Pattern returns the STIX 2.1 pattern that detects m, such as
// [ipv4-addr:value = '198.51.100.7'] or [file:hashes.'SHA-256' = '…'].
// A CIDR block is matched as the address value with its prefix. It reports
// false for a CVE, which no pattern detects.
func Pattern(m Match) (string, bool) {
	typ := ObservableType(m)
	// Each case builds the pattern in one concatenation.
	switch {
	case typ == "":
		return "", false
	case needsEscape(m.Value):
		path := typ + ":value"
		if typ == "file" {
			_, path = hashNames(m.Type)
		}
		return "[" + path + " = " + quote(m.Value) + "]", true
	case typ == "file":
		_, path := hashNames(m.Type)
		return "[" + path + " = '" + m.Value + "']", true
	}
	return "[" + typ + ":value = '" + m.Value + "']", true
}

// needsEscape reports whether s holds a quote or a backslash, which a
// pattern string literal escapes.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' || s[i] == '\\' {
			return true
		}
	}
	return false
}

// quote writes s as a STIX pattern string literal: in single quotes, with
// backslash and quote escaped by a backslash.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 4)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('\'')
	return b.String()
}

// Observable returns the STIX cyber-observable for m, with the deterministic
// id STIX 2.1 section 2.9 gives it, or nil for a CVE.
func Observable(m Match) *stix.Object {
	typ := ObservableType(m)
	if typ == "" {
		return nil
	}
	o := &stix.Object{Type: typ, SpecVersion: stix.SpecVersion}
	if typ == "file" {
		alg, _ := hashNames(m.Type)
		o.Hashes = map[string]string{alg: m.Value}
		o.ID = stix.HashObservableID(alg, m.Value)
		return o
	}
	o.Value = m.Value
	o.ID = stix.ValueObservableID(typ, m.Value)
	return o
}
