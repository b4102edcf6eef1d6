package extract

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMatcher(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		text     string
		want     []string // "pattern@start"
	}{
		{"simple", []string{"apt40", "tick"}, "APT40 and Tick", []string{"apt40@0", "tick@10"}},
		{"overlap", []string{"he", "she", "his", "hers"}, "ushers", []string{"she@1", "he@2", "hers@2"}},
		{"nested", []string{"lazarus", "lazarus group"}, "the Lazarus Group.", []string{"lazarus@4", "lazarus group@4"}},
		{"none", []string{"abc"}, "xyz", nil},
		{"unicode", []string{"café"}, "Café crème", []string{"café@0"}},
	}
	for _, wide := range []bool{false, true} {
		for _, tt := range tests {
			name := tt.name
			if wide {
				name += "/wide"
			}
			t.Run(name, func(t *testing.T) {
				if wide {
					old := maxNarrowStates
					maxNarrowStates = 0
					defer func() { maxNarrowStates = old }()
				}
				m := newMatcher(tt.patterns)
				var got []string
				m.find(tt.text, func(x acMatch) {
					if !strings.EqualFold(tt.text[x.Start:x.End], tt.patterns[x.Pattern]) {
						t.Errorf("span %q does not hold pattern %q", tt.text[x.Start:x.End], tt.patterns[x.Pattern])
					}
					got = append(got, tt.patterns[x.Pattern]+"@"+itoa(x.Start))
				})
				sort.Strings(got)
				want := append([]string(nil), tt.want...)
				sort.Strings(want)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("matches (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(b)
}
