package extract

import (
	"strings"

	"github.com/aptgraph/aptgraph/internal/swar"
)

// Span is a half-open byte range [Start, End) of the normalised text.
type Span struct{ Start, End int }

// maxSentence is the longest span treated as one sentence, in bytes.
const maxSentence = 2000

// sentence is one sentence of the text, with the paragraph it belongs to.
type sentence struct {
	Span
	Para int
}

// abbreviations that end in a period without ending a sentence (lower case,
// without the final period).
var abbreviations = map[string]bool{
	"u.s": true, "u.k": true, "u.n": true, "e.u": true, "mr": true, "mrs": true, "ms": true, "dr": true,
	"prof": true, "st": true, "jr": true, "sr": true, "inc": true, "corp": true, "co": true, "ltd": true,
	"dept": true, "gov": true, "gen": true, "col": true, "lt": true, "sgt": true, "capt": true, "adm": true,
	"no": true, "vs": true, "etc": true, "e.g": true, "i.e": true, "jan": true, "feb": true, "mar": true,
	"apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true,
	"dec": true, "a.m": true, "p.m": true, "fig": true, "approx": true, "rep": true, "sen": true,
	"gov't": true, "rev": true, "est": true, "cf": true, "al": true, "ft": true, "mt": true, "ave": true,
	"d.c": true, "p.r.c": true, "s.a": true, "n.v": true, "ag": true, "llc": true, "plc": true,
}

// splitSentences splits text into sentences. Paragraphs are separated by a
// blank line; a single line break ends a sentence when the line looks
// finished (ends in punctuation, or is short like a heading or list item).
func splitSentences(text string) []sentence {
	out := make([]sentence, 0, len(text)/128) // prose runs to a sentence every 100-odd bytes
	para := 0
	start := -1
	emit := func(end int) {
		if start < 0 {
			return
		}
		s, e := start, end
		for s < e && (text[s] == ' ' || text[s] == '\n') {
			s++
		}
		for e > s && (text[e-1] == ' ' || text[e-1] == '\n') {
			e--
		}
		// A "sentence" longer than any real one (a table, a list without
		// stops) is cut at spaces, so that work per sentence stays bounded.
		for e-s > maxSentence {
			cut := strings.LastIndexByte(text[s:s+maxSentence], ' ')
			if cut <= 0 {
				cut = maxSentence
			}
			out = append(out, sentence{Span{s, s + cut}, para})
			s += cut
			for s < e && text[s] == ' ' {
				s++
			}
		}
		if e > s {
			out = append(out, sentence{Span{s, e}, para})
		}
		start = -1
	}
	lineStart := 0
	for i := 0; i < len(text); i++ {
		// Inside a sentence only line breaks and stops matter: skip to one.
		if start >= 0 {
			for i+8 <= len(text) {
				x := swar.Load(text, i)
				k := swar.Index(swar.Eq(x, '\n') | swar.Eq(x, '.') | swar.Eq(x, '!') | swar.Eq(x, '?'))
				if i += k; k < 8 {
					break
				}
			}
			for i < len(text) && !sentenceBytes[text[i]] {
				i++
			}
			if i == len(text) {
				break
			}
		}
		c := text[i]
		if start < 0 && c != ' ' && c != '\n' {
			start = i
		}
		switch c {
		case '\n':
			if i+1 < len(text) && text[i+1] == '\n' {
				emit(i)
				para++
				i++
				lineStart = i + 1
				continue
			}
			if lineEnds(text, lineStart, i) {
				emit(i)
			}
			lineStart = i + 1
		case '.', '!', '?':
			j := i + 1
			for j < len(text) && (text[j] == '"' || text[j] == '\'' || text[j] == ')' || text[j] == ']' || text[j] == '.' || text[j] == '!' || text[j] == '?') {
				j++
			}
			if j < len(text) && text[j] != ' ' && text[j] != '\n' {
				continue // 1.5, example.com, U.S.-China
			}
			if c == '.' && isAbbreviation(text, i) {
				continue
			}
			k := j
			for k < len(text) && text[k] == ' ' {
				k++
			}
			if k < len(text) && text[k] != '\n' && !startsSentence(text[k]) {
				continue
			}
			emit(j)
			i = j - 1
		}
	}
	emit(len(text))
	return out
}

// sentenceBytes are the bytes that may end a sentence.
var sentenceBytes = [256]bool{'\n': true, '.': true, '!': true, '?': true}

// lineEnds reports whether the line text[from:to] is complete on its own.
func lineEnds(text string, from, to int) bool {
	line := strings.TrimSpace(text[from:to])
	if line == "" {
		return true
	}
	if len(line) < 70 {
		return true
	}
	switch line[len(line)-1] {
	case '.', '!', '?', ':', ';', '"', '\'', ')':
		return true
	}
	// The next line starts a list item.
	if to+1 < len(text) {
		if text[to+1] == '-' || text[to+1] == '*' || strings.HasPrefix(text[to+1:], "•") {
			return true
		}
	}
	return false
}

func startsSentence(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '"' || c == '\'' || c == '(' || c == '[' || c >= 0x80 || c == '-' || c == '*'
}

// isAbbreviation reports whether the period at text[i] closes an abbreviation
// or an initial rather than a sentence.
func isAbbreviation(text string, i int) bool {
	j := i
	for j > 0 {
		c := text[j-1]
		if c == ' ' || c == '\n' || c == '(' || c == '"' {
			break
		}
		j--
	}
	w := text[j:i]
	if w == "" {
		return false
	}
	// A single capital letter: an initial, as in "John F. Kennedy".
	initial := i-j == 1 && text[j] >= 'A' && text[j] <= 'Z'
	var buf [16]byte
	if low, ok := appendLowerASCII(buf[:0], w); ok {
		return abbreviation(string(low), initial)
	}
	return abbreviation(strings.ToLower(w), initial)
}

// abbreviation reports whether word (in lower case) is an abbreviation, an
// initial, or a dotted acronym such as "u.s" or "d.p.r.k". The caller's
// buffer may back word: it is not kept.
func abbreviation(word string, initial bool) bool {
	if abbreviations[word] || initial {
		return true
	}
	if len(word) > 8 || strings.IndexByte(word, '.') < 0 {
		return false
	}
	// Every part between dots has at most two letters. (A loop, not
	// strings.SplitSeq, so that word does not escape and the caller's
	// conversion stays on the stack.)
	run := 0
	for i := 0; i < len(word); i++ {
		if word[i] == '.' {
			run = 0
		} else if run++; run > 2 {
			return false
		}
	}
	return true
}
