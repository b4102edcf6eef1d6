package extract

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/aptgraph/aptgraph/internal/swar"
)

// TestLowerOf checks that lowerOf gives what strings.ToLower does, for
// stretches of texts that lower-case with and without changing lengths.
func TestLowerOf(t *testing.T) {
	texts := []string{"", "plain ascii, Mixed CASE.", "Ünïcödé ÀÉÎ and ß", "İstanbul and 5 K", "Ⱥ grows, ȿ shrinks", "\xff bad"}
	r := rand.New(rand.NewSource(1))
	for _, text := range texts {
		a := &analysis{text: text}
		a.lower, a.lowerAligned = lowerAligned(text)
		if a.lower != strings.ToLower(text) {
			t.Fatalf("lowerAligned(%q) lower-cases to %q", text, a.lower)
		}
		for k := 0; k < 200; k++ {
			s := r.Intn(len(text) + 1)
			e := s + r.Intn(len(text)-s+1)
			if got, want := a.lowerOf(Span{s, e}), strings.ToLower(text[s:e]); got != want {
				t.Errorf("lowerOf(%q[%d:%d]) = %q, want %q", text, s, e, got, want)
			}
		}
	}
	for _, text := range tramTexts(t) {
		if lower, _ := lowerAligned(text); lower != strings.ToLower(text) {
			t.Fatalf("lowerAligned differs from strings.ToLower on %.60q...", text)
		}
	}
}

// TestPlainASCII8 checks the normaliser's eight-byte step against its
// byte-by-byte meaning, over words drawn from the bytes at the edges of each
// range.
func TestPlainASCII8(t *testing.T) {
	edges := []byte{0, 0x1f, ' ', '!', '@', 'A', 'Z', 'a', 'z', '~', 0x7f, 0x80, 0xc3, 0xff}
	r := rand.New(rand.NewSource(2))
	for n := 0; n < 200000; n++ {
		var b [8]byte
		for i := range b {
			b[i] = edges[r.Intn(len(edges))]
		}
		s := string(b[:])
		plain := true
		for i, c := range b {
			switch {
			case c == ' ':
				plain = plain && (i == 7 || b[i+1] != ' ')
			case !isPrintASCII(c):
				plain = false
			}
		}
		if got := plainASCII8(swar.Load(s, 0)); got != plain {
			t.Fatalf("plainASCII8(%q) = %v, want %v", s, got, plain)
		}
	}
}

// TestIsNFC checks the run-by-run NFC test against the norm package's own.
func TestIsNFC(t *testing.T) {
	texts := append(tramTexts(t), "", "plain", "café", "cafe\u0301", "e\u0301", "\u0301start", "A\u030a and Å",
		"x <\u0338 y", "한국어", "\u1100\u1161 jamo", "Ω ohm \u2126", "quote ’s", "fi ligature \ufb01", "a\u0328\u0301 b",
		"é\u0301", "Й and И\u0306", "greek \u0374 sign", "en\u2000quad", "“quoted” — dash…", "中文\u0301", "ß\u0301")
	for _, s := range texts {
		if got, want := isNFC(s), norm.NFC.IsNormalString(s); got != want {
			t.Errorf("isNFC(%.40q) = %v, want %v", s, got, want)
		}
	}
}

// TestStableRunes checks, for every rune stableRune lets pass, that NFC
// keeps it after a letter and that it is no combining mark.
func TestStableRunes(t *testing.T) {
	for r := rune(0x80); r < 0xa000; r++ {
		if !stableRune(r) || !utf8.ValidRune(r) {
			continue
		}
		s := "a" + string(r) + "b"
		if !norm.NFC.IsNormalString(s) || norm.NFC.PropertiesString(string(r)).CCC() != 0 {
			t.Errorf("U+%04X is not stable under NFC", r)
		}
	}
}

// TestNormalizeASCII compares Normalize on ASCII text, where its fast path
// runs, with what it means said plainly: controls are spaces, runs of spaces
// one space, lines trimmed, at most one blank line in a row, and no blank
// lines at either end.
func TestNormalizeASCII(t *testing.T) {
	alphabet := []byte("  aZ.~\n\n\r\t\x01\x7f")
	r := rand.New(rand.NewSource(3))
	for n := 0; n < 50000; n++ {
		b := make([]byte, r.Intn(40))
		for i := range b {
			b[i] = alphabet[r.Intn(len(alphabet))]
		}
		// Long plain stretches reach the eight-byte step.
		s := strings.Repeat("ab cd ef", r.Intn(3)) + string(b) + strings.Repeat("gh ij k", r.Intn(3))
		if got, want := Normalize(s), normalizeASCII(s); got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, want)
		}
	}
}

func normalizeASCII(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r != '\n' && (r < ' ' || r == 0x7f) {
			return ' '
		}
		return r
	}, s)
	var lines []string
	blank := false
	for _, l := range strings.Split(s, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			blank = len(lines) > 0
			continue
		}
		if blank {
			lines = append(lines, "")
			blank = false
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// TestLowerKeepLength checks that lowerKeepLength keeps every offset, lower-
// cases what strings.ToLower would without moving one, and says whether it
// left anything.
func TestLowerKeepLength(t *testing.T) {
	for _, text := range []string{"", "Plain ASCII, Mixed CASE.", "Ünïcödé ÀÉÎ", "Ⱥ grows, ȿ shrinks", "İstanbul", "5 \u212A", "\xff bad", "ABCDEFGHⱥ"} {
		got, exact := lowerKeepLength(text)
		if len(got) != len(text) {
			t.Fatalf("lowerKeepLength(%q) = %q: length %d, want %d", text, got, len(got), len(text))
		}
		if want := strings.ToLower(text); exact != (got == want) {
			t.Errorf("lowerKeepLength(%q) = %q, %v; strings.ToLower gives %q", text, got, exact, want)
		}
		for i := 0; i < len(text); i++ {
			if c := text[i]; c < utf8.RuneSelf && got[i] != lowerByte(c) {
				t.Errorf("lowerKeepLength(%q)[%d] = %q, want %q", text, i, got[i], lowerByte(c))
			}
		}
	}
}
