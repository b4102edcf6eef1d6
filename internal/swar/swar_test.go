package swar

import (
	"math/rand"
	"testing"
)

// TestAgainstBytes checks each word operation against its byte-by-byte
// meaning, over words drawn from the bytes at the edges of each range.
func TestAgainstBytes(t *testing.T) {
	edges := []byte{0, '\n', '.', 0x1f, ' ', '!', '/', '0', '5', '9', ':', '@', 'A', 'M', 'Z', '[', '`', 'a', 'z', '{', '~', 0x7f,
		0x80, 0xb0, 0xc1, 0xda, 0xe1, 0xfa, 0xff}
	r := rand.New(rand.NewSource(2))
	for n := 0; n < 200000; n++ {
		var b [8]byte
		for i := range b {
			b[i] = edges[r.Intn(len(edges))]
		}
		x := Load(string(b[:]), 0)
		var upper, alnum, lower uint64
		for i, c := range b {
			isUpper := c >= 'A' && c <= 'Z'
			if isUpper {
				upper |= 0x80 << (8 * i)
				c += 'a' - 'A'
			}
			if isUpper || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
				alnum |= 0x80 << (8 * i)
			}
			lower |= uint64(c) << (8 * i)
		}
		if got := Upper(x); got != upper {
			t.Fatalf("Upper(%q) = %#x, want %#x", b, got, upper)
		}
		if got := Alnum(x); got != alnum {
			t.Fatalf("Alnum(%q) = %#x, want %#x", b, got, alnum)
		}
		if got := Lower(x); got != lower {
			t.Fatalf("Lower(%q) = %#x, want %#x", b, got, lower)
		}
		for _, c := range []byte{'.', '\n', 0, 0xff} {
			want := 8
			for i := 7; i >= 0; i-- {
				if b[i] == c {
					want = i
				}
			}
			if got := Index(Eq(x, c)); got != want {
				t.Fatalf("Index(Eq(%q, %q)) = %d, want %d", b, c, got, want)
			}
		}
		lead := 0
		for lead < 8 && alnum&(0x80<<(8*lead)) != 0 {
			lead++
		}
		if got := Leading(alnum); got != lead {
			t.Fatalf("Leading(%#x) = %d, want %d", alnum, got, lead)
		}
	}
}

// TestAlnumEnd checks AlnumEnd against a byte loop, at every start of
// strings that put word ends on each side of an eight-byte step.
func TestAlnumEnd(t *testing.T) {
	isAlnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	for _, s := range []string{"", "a", "abc def", "abcdefgh", "abcdefghi jk", "APT40-x", "0123456789abcdefXYZ.", "é9", "a@b", "[Z`z{"} {
		for i := 0; i <= len(s); i++ {
			want := i
			for want < len(s) && isAlnum(s[want]) {
				want++
			}
			if got := AlnumEnd(s, i); got != want {
				t.Errorf("AlnumEnd(%q, %d) = %d, want %d", s, i, got, want)
			}
		}
	}
}
