package extract

import (
	"slices"
	"strings"
	"testing"
)

// TestPrefixSetEach checks the one-pass search against a strings.Index loop
// per prefix, on the TRAM2 texts and on crafted text.
func TestPrefixSetEach(t *testing.T) {
	texts := append(tramTexts(t), "APT40 and APT 41, UNC2452; TA505 TAG-22 APT-C-36 XAPT1 Storm-0558 STORM-1234 "+
		"Advanced Persistent Threat 10, BRONZE BUTLER and Earth Lusca, APT-APT3 TATA 1234 FIN7. ")
	for _, x := range []*prefixSet{shapeFinder} {
		for _, text := range texts {
			type hit struct{ k, s int }
			var want, got []hit
			for k, p := range x.prefixes {
				for off := 0; ; {
					i := strings.Index(text[off:], p)
					if i < 0 {
						break
					}
					s := off + i
					off = s + len(p)
					if s == 0 || !isWordByte(text[s-1]) {
						want = append(want, hit{k, s})
					}
				}
			}
			x.each(text, func(k, s int) int {
				got = append(got, hit{k, s})
				return -1
			})
			order := func(a, b hit) int {
				if a.s != b.s {
					return a.s - b.s
				}
				return a.k - b.k
			}
			slices.SortFunc(want, order)
			if !slices.Equal(want, got) {
				t.Fatalf("one pass found %v, the loops %v", got, want)
			}
		}
	}
}

// TestSameName checks sameName against comparing normName's results.
func TestSameName(t *testing.T) {
	names := []string{"APT 10", "apt-10", "APT10", "APT1", "Fancy Bear", "fancybear", "Sofacy", "Bronze_Butler",
		"BRONZE BUTLER", "Cozy Duke", "\"Tick\"", "Tick", "Ünïc", "ünic", "Kimsuky", "kim-suky.", "", " ", "İST", "ist"}
	for _, a := range names {
		for _, b := range names {
			if got, want := sameName(a, b), normName(a) == normName(b); got != want {
				t.Errorf("sameName(%q, %q) = %v, want %v", a, b, got, want)
			}
		}
	}
}
