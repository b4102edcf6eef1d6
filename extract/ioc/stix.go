package ioc

import (
	"strings"

	"github.com/aptgraph/aptgraph/stix"
)

// hashAlgorithms names each hash type as the STIX hash-algorithm vocabulary does.
var hashAlgorithms = map[Type]string{MD5: "MD5", SHA1: "SHA-1", SHA256: "SHA-256", SHA512: "SHA-512"}

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
	switch {
	case typ == "":
		return "", false
	case typ == "file":
		alg := hashAlgorithms[m.Type]
		path := "file:hashes." + alg
		if strings.ContainsAny(alg, "-") {
			path = "file:hashes.'" + alg + "'"
		}
		return "[" + path + " = " + quote(m.Value) + "]", true
	}
	return "[" + typ + ":value = " + quote(m.Value) + "]", true
}

// quote writes s as a STIX pattern string literal: in single quotes, with
// backslash and quote escaped by a backslash.
func quote(s string) string {
	if !strings.ContainsAny(s, `'\`) {
		return "'" + s + "'"
	}
	var b strings.Builder
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
		alg := hashAlgorithms[m.Type]
		o.Hashes = map[string]string{alg: m.Value}
		o.ID = stix.HashObservableID(alg, m.Value)
		return o
	}
	o.Value = m.Value
	o.ID = stix.ValueObservableID(typ, m.Value)
	return o
}
