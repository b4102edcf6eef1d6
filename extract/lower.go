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
// of any stretch of text the same stretch of the result. It copies the runs
// that lower-casing leaves alone as they are, and lower-cases the rest rune
// by rune as strings.ToLower does.
func lowerAligned(text string) (string, bool) {
	var b strings.Builder
	b.Grow(len(text))
	aligned := true
	done := 0 // text[:done] is written
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				b.WriteString(text[done:i])
				b.WriteByte(c + 'a' - 'A')
				done = i + 1
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && n == 1 {
			return strings.ToLower(text), false // invalid UTF-8: its own rules
		}
		if l := unicode.ToLower(r); l != r {
			aligned = aligned && utf8.RuneLen(l) == n
			b.WriteString(text[done:i])
			b.WriteRune(l)
			done = i + n
		}
		i += n
	}
	b.WriteString(text[done:])
	return b.String(), aligned
}
