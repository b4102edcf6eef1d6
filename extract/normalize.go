package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/aptgraph/aptgraph/internal/swar"
)

// Normalize returns the text every later stage works on, and whose byte
// offsets evidence points into: Unicode NFC; curly quotes, primes and dashes
// as their ASCII forms; soft hyphens and zero-width characters removed; tabs
// and odd spaces as plain spaces; runs of spaces collapsed; lines trimmed; and
// at most one blank line between paragraphs. Invalid UTF-8 becomes U+FFFD.
func Normalize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !isNFC(s) {
		s = norm.NFC.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false  // a space is pending
	newlines := 0   // newlines pending
	atStart := true // nothing written yet
	flush := func() {
		switch {
		case atStart:
		case newlines >= 2:
			b.WriteString("\n\n")
		case newlines == 1:
			b.WriteByte('\n')
		case space:
			b.WriteByte(' ')
		}
		space, newlines = false, 0
	}
	for i := 0; i < len(s); {
		c := s[i]
		// Fast path: a run of printable ASCII goes through as is, and so do
		// the single spaces between its words, which nothing would change.
		if isPrintASCII(c) {
			// Eight bytes at a time, then byte by byte to the end of the run.
			j := i + 1
			for j+9 <= len(s) {
				x := swar.Load(s, j)
				// A block may end in a space that a printable byte follows.
				if !plainASCII8(x) || x>>56 == ' ' && !isPrintASCII(s[j+8]) {
					break
				}
				j += 8
			}
			for j < len(s) {
				if isPrintASCII(s[j]) {
					j++
				} else if s[j] == ' ' && j+1 < len(s) && isPrintASCII(s[j+1]) {
					j += 2
				} else {
					break
				}
			}
			if space || newlines > 0 {
				flush()
			}
			atStart = false
			b.WriteString(s[i:j])
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			i++
			switch c {
			case ' ', '\t', '\v', '\f':
				space = true
				continue
			case '\r':
				if i < len(s) && s[i] == '\n' {
					continue
				}
				newlines++
				continue
			case '\n':
				newlines++
				continue
			}
			if c < 0x20 || c == 0x7f {
				space = true
				continue
			}
			flush()
			atStart = false
			b.WriteByte(c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch r {
		case '\u2018', '\u2019', '\u201a', '\u201b', '\u2032', '\u02bc', '\uff07':
			r = '\''
		case '\u201c', '\u201d', '\u201e', '\u201f', '\u2033', '\u00ab', '\u00bb', '\uff02':
			r = '"'
		case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\ufe58', '\ufe63', '\uff0d':
			r = '-'
		case '\u2026':
			flush()
			atStart = false
			b.WriteString("...")
			continue
		case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			continue
		case '\u2028', '\u2029', '\u0085':
			newlines += 2
			continue
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if unicode.IsControl(r) {
			space = true
			continue
		}
		flush()
		atStart = false
		b.WriteRune(r)
	}
	return b.String()
}

// plainASCII8 reports whether the eight bytes of x are printable ASCII or
// single spaces. After a printable byte, they pass the fast path one by one
// if the last is not a space, or if a printable byte follows it.
func plainASCII8(x uint64) bool {
	if x&swar.High != 0 || swar.Between(x, ' ', '~') != swar.High {
		return false // not all from ' ' to '~'
	}
	sp := swar.Between(x, ' ', ' ') // the spaces
	return sp&(sp>>8) == 0
}

// isPrintASCII reports whether c is printable ASCII other than space.
func isPrintASCII(c byte) bool { return c > ' ' && c < 0x7f }

// isNFC reports whether s is in Unicode NFC. ASCII is, and an ASCII
// character neither reorders nor composes with a character before it, so
// only each run of other characters needs a check, with the character
// before it (which a combining mark may compose with). The ASCII between is
// skipped eight bytes at a time.
func isNFC(s string) bool {
	for i := 0; i < len(s); {
		if i+8 <= len(s) && swar.Load(s, i)&swar.High == 0 {
			i += 8
			continue
		}
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		j, plain := i, true
		for j < len(s) && s[j] >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[j:])
			plain = plain && stableRune(r)
			j += n
		}
		if !plain && !norm.NFC.IsNormalString(s[max(0, i-1):j]) {
			return false
		}
		i = j
	}
	return true
}

// stableRune reports whether r is in a block whose every character NFC
// leaves alone and which holds no combining mark: Latin-1 and the Latin
// extensions, Cyrillic less its combining marks, general punctuation (from
// U+2010: the spaces below it have canonical equivalents) and the common
// CJK ideographs. A run of such characters after an ASCII one is in NFC
// without asking the tables.
func stableRune(r rune) bool {
	return r >= 0x80 && r < 0x300 || r >= 0x400 && r < 0x483 || r >= 0x48a && r < 0x500 || r >= 0x2010 && r < 0x205f ||
		r >= 0x4e00 && r < 0xa000
}
