package extract

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
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
// of any stretch of text the same stretch of the result. ASCII goes through
// a table byte by byte; other characters are lower-cased rune by rune as
// strings.ToLower does.
func lowerAligned(text string) (string, bool) {
	if text == "" {
		return "", true
	}
	out := make([]byte, len(text))
	for i := 0; i < len(text); {
		// Eight bytes of ASCII at a time.
		for ; i+8 <= len(text); i += 8 {
			x := load64(text, i)
			if x&highBits != 0 {
				break
			}
			binary.LittleEndian.PutUint64(out[i:], lower64(x))
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
		case r == utf8.RuneError && n == 1:
			return strings.ToLower(text), false // invalid UTF-8: its own rules
		case l == r:
			copy(out[i:i+n], text[i:i+n])
		case utf8.RuneLen(l) == n:
			utf8.EncodeRune(out[i:], l)
		default:
			return strings.ToLower(text), false
		}
		i += n
	}
	// out is not written again: the string may share its memory.
	return unsafe.String(unsafe.SliceData(out), len(out)), true
}

const highBits = 0x8080808080808080

// load64 reads s[i:i+8] as a little-endian word.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// lower64 lower-cases the eight ASCII bytes of x at once: a byte from 'A'
// to 'Z' gains 0x20.
func lower64(x uint64) uint64 {
	return x | upper64(x)>>2
}

// upper64 marks with its high bit each byte of x from 'A' to 'Z'. Adding
// 0x3f sets a byte's high bit when it is at least 'A', adding 0x25 when it
// is above 'Z'; with high bits cleared first no byte carries into the next.
// Bytes of 0x80 and above are taken for their low seven bits, and so may be
// marked: callers check the byte.
func upper64(x uint64) uint64 {
	const ones = 0x0101010101010101
	x &^= highBits
	ge := x + ones*(0x80-'A')
	gt := x + ones*(0x80-'Z'-1)
	return ge &^ gt & highBits
}

var asciiLower = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		t[c] = lowerByte(byte(c))
	}
	return t
}()
