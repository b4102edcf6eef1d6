package kb

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize returns the form of a name that lookups compare: case-folded,
// with spaces, hyphens, dots and underscores dropped, so that "APT 10",
// "apt-10", "APT10" and "Apt_10" are equal. Digits and every other character
// are kept: "APT1" and "APT10" stay apart, and so do "LAPSUS$" and "LAPSUS".
func Normalize(name string) string {
	// Fast path: ASCII names that need no change are returned as they are.
	clean := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') || isDropped(rune(c)) {
			clean = false
			break
		}
	}
	if clean {
		return name
	}
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		if isDropped(r) {
			continue
		}
		b.WriteRune(fold(r))
	}
	return b.String()
}

// isDropped reports whether r is a separator that Normalize drops.
func isDropped(r rune) bool {
	switch r {
	case ' ', '-', '.', '_', '\t', '\n', '\r',
		'\u00a0',                                                             // no-break space
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', // dashes, minus
		'\u3000',           // ideographic space
		'\u30fb', '\u00b7': // middle dots
		return true
	}
	return r > utf8.RuneSelf && unicode.IsSpace(r)
}

// fold maps r to its lower-case form, using the smallest rune of its case
// orbit for runes such as 'ſ' and 'K' (Kelvin) that lower-casing leaves apart.
func fold(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	start := unicode.ToLower(r)
	l := start
	for f := unicode.SimpleFold(start); f != start; f = unicode.SimpleFold(f) {
		if f < l && unicode.IsLower(f) {
			l = f
		}
	}
	return l
}

// normCountry is the looser form used for country names: letters and digits
// only, so "Korea, Democratic People's Republic of" and "Korea (Democratic
// People's Republic of)" are equal.
func normCountry(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(fold(r))
		}
	}
	return b.String()
}
