package kb

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aptgraph/aptgraph"
)

// Normalize returns the form of a name that lookups compare (the rule lives
// in aptgraph.NormalizeName, which the stores use too): case-folded,
// with spaces, hyphens, dots and underscores dropped, so that "APT 10",
// "apt-10", "APT10" and "Apt_10" are equal. Digits and every other character
// are kept: "APT1" and "APT10" stay apart, and so do "LAPSUS$" and "LAPSUS".
func Normalize(name string) string { return aptgraph.NormalizeName(name) }

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
