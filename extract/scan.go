package extract

import (
	"iter"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aptgraph/aptgraph/internal/swar"
)

// mention is a span of the text that names something or carries a cue.
type mention struct {
	Span
	kind kind
	ref  int32
	e    *entry // the dictionary entry, nil for pattern finds
	name string // the name as found (pattern finds) or as written
}

// isWordByte reports whether c is an ASCII letter or digit or a byte of a
// non-ASCII character. It reads a table: the comparisons it stands for are
// hard to predict in prose, and the dictionary scan asks for every byte.
func isWordByte(c byte) bool { return wordBytes[c] }

var wordBytes = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
	}
	return t
}()

// asciiAlnum marks the ASCII letters and digits: the words of a text are
// mostly ASCII, and a table is cheaper than decoding and asking unicode.
var asciiAlnum = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

// boundaryOK reports whether text[s:e] stands as whole words.
func boundaryOK(text string, s, e int) bool {
	if s > 0 && isWordByte(text[s]) && isWordByte(text[s-1]) {
		if text[s-1] < 0x80 || !isLetterBefore(text, s) {
			if text[s-1] < 0x80 {
				return false
			}
		}
	}
	if e < len(text) && isWordByte(text[e-1]) && isWordByte(text[e]) {
		if text[e] < 0x80 {
			return false
		}
		r, _ := utf8.DecodeRuneInString(text[e:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func isLetterBefore(text string, s int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:s])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// caseOK checks a match against its entry's case mode.
func caseOK(text string, s, e int, en *entry) bool {
	switch en.caseMode {
	case 1:
		c := text[s]
		return c >= 'A' && c <= 'Z' || c >= 0x80 || c >= '0' && c <= '9'
	case 2:
		return text[s:e] == en.form
	}
	return true
}

// scan runs the dictionary over the text and returns the entity mentions
// (longest leftmost, no overlaps) and the cue mentions (all), both in order.
func (d *dictionary) scan(text string) (entities, cues []mention) {
	type raw struct {
		Span
		pat int
	}
	ents := make([]raw, 0, len(text)/64)
	cues = make([]mention, 0, len(text)/64)
	d.m.findAtWordStarts(text, func(m acMatch) {
		if !boundaryOK(text, m.Start, m.End) {
			return
		}
		es := d.entries[m.Pattern]
		isEnt := false
		for i := range es {
			en := &es[i]
			if !caseOK(text, m.Start, m.End, en) {
				continue
			}
			if en.kind.isCue() {
				cues = append(cues, mention{Span: Span{m.Start, m.End}, kind: en.kind, ref: en.ref, e: en})
			} else {
				isEnt = true
			}
		}
		if isEnt {
			ents = append(ents, raw{Span{m.Start, m.End}, m.Pattern})
		}
	})
	// The walk reports by start, then by end: longest first wants the ends
	// of each start turned round.
	byStartLongest := func(x, y raw) int { return cmpSpan(x.Span, y.Span, true) }
	if !slices.IsSortedFunc(ents, byStartLongest) {
		slices.SortFunc(ents, byStartLongest)
	}
	entities = make([]mention, 0, len(ents))
	end := -1
	for _, r := range ents {
		if r.Start < end {
			continue
		}
		for i := range d.entries[r.pat] {
			en := &d.entries[r.pat][i]
			if en.kind.isCue() || !caseOK(text, r.Start, r.End, en) {
				continue
			}
			entities = append(entities, mention{Span: r.Span, kind: en.kind, ref: en.ref, e: en, name: text[r.Start:r.End]})
		}
		end = r.End
	}
	// Already in this order from the walk; kept as a guarantee.
	byStart := func(x, y mention) int { return cmpSpan(x.Span, y.Span, false) }
	if !slices.IsSortedFunc(cues, byStart) {
		slices.SortStableFunc(cues, byStart)
	}
	return entities, cues
}

// cmpSpan orders spans by start, then by end: the longest first if asked.
func cmpSpan(x, y Span, longestFirst bool) int {
	switch {
	case x.Start != y.Start:
		return x.Start - y.Start
	case longestFirst:
		return y.End - x.End
	}
	return x.End - y.End
}

// token is a word or punctuation mark of a sentence.
type token struct {
	Span
	text string
}

func (t token) isCap() bool {
	if t.text == "" {
		return false
	}
	if c := t.text[0]; c < utf8.RuneSelf {
		return c >= 'A' && c <= 'Z'
	}
	r, _ := utf8.DecodeRuneInString(t.text)
	return unicode.IsUpper(r)
}

func (t token) isWord() bool {
	if t.text == "" {
		return false
	}
	if c := t.text[0]; c < utf8.RuneSelf {
		return asciiAlnum[c]
	}
	return isAlnumRune(t.text)
}

func (t token) isAllCaps() bool {
	letters := 0
	for i := 0; i < len(t.text); i++ {
		c := t.text[i]
		if c >= utf8.RuneSelf {
			return isAllCapsRunes(t.text)
		}
		if c >= 'a' && c <= 'z' {
			return false
		}
		if c >= 'A' && c <= 'Z' {
			letters++
		}
	}
	return letters >= 2
}

func isAllCapsRunes(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if !unicode.IsUpper(r) {
				return false
			}
		}
	}
	return letters >= 2
}

// tokenize splits text[s.Start:s.End] into words and punctuation. A word may
// hold inner periods, hyphens, apostrophes and ampersands ("U.S.", "state-
// sponsored", "AT&T"); a trailing "'s" is its own token.
func tokenize(text string, s Span, buf []token) []token {
	buf = buf[:0]
	i := s.Start
	for i < s.End {
		c := text[i]
		if c == ' ' || c == '\n' {
			i++
			continue
		}
		n, word := 1, c < utf8.RuneSelf && asciiAlnum[c]
		if c >= utf8.RuneSelf {
			var r rune
			r, n = utf8.DecodeRuneInString(text[i:])
			word = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if !word {
			buf = append(buf, token{Span{i, i + n}, text[i : i+n]})
			i += n
			continue
		}
		j := i + n
		for j < s.End {
			// Past the ASCII letters and digits; text[j] is none of them.
			if j = swar.AlnumEnd(text[:s.End], j); j == s.End {
				break
			}
			c := text[j]
			if c >= utf8.RuneSelf {
				r, n := utf8.DecodeRuneInString(text[j:])
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					j += n
					continue
				}
				break // none of the joiners below is beyond ASCII
			}
			if (c == '.' || c == '-' || c == '&') && j+1 < s.End {
				if c2 := text[j+1]; c2 < utf8.RuneSelf && asciiAlnum[c2] || c2 >= utf8.RuneSelf && isAlnumRune(text[j+1:]) {
					j++
					continue
				}
			}
			if c == '\'' && j+1 < s.End && !(text[j+1] == 's' && (j+2 >= s.End || !isWordByte(text[j+2]))) {
				r2, _ := utf8.DecodeRuneInString(text[j+1:])
				if unicode.IsLetter(r2) {
					j++
					continue
				}
			}
			break
		}
		// An initial keeps its period: "John C. Demers".
		if j-i == 1 && j < s.End && text[j] == '.' && text[i] >= 'A' && text[i] <= 'Z' && j+2 < s.End && text[j+1] == ' ' && text[j+2] >= 'A' && text[j+2] <= 'Z' {
			buf = append(buf, token{Span{i, j + 1}, text[i : j+1]})
			i = j + 1
			continue
		}
		// "U.S." keeps its final period when the word is a dotted acronym.
		if j < s.End && text[j] == '.' && strings.Count(text[i:j], ".") >= 1 && j-i <= 6 {
			j++
		}
		buf = append(buf, token{Span{i, j}, text[i:j]})
		i = j
	}
	return buf
}

// indexes yields the start of every occurrence of sub in s, each search
// going on after the end of the one before.
func indexes(s, sub string) iter.Seq[int] {
	return func(yield func(int) bool) {
		for off := 0; ; {
			i := index(s[off:], sub)
			if i < 0 {
				return
			}
			if !yield(off + i) {
				return
			}
			off += i + len(sub)
		}
	}
}

// index is strings.Index, faster for a sub that starts with a space, as
// phrase searches do: it looks for the rest, whose first byte is rarer than
// a space, and checks the space before.
func index(s, sub string) int {
	if len(sub) < 2 || sub[0] != ' ' {
		return strings.Index(s, sub)
	}
	rest := sub[1:]
	for off := 1; off < len(s); {
		i := strings.Index(s[off:], rest)
		if i < 0 {
			return -1
		}
		if s[off+i-1] == ' ' {
			return off + i - 1
		}
		off += i + 1
	}
	return -1
}

// isAlnumRune reports whether s starts with a letter or digit.
func isAlnumRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
