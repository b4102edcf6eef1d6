// Package swar reads text eight bytes at a time, in one 64-bit word, for
// the passes over whole texts that ask the same of every byte.
package swar

import "math/bits"

// High holds the high bit of each byte; a mask marks a byte with it.
const High = 0x8080808080808080

const ones = 0x0101010101010101

// Load reads s[i:i+8] as a little-endian word: byte i is the lowest.
func Load(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// Between marks each byte of x from lo to hi (both below 0x80). Adding
// 0x80-lo sets a byte's high bit when it is at least lo, adding 0x7f-hi when
// it is above hi; with high bits cleared first no byte carries into the
// next. Bytes of 0x80 and above are taken for their low seven bits, and so
// may be marked: callers clear them (see ASCII) or check the byte.
func Between(x uint64, lo, hi byte) uint64 {
	x &^= High
	ge := x + ones*uint64(0x80-lo)
	gt := x + ones*uint64(0x7f-hi)
	return ge &^ gt & High
}

// ASCII marks the bytes of x below 0x80.
func ASCII(x uint64) uint64 { return ^x & High }

// Upper marks the bytes of x from 'A' to 'Z'.
func Upper(x uint64) uint64 { return Between(x, 'A', 'Z') & ASCII(x) }

// Lower lower-cases the ASCII letters of x and leaves every other byte.
func Lower(x uint64) uint64 { return x | Upper(x)>>2 }

// Alnum marks the ASCII letters and digits of x. Setting bit 5 of every
// byte folds the capitals onto the small letters and makes no other byte a
// letter, so two ranges cover all three; written out, it stays small enough
// to be inlined.
func Alnum(x uint64) uint64 {
	y := x &^ High
	l := y | ones*0x20
	letter := (l + ones*(0x80-'a')) &^ (l + ones*(0x7f-'z'))
	digit := (y + ones*(0x80-'0')) &^ (y + ones*(0x7f-'9'))
	return (letter | digit) &^ x & High
}

// AlnumEnd returns where the run of ASCII letters and digits that starts at
// i in s ends: i itself when s[i] is none.
func AlnumEnd(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if k := Leading(Alnum(Load(s, i))); k < 8 {
			return i + k
		}
	}
	for ; i < len(s); i++ {
		c := s[i] | 0x20
		if !(c >= 'a' && c <= 'z' || s[i] >= '0' && s[i] <= '9') {
			break
		}
	}
	return i
}

// Eq marks the bytes of x equal to b. Only its lowest mark is sure: a borrow
// from a byte that equals b may mark the byte above it too, so callers take
// Index of it, or of several such masks joined.
func Eq(x uint64, b byte) uint64 {
	v := x ^ ones*uint64(b)
	return (v - ones) &^ v & High
}

// Leading returns how many bytes of x, from the lowest, mask marks in a
// row: 8 when it marks them all.
func Leading(mask uint64) int { return bits.TrailingZeros64(^mask&High) / 8 }

// Index returns the position of the lowest byte mask marks, or 8.
func Index(mask uint64) int { return bits.TrailingZeros64(mask&High) / 8 }
