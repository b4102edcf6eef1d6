package extract

import (
	"math/rand"
	"strings"
	"testing"
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
