package extract

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/aptgraph/aptgraph/internal/swar"
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
// of any stretch of text the same stretch of the result.
func lowerAligned(text string) (string, bool) {
	if l, exact := lowerKeepLength(text); exact {
		return l, true
	}
	return strings.ToLower(text), false
}

// lowerKeepLength lower-cases text as strings.ToLower does, but leaves as it
// is each character whose lower case has another length in UTF-8, and each
// invalid byte, so that offsets into the result are offsets into text. It
// reports whether it left none. ASCII goes eight bytes at a time where it
// can and through a table elsewhere; other characters are lower-cased rune
// by rune.
func lowerKeepLength(text string) (string, bool) {
	if text == "" {
		return "", true
	}
	exact := true
	out := make([]byte, len(text))
	for i := 0; i < len(text); {
		// Eight bytes of ASCII at a time.
		for ; i+8 <= len(text); i += 8 {
			x := swar.Load(text, i)
			if x&swar.High != 0 {
				break
			}
			binary.LittleEndian.PutUint64(out[i:], swar.Lower(x))
		}
		if i == len(text) {
			break
		}
		c := text[i]
		if c < utf8.RuneSelf {
			out[i] = asciiLower[c]
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		l := unicode.ToLower(r)
		switch {
		case r == utf8.RuneError && n == 1, l != r && utf8.RuneLen(l) != n:
			exact = false // invalid UTF-8 has its own rules; other lengths move offsets
			copy(out[i:i+n], text[i:i+n])
		case l == r:
			copy(out[i:i+n], text[i:i+n])
		default:
			utf8.EncodeRune(out[i:], l)
		}
		i += n
	}
	// out is not written again: the string may share its memory.
	return unsafe.String(unsafe.SliceData(out), len(out)), exact
}

var asciiLower = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		t[c] = lowerByte(byte(c))
	}
	return t
}()
