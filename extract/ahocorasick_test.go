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

// TestFindInterleaved checks that the interleaved walk finds exactly what
// the plain walk finds on a long text.
func TestFindInterleaved(t *testing.T) {
	m := newMatcher([]string{"apt40", "tick", "china", "the group", "ministry of state security", "u.s.", "-backed"})
	var sb strings.Builder
	for i := 0; sb.Len() < 50000; i++ {
		sb.WriteString("The group APT40 (the Tick group) is China-backed, the U.S. and the Ministry of State Security said.\n")
		if i%7 == 0 {
			sb.WriteString("Chinamen tickle the groupies; apt400 is not a name.\n")
		}
	}
	text := sb.String()
	var want, got []string
	m.find(text, func(x acMatch) { want = append(want, itoa(x.Pattern)+"@"+itoa(x.Start)+"-"+itoa(x.End)) })
	m.findInterleaved(text, func(x acMatch) { got = append(got, itoa(x.Pattern)+"@"+itoa(x.Start)+"-"+itoa(x.End)) })
	sort.Strings(want)
	sort.Strings(got)
	if len(want) == 0 {
		t.Fatal("no matches at all")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("interleaved walk differs (-plain +interleaved):\n%s", diff)
	}
}

// TestFindAtWordStarts checks that walking from word starts keeps exactly
// the occurrences the full automaton finds that pass the boundary check,
// over the TRAM2 texts and the real dictionary, with both table widths.
func TestFindAtWordStarts(t *testing.T) {
	full := Default().dict.m
	// Half the patterns fit the 16-bit table; all of them, forced, the wide one.
	narrow := newMatcher(full.patterns[:len(full.patterns)/2])
	old := maxNarrowStates
	maxNarrowStates = 0
	wide := newMatcher(full.patterns)
	maxNarrowStates = old
	if narrow.next16 == nil || wide.next16 != nil {
		t.Fatalf("table widths: narrow %v, wide %v", narrow.next16 != nil, wide.next16 == nil)
	}
	for _, m := range []*matcher{narrow, wide} {
		checkWordStarts(t, m)
	}
}

func checkWordStarts(t *testing.T, m *matcher) {
	for k, text := range tramTexts(t)[:60] {
		text = Normalize(text)
		var want, got []string
		m.find(text, func(x acMatch) {
			if boundaryOK(text, x.Start, x.End) {
				want = append(want, itoa(x.Pattern)+"@"+itoa(x.Start)+"-"+itoa(x.End))
			}
		})
		m.findAtWordStarts(text, func(x acMatch) {
			if boundaryOK(text, x.Start, x.End) {
				got = append(got, itoa(x.Pattern)+"@"+itoa(x.Start)+"-"+itoa(x.End))
			}
		})
		sort.Strings(want)
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("text %d: word-start walk differs (-automaton +walk):\n%s", k, diff)
		}
	}
}

// TestContainsAny checks containsAny against strings.Contains per pattern.
func TestContainsAny(t *testing.T) {
	patterns := []string{"charged", "charges", "named", "members", "u.s.", "a&b"}
	m := newMatcher(patterns)
	for _, text := range []string{"", "the officers were charged", "discharges", "unnamed", "nothing here", "membe", "the u.s. said", "u-s-", "a&b", "a+b", "chargemembers"} {
		want := false
		for _, p := range patterns {
			want = want || strings.Contains(text, p)
		}
		if got := m.containsAny(text); got != want {
			t.Errorf("containsAny(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestPhraseHits checks phrases.hits against a strings.Index loop per
// phrase, phrases that overlap themselves and each other included.
func TestPhraseHits(t *testing.T) {
	list := []string{"as early as ", "since ", "active since ", "aa", "from "}
	texts := []string{"", "as early as early as 2010", "active since since 2012", "aaaa aaa", "From from FROM",
		"Active Since 2010, as early as 2011 and from 2012", "nothing"}
	for _, exact := range []bool{false, true} {
		ps := newPhrases(exact, list...)
		for _, text := range texts {
			if !exact {
				text = strings.ToLower(text)
			}
			var want []phraseHit
			for k, p := range list {
				for off := 0; ; {
					i := strings.Index(text[off:], p)
					if i < 0 {
						break
					}
					want = append(want, phraseHit{k, off + i})
					off += i + len(p)
				}
			}
			got := ps.hits(text, nil)
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(phraseHit{})); diff != "" {
				t.Errorf("exact %v, %q (-loops +hits):\n%s", exact, text, diff)
			}
		}
	}
}

// TestNamesOwn checks namesOwn against a strings.Contains per phrase, and
// that every phrase starts with "we" as it assumes.
func TestNamesOwn(t *testing.T) {
	for _, w := range ownNaming {
		if !strings.HasPrefix(w, "we") {
			t.Fatalf("%q does not start with \"we\"", w)
		}
	}
	for _, text := range []string{"", "we", "were we tracking", "we are tracking it", "between us we've named it", "wewe call", "we  call", "we have dubbed"} {
		want := false
		for _, w := range ownNaming {
			want = want || strings.Contains(text, w)
		}
		if got := namesOwn(text); got != want {
			t.Errorf("namesOwn(%q) = %v, want %v", text, got, want)
		}
	}
}
