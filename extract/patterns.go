package extract

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aptgraph/aptgraph/internal/swar"
)

// normName folds a group name for lookup: lower case, without spaces,
// hyphens, dots and underscores, so "APT 10", "apt-10" and "APT10" meet.
func normName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '_' || r == '"' || r == '\'':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// sameName reports whether normName(a) == normName(b), without making
// either when both are ASCII.
func sameName(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && isNameSep(a[i]) {
			i++
		}
		for j < len(b) && isNameSep(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if a[i] >= utf8.RuneSelf || b[j] >= utf8.RuneSelf {
			return normName(a) == normName(b)
		}
		if lowerByte(a[i]) != lowerByte(b[j]) {
			return false
		}
		i++
		j++
	}
}

// isNameSep reports whether normName drops c.
func isNameSep(c byte) bool {
	return c == ' ' || c == '-' || c == '.' || c == '_' || c == '"' || c == '\''
}

// codePrefixes introduce vendor code names: APT41, UNC2452, TA505, FIN7,
// DEV-0537, Storm-0558, TEMP.Veles, and "Advanced Persistent Threat 40".
type codePrefix struct {
	prefix  string
	sep     string // separators allowed between prefix and number
	minDig  int
	maxDig  int
	canonic string // the prefix as written in canonical names
}

var codePrefixes = []codePrefix{
	{"APT", " -", 1, 3, "APT"},
	{"UNC", " -", 3, 5, "UNC"},
	{"TA", "", 3, 4, "TA"},
	{"FIN", " -", 1, 3, "FIN"},
	{"DEV-", "", 4, 4, "DEV-"},
	{"Storm-", "", 4, 4, "Storm-"},
	{"STORM-", "", 4, 4, "Storm-"},
	{"Advanced Persistent Threat ", "", 1, 3, "APT"},
	{"APT-C-", "", 2, 3, "APT-C-"},
	{"UAC-", "", 4, 4, "UAC-"},
	{"TAG-", "", 2, 3, "TAG-"},
	{"CL-STA-", "", 4, 4, "CL-STA-"},
	{"CL-CRI-", "", 4, 4, "CL-CRI-"},
	{"SectorA", "", 2, 2, "SectorA"},
}

// codeName reads a vendor code name whose prefix cp starts at s, and
// returns it with its end, or false.
func codeName(text string, cp *codePrefix, s int) (mention, bool) {
	off := s + len(cp.prefix)
	j := off
	if j < len(text) && cp.sep != "" && strings.IndexByte(cp.sep, text[j]) >= 0 {
		j++
	}
	e := j
	for e < len(text) && text[e] >= '0' && text[e] <= '9' {
		e++
	}
	if n := e - j; n < cp.minDig || n > cp.maxDig {
		return mention{}, false
	}
	if e < len(text) && (isWordByte(text[e]) || text[e] == '-' && e+1 < len(text) && isWordByte(text[e+1])) {
		return mention{}, false
	}
	if cp.prefix == "APT" && strings.HasPrefix(text[off:], "-C-") {
		return mention{}, false
	}
	return mention{Span: Span{s, e}, kind: kGroup, ref: -1, name: cp.canonic + text[j:e]}, true
}

// findShapedNames finds the names that vendors give by shape: code names
// (APT41, UNC2452, Storm-0558) and colour or "Earth" names (BRONZE BUTLER,
// Earth Lusca), in one pass over the capitals that start words.
func findShapedNames(text string) (codes, colours []mention) {
	shapeFinder.each(text, func(k, s int) int {
		if k < len(codePrefixes) {
			m, ok := codeName(text, &codePrefixes[k], s)
			if !ok {
				return -1
			}
			codes = append(codes, m)
			return m.End
		}
		m, ok := colourName(text, colourPrefixes[k-len(codePrefixes)], s)
		if !ok {
			return -1
		}
		colours = append(colours, m)
		return m.End
	})
	return codes, colours
}

var shapeFinder = newPrefixSet(func() (ps []string) {
	for _, cp := range codePrefixes {
		ps = append(ps, cp.prefix)
	}
	return append(ps, colourPrefixes...)
}())

// prefixSet finds where the prefixes of a list start words, for rules that
// look at what follows each. Every prefix begins with a capital, so one pass
// that visits the capitals alone, found eight bytes at a time, stands for a
// strings.Index loop over the whole text per prefix.
type prefixSet struct {
	prefixes []string
	first    [26][]int // capital - 'A' -> the prefixes that begin with it
}

func newPrefixSet(prefixes []string) *prefixSet {
	x := &prefixSet{prefixes: prefixes}
	for k, p := range prefixes {
		if len(p) < 2 || p[0] < 'A' || p[0] > 'Z' || len(prefixes) > 64 {
			panic("prefixSet: " + p + " is not a capital and more, or the list is too long")
		}
		x.first[p[0]-'A'] = append(x.first[p[0]-'A'], k)
	}
	return x
}

// each calls fn(k, s) for each place s where prefix k starts a word, in
// order of s and, at one place, of the list. fn returns the end of what it
// took there, or -1; prefix k is looked for again after that, or after the
// prefix itself, as a strings.Index loop for it would.
func (x *prefixSet) each(text string, fn func(k, s int) int) {
	var resume [64]int // per prefix (lists are short)
	try := func(s int) {
		if c := text[s]; c >= 'A' && c <= 'Z' && (s == 0 || !isWordByte(text[s-1])) {
			for _, k := range x.first[c-'A'] {
				p := x.prefixes[k]
				// Most capitals start ordinary words: the second byte turns
				// them away before the whole prefix is compared.
				if s+1 >= len(text) || text[s+1] != p[1] || s < resume[k] || !strings.HasPrefix(text[s:], p) {
					continue
				}
				resume[k] = s + len(p)
				if e := fn(k, s); e >= 0 {
					resume[k] = e
				}
			}
		}
	}
	i := 0
	for ; i+8 <= len(text); i += 8 {
		for up := swar.Upper(swar.Load(text, i)); up != 0; up &= up - 1 {
			try(i + bits.TrailingZeros64(up)/8)
		}
	}
	for ; i < len(text); i++ {
		try(i)
	}
}

// animalSuffixes end vendor names for groups: Microsoft's weather, CrowdStrike's animals.
var animalSuffixes = []string{
	"Typhoon", "Blizzard", "Sleet", "Sandstorm", "Tempest", "Hail", "Cyclone", "Flood", "Tsunami", "Dust",
	"Panda", "Bear", "Kitten", "Chollima", "Spider", "Tiger", "Jackal", "Leopard", "Buffalo", "Crane",
	"Ocelot", "Lynx",
}

// animalNames finds "<Capitalised word> <Suffix>" names such as Volt
// Typhoon, at the suffix cues the dictionary found.
func animalNames(text string, cues []mention) []mention {
	var out []mention
	for _, c := range cues {
		if c.kind != kAnimal || c.Start < 2 || text[c.Start-1] != ' ' {
			continue
		}
		sp := c.Start - 1
		s := sp
		for s > 0 && (isWordByte(text[s-1]) || text[s-1] == '-') {
			s--
		}
		if s == sp {
			continue
		}
		r, _ := utf8.DecodeRuneInString(text[s:])
		if !unicode.IsUpper(r) || isStopCap(text[s:sp]) {
			continue
		}
		out = append(out, mention{Span: Span{s, c.End}, kind: kGroup, ref: -1, name: text[s:c.End]})
	}
	return out
}

// isStopCap reports whether a capitalised word is a function word or a word
// that starts sentences, not part of a name.
func isStopCap(w string) bool {
	switch w {
	case "The", "A", "An", "This", "That", "These", "Those", "Its", "Their", "His", "Her", "Our", "And", "Or",
		"But", "In", "On", "At", "Of", "For", "With", "By", "From", "To", "As", "If", "When", "While", "After",
		"Before", "Since", "Because", "Although", "However", "Also", "Both", "Each", "Every", "Some", "Many",
		"Most", "Other", "Another", "Such", "No", "Not", "All", "Any", "It", "They", "We", "He", "She", "I",
		"You", "According", "Unlike", "Like", "Among", "Between", "During", "Under", "Over", "Into", "Then",
		"There", "Here", "What", "Which", "Who", "Why", "How", "Where", "Last", "Next", "New", "First",
		"Chinese", "Russian", "Iranian", "North", "South", "Japanese", "American", "British", "Teddy", "Polar",
		"Brown", "Black", "White", "Great", "Big", "Little", "Giant", "Red", "Stuffed", "Grizzly", "Wall":
		return true
	}
	return false
}

// introducers are phrases after which a text names a group.
var introducers = []string{
	"known as ", "dubbed ", "tracked as ", "tracks as ", "called ", "calling itself ", "calls itself ",
	"referred to as ", "named ", "a.k.a. ", "aka ", "identified as ", "designated ", "codenamed ",
	"code-named ", "nicknamed ", "labeled ", "labelled ", "we call ", "we have called ", "we refer to as ",
}

// introducedNames finds names that follow an introducer cue: "a group
// known as Tick", "hackers dubbed \"Volt Typhoon\"". Each result's name is
// the name as written, without quotes; callers decide whether it is a group.
func introducedNames(text string, s Span, cues []mention) []mention {
	var out []mention
	seg := text[s.Start:s.End]
	for _, c := range cues {
		if c.kind != kIntro {
			continue
		}
		off := c.End - s.Start
		for _, nm := range readNames(seg, off) {
			out = append(out, mention{Span: Span{s.Start + nm.Start, s.Start + nm.End}, kind: kGroup, ref: -1, name: seg[nm.Start:nm.End]})
		}
	}
	return out
}

// readNames reads a name, or a list of names ("X, Y and Z"), that starts at
// seg[i]: quoted text, or a run of capitalised or code-like words.
func readNames(seg string, i int) []Span {
	var out []Span
	for k := 0; k < 6 && i < len(seg); k++ {
		for i < len(seg) && seg[i] == ' ' {
			i++
		}
		if i >= len(seg) {
			break
		}
		var sp Span
		if seg[i] == '"' || seg[i] == '\'' {
			q := seg[i]
			j := strings.IndexByte(seg[i+1:], q)
			if j <= 0 || j > 60 {
				break
			}
			sp = Span{i + 1, i + 1 + j}
			// Trailing punctuation inside the quotes: "Tick,"
			for sp.End > sp.Start && strings.IndexByte(",.;:", seg[sp.End-1]) >= 0 {
				sp.End--
			}
			i = i + 2 + j
		} else {
			j := i
			words := 0
			for j < len(seg) && words < 4 {
				w := j
				for w < len(seg) && (isWordByte(seg[w]) || seg[w] == '.' && w+1 < len(seg) && isWordByte(seg[w+1]) || seg[w] == '-' && w+1 < len(seg) && isWordByte(seg[w+1])) {
					w++
				}
				if w == j {
					break
				}
				word := seg[j:w]
				r, _ := utf8.DecodeRuneInString(word)
				if !(unicode.IsUpper(r) || unicode.IsDigit(r)) || (words > 0 && isStopCap(word)) {
					break
				}
				if words == 0 && isStopCap(word) {
					break
				}
				words++
				sp = Span{i, w}
				if w < len(seg) && seg[w] == ' ' {
					j = w + 1
				} else {
					j = w
					break
				}
			}
			if words == 0 {
				break
			}
			i = sp.End
		}
		if sp.End > sp.Start {
			out = append(out, sp)
		}
		// A list goes on after ", " / " and " / " or " / ", or ".
		rest := seg[i:]
		switch {
		case strings.HasPrefix(rest, ", and "):
			i += 6
		case strings.HasPrefix(rest, ", or "):
			i += 5
		case strings.HasPrefix(rest, " and "):
			i += 5
		case strings.HasPrefix(rest, " or "):
			i += 4
		case strings.HasPrefix(rest, ", "):
			i += 2
		case strings.HasPrefix(rest, "/"):
			i++
		default:
			return out
		}
	}
	return out
}

// colourPrefixes start Secureworks' group names ("BRONZE BUTLER", "IRON
// TWILIGHT"); "Earth" starts Trend Micro's ("Earth Lusca").
var colourPrefixes = []string{"BRONZE ", "GOLD ", "IRON ", "TIN ", "COBALT ", "NICKEL ", "ZINC ", "COPPER ", "PLATINUM ", "ALUMINUM ", "Earth "}

// colourName reads a name of those two shapes, which the reference data may
// not know yet, whose prefix p starts at s, or returns false.
func colourName(text, p string, s int) (mention, bool) {
	off := s + len(p)
	j := off
	for j < len(text) && (text[j] >= 'A' && text[j] <= 'Z' || p == "Earth " && j > off && text[j] >= 'a' && text[j] <= 'z') {
		j++
	}
	// Secureworks names are all capitals, Trend Micro's capitalised.
	if j-off < 3 || j < len(text) && isWordByte(text[j]) {
		return mention{}, false
	}
	if p != "Earth " && strings.ToUpper(text[off:j]) != text[off:j] {
		return mention{}, false
	}
	return mention{Span: Span{s, j}, kind: kGroup, ref: -1, name: text[s:j]}, true
}
