package kb

import (
	"strings"
	"unicode"

	"github.com/aptgraph/aptgraph"
)

// Normalize returns the form of a name that lookups compare (the rule lives
// in aptgraph.NormalizeName, which the stores use too): case-folded,
// with spaces, hyphens, dots and underscores dropped, so that "APT 10",
// "apt-10", "APT10" and "Apt_10" are equal. Digits and every other character
// are kept: "APT1" and "APT10" stay apart, and so do "LAPSUS$" and "LAPSUS".
func Normalize(name string) string { return aptgraph.NormalizeName(name) }

// normCountry is the looser form used for country names: letters and digits
// only, so "Korea, Democratic People's Republic of" and "Korea (Democratic
// People's Republic of)" are equal.
func normCountry(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(aptgraph.FoldRune(r))
		}
	}
	return b.String()
}
