package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// lowerOf returns strings.ToLower(a.text[sp.Start:sp.End]), from the text
// lower-cased once where that is the same.
func (a *analysis) lowerOf(sp Span) string {
	if a.lowerAligned && a.runeStart(sp.Start) && a.runeStart(sp.End) {
		return a.lower[sp.Start:sp.End]
	}
	return strings.ToLower(a.text[sp.Start:sp.End])
}

// runeStart reports whether a character of the text starts at i, or i is its end.
func (a *analysis) runeStart(i int) bool {
	return i == len(a.text) || utf8.RuneStart(a.text[i])
}

// lowerAligned returns strings.ToLower(text), and whether every character
// kept its length in UTF-8 (always so in ASCII), which makes the lower case
// of any stretch of text the same stretch of the result. It lower-cases
// ASCII through a table and the rest rune by rune, as strings.ToLower does
// once a text holds anything beyond ASCII, but without its bookkeeping.
func lowerAligned(text string) (string, bool) {
	b := make([]byte, 0, len(text))
	aligned := true
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			b = append(b, lowerASCII[c])
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && n == 1 {
			return strings.ToLower(text), false // invalid UTF-8: its own rules
		}
		l := unicode.ToLower(r)
		if utf8.RuneLen(l) != n {
			aligned = false
		}
		b = utf8.AppendRune(b, l)
		i += n
	}
	return string(b), aligned
}

// lowerASCII maps each ASCII byte to its lower case.
var lowerASCII = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		t[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			t[c] += 'a' - 'A'
		}
	}
	return t
}()
