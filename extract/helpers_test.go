package extract

import (
	"strings"
	"testing"

	"github.com/aptgraph/aptgraph/stix"
)

// TestIndex compares index with strings.Index, above all for subs that
// start with a space, which index looks for by their second byte.
func TestIndex(t *testing.T) {
	texts := []string{"", " ", "sectors", " sectors", "energy sectors and", "a  sectors", "xsectors sectors", "sectors sectors"}
	subs := []string{" sectors", " a", "sectors", " ", "", "  s", " sectors and"}
	for _, s := range texts {
		for _, sub := range subs {
			if got, want := index(s, sub), strings.Index(s, sub); got != want {
				t.Errorf("index(%q, %q) = %d, want %d", s, sub, got, want)
			}
		}
	}
	var got []int
	for i := range indexes("the energy sectors, finance sectors", " sectors") {
		got = append(got, i)
	}
	if len(got) != 2 || got[0] != 10 || got[1] != 27 {
		t.Errorf("indexes = %v, want [10 27]", got)
	}
}

// TestLastField compares lastField with the last of strings.Fields.
func TestLastField(t *testing.T) {
	for _, s := range []string{"", " ", "a", " he ", "x\u00a0he", "a b\u3000 she\u00a0", "he\t", "said, he"} {
		want := ""
		if f := strings.Fields(s); len(f) > 0 {
			want = f[len(f)-1]
		}
		if got := lastField(s); got != want {
			t.Errorf("lastField(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestEndsWithWord checks the word boundary before the suffix.
func TestEndsWithWord(t *testing.T) {
	for _, tt := range []struct {
		s, w string
		want bool
	}{{"in", "in", true}, {"attacks in", "in", true}, {"within", "in", false}, {"", "in", false}, {"in the", "in", false}} {
		if got := endsWithWord(tt.s, tt.w); got != tt.want {
			t.Errorf("endsWithWord(%q, %q) = %v", tt.s, tt.w, got)
		}
	}
}

// TestHasCue compares the kinds mask with a look through the cues.
func TestHasCue(t *testing.T) {
	a := &analysis{}
	for _, kinds := range [][]kind{nil, {kEstimative}, {kSource, kCoref, kSource}, {kGroup, kTitle}} {
		v := &sview{}
		for _, k := range kinds {
			v.cues = append(v.cues, mention{kind: k})
		}
		for k := kGroup; k <= kSource; k++ {
			want := false
			for _, c := range v.cues {
				want = want || c.kind == k
			}
			if got := a.hasCue(v, k); got != want {
				t.Errorf("cues %v: hasCue(%d) = %v, want %v", kinds, k, got, want)
			}
		}
	}
}

// TestEvidenceBlock checks that evidence cut from one block stays apart: an
// append to one object's evidence leaves the next object's alone.
func TestEvidenceBlock(t *testing.T) {
	b := &builder{a: &analysis{text: "one two three"}, reportID: "report--x"}
	first := b.ev([]Span{{0, 3}})
	second := b.ev([]Span{{4, 7}, {8, 13}})
	first = append(first, stix.Evidence{Quote: "other"})
	if second[0].Quote != "two" || second[1].Quote != "three" || len(first) != 2 {
		t.Fatalf("first %v, second %v", first, second)
	}
	many := make([]Span, 10)
	if got := len(b.ev(many)); got != maxEvidence {
		t.Fatalf("%d pieces of evidence, want %d", got, maxEvidence)
	}
}

// TestIsAbbreviation compares isAbbreviation with the plain reading it
// replaces: lower-case the word before the period and look it up.
func TestIsAbbreviation(t *testing.T) {
	plain := func(text string, i int) bool {
		j := strings.LastIndexAny(text[:i], " \n(\"") + 1
		word := strings.ToLower(text[j:i])
		if word == "" {
			return false
		}
		if abbreviations[word] || i-j == 1 && text[j] >= 'A' && text[j] <= 'Z' {
			return true
		}
		if strings.Count(word, ".") >= 1 && len(word) <= 8 {
			for _, p := range strings.Split(word, ".") {
				if len(p) > 2 {
					return false
				}
			}
			return true
		}
		return false
	}
	for _, s := range []string{"Mr.", "the U.S.", "John F.", "D.P.R.K.", "Windows.", "(Inc.", "\"etc.", "a.b.cde.",
		"Sept.", "VERYLONGWORDWITHCAPITALS.", "Écoles.", "\u212A.", "x.", "No.", "e.g."} {
		for i := 0; i < len(s); i++ {
			if s[i] == '.' {
				if got, want := isAbbreviation(s, i), plain(s, i); got != want {
					t.Errorf("isAbbreviation(%q, %d) = %v, want %v", s, i, got, want)
				}
			}
		}
	}
}

func TestIsLowerCase(t *testing.T) {
	for _, s := range []string{"", "abc", "aBc", "école", "École", "x\u212A", "tools-2"} {
		if got, want := isLowerCase(s), s == strings.ToLower(s); got != want {
			t.Errorf("isLowerCase(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestPassiveBefore compares passiveBefore with the plain reading it
// replaces: lower-case the text, split it into fields and read them from
// the end.
func TestPassiveBefore(t *testing.T) {
	plain := func(text string) bool {
		f := strings.Fields(strings.ToLower(text))
		for k := 0; k < 3 && len(f) > 0; k++ {
			switch f[len(f)-1] {
			case "is", "are", "was", "were", "been", "be", "being":
				return true
			case "widely", "also", "publicly", "previously", "reportedly", "now", "often", "long", "not":
				f = f[:len(f)-1]
				continue
			}
			return false
		}
		return false
	}
	for _, s := range []string{"", "   ", "the group was", "the group WAS  ", "it was widely\n", "it is not also",
		"it was not publicly reportedly", "they have", "Été était", "it\tis", "it\u00a0is", "it is\u2003",
		"being", "x been widely also", "a reportedly", "it was extraordinarilylongadverbial"} {
		if got, want := passiveBefore(s), plain(s); got != want {
			t.Errorf("passiveBefore(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestFirstPerson checks firstPerson on texts that speak as "we" or "our"
// inside and outside quotations.
func TestFirstPerson(t *testing.T) {
	tests := map[string]bool{
		"We assess that": true, "we'll see": true, "WE found": true, "Our team": true, "OUR ": true, "our": false,
		"Weapons and ours": false, "\"We said\" they wrote": false, "Wé ": false, "\u212Aour ": false, "flower our ": true,
		"power we ": true, "We": false, "answer": false, "\"x\nwe saw": true,
		"\"a\" and we know": true, "he said \"our team\" and \"we won\"": false, "\"one\ntwo\" our ": false,
	}
	for s, want := range tests {
		if got := firstPerson(strings.ToLower(s)); got != want {
			t.Errorf("firstPerson(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestBylineTeam(t *testing.T) {
	tests := map[string]string{
		"Title\n\nPosted by Threat Labs on 31 October 2023\n\nText.":              "Threat Labs",
		"Title\n\nPublished 22 May 2024 by the Adversary Research Group\n\nText.": "Adversary Research Group",
		"Title\n\nThreat Intelligence Unit | 9 September 2025\n\nWe saw it.":      "Threat Intelligence Unit",
		"Title\n\nBy Jane Smith | 3 May 2024\n\nText.":                            "",
		"Title\n\nBy Staff Reporter\nJanuary 20, 2024\n\nText.":                   "",
		"Title\n\nBy the threat research group\n\nText.":                          "",
		"Title\n\n" + strings.Repeat("x", 200) + " by Threat Labs\n\nText.":       "",
		"1\n2\n3\n4\n5\n6\n7\nPosted by Threat Labs on 31 October 2023\n\nText.":  "",
		// Letters whose lower case is longer in UTF-8 must not shift the offsets.
		"Title\n\n\u023a\u023a\u023a\u023a\u023a\u023a\u023a\u023a\u023a\u023a by Threat Labs\n\nText.": "Threat Labs",
	}
	for text, want := range tests {
		if got, _ := bylineTeam(text); got != want {
			t.Errorf("bylineTeam(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestHasYear compares hasYear with a plain reading of every position.
func TestHasYear(t *testing.T) {
	plain := func(s string) bool {
		for i := 0; i+4 <= len(s); i++ {
			if (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0') && isDigit(s[i+2]) && isDigit(s[i+3]) {
				return true
			}
		}
		return false
	}
	for _, s := range []string{"", "2024", "in 2024", "abcdefgh2019", "abcdefg2019", "no year here at all, none",
		"1899 and 2101", "x19", "version 1.2019", "ÉÉÉÉ1999", "12345678", "abcdefghij199", "abcdefghijklmnop20301"} {
		if got, want := hasYear(s), plain(s); got != want {
			t.Errorf("hasYear(%q) = %v, want %v", s, got, want)
		}
	}
}
