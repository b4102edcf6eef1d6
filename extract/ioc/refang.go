package ioc

import "strings"

// Refang undoes the usual defanging of indicators: "[.]", "(.)", "{.}",
// "[dot]", "(dot)", "\." become ".", "[at]", "(at)", "[@]" become "@", "[:]"
// becomes ":", "[://]" becomes "://", "[/]" becomes "/", and the schemes
// hxxp, hxxps, hXXp, fxp … become http, https, ftp. A bracketed form is
// refanged only between characters that can belong to an indicator, so
// ordinary parentheses are left alone.
func Refang(s string) string {
	r := refang(s)
	t := r.text
	if !strings.Contains(t, "://") {
		return t
	}
	var b strings.Builder
	last := 0
	for i := 0; ; {
		k := strings.Index(t[i:], "://")
		if k < 0 {
			break
		}
		k += i
		w := k
		for w > 0 && cls[t[w-1]]&cAlpha != 0 {
			w--
		}
		if sch, ok := schemeOf(t[w:k]); ok && t[w:k] != sch {
			b.WriteString(t[last:w])
			b.WriteString(sch)
			last = k
		}
		i = k + 3
	}
	if last == 0 {
		return t
	}
	b.WriteString(t[last:])
	return b.String()
}

// edit records one refanged span: the n bytes at pos in the refanged text
// replaced a longer defanged form; shift is the total number of bytes removed
// up to and including this edit.
type edit struct {
	pos, n, shift int
}

// refanged is a text with its bracketed defangs undone and the map back to
// the original offsets.
type refanged struct {
	text  string
	edits []edit
	k     int // a cursor into edits: scans ask about nearly increasing offsets
}

// seek returns the number of edits whose replacement starts before x.
func (r *refanged) seek(x int) int {
	k := r.k
	for k < len(r.edits) && r.edits[k].pos < x {
		k++
	}
	for k > 0 && r.edits[k-1].pos >= x {
		k--
	}
	r.k = k
	return k
}

// orig maps an offset in the refanged text to the original text.
func (r *refanged) orig(x int) int {
	if len(r.edits) == 0 {
		return x
	}
	k := r.seek(x)
	if k == 0 {
		return x
	}
	e := r.edits[k-1]
	if x >= e.pos+e.n {
		return x + e.shift
	}
	// Inside a replacement: map to its start in the original.
	prev := 0
	if k >= 2 {
		prev = r.edits[k-2].shift
	}
	return e.pos + prev
}

// defanged reports whether the refanged span [start, end) holds an undone defang.
func (r *refanged) defanged(start, end int) bool {
	if len(r.edits) == 0 {
		return false
	}
	k := r.seek(start)
	return k < len(r.edits) && r.edits[k].pos < end
}

// refang undoes bracketed defangs, keeping the offset map. Text without any
// '[', '(', '{' or '\\' is returned as it is, without copying.
func refang(s string) refanged {
	tr := newTriggers(s)
	i := tr.from(0)
	if i < 0 {
		return refanged{text: s}
	}
	var (
		b     strings.Builder
		edits []edit
		last  int
		shift int
	)
	for i >= 0 {
		start, end, rep := defangAt(s, i)
		if rep == "" {
			i = tr.from(i + 1)
			continue
		}
		if edits == nil {
			b.Grow(len(s))
		}
		b.WriteString(s[last:start])
		pos := b.Len()
		b.WriteString(rep)
		shift += end - start - len(rep)
		edits = append(edits, edit{pos: pos, n: len(rep), shift: shift})
		last = end
		i = tr.from(end)
	}
	if edits == nil {
		return refanged{text: s}
	}
	b.WriteString(s[last:])
	return refanged{text: b.String(), edits: edits}
}

// triggers finds the bytes that may open a defanged form: '[', '(', '{' and
// '\\'. It keeps the next position of each, found with IndexByte, so that
// the text is searched once per byte value however many triggers there are.
type triggers struct {
	s    string
	next [4]int // per byte: its next index, or len(s) when there is none
}

var triggerBytes = [4]byte{'[', '(', '{', '\\'}

func newTriggers(s string) *triggers {
	tr := &triggers{s: s}
	for k := range tr.next {
		tr.next[k] = -1
	}
	return tr
}

// from returns the index of the first trigger at or after i, or -1.
func (tr *triggers) from(i int) int {
	best := len(tr.s)
	for k, c := range triggerBytes {
		if tr.next[k] < i {
			tr.next[k] = len(tr.s)
			if i < len(tr.s) {
				if j := strings.IndexByte(tr.s[i:], c); j >= 0 {
					tr.next[k] = i + j
				}
			}
		}
		best = min(best, tr.next[k])
	}
	if best == len(tr.s) {
		return -1
	}
	return best
}

// defangForms maps the inside of a bracket pair to what it stands for.
var defangForms = map[string]string{
	".": ".", "dot": ".",
	"@": "@", "at": "@",
	":": ":", "://": "://", "/": "/", "//": "//",
}

// defangAt reads a defanged form starting at the bracket or backslash at p. It
// returns the span it covers in s and its replacement, or "" when the bytes at
// p are not a defang.
func defangAt(s string, p int) (start, end int, rep string) {
	c := s[p]
	if c == '\\' {
		if p > 0 && p+2 < len(s) && s[p+1] == '.' && cls[s[p-1]]&cAlnum != 0 && cls[s[p+2]]&cAlnum != 0 {
			return p, p + 2, "."
		}
		return 0, 0, ""
	}
	var closer byte
	switch c {
	case '[':
		closer = ']'
	case '(':
		closer = ')'
	case '{':
		closer = '}'
	}
	q := -1
	for k := p + 1; k < len(s) && k <= p+6; k++ {
		if s[k] == closer {
			q = k
			break
		}
	}
	if q < 0 {
		return 0, 0, ""
	}
	inner := strings.TrimSpace(s[p+1 : q])
	var buf [5]byte
	if len(inner) == 0 || len(inner) > len(buf) {
		return 0, 0, ""
	}
	for k := 0; k < len(inner); k++ {
		buf[k] = lower(inner[k])
	}
	rep, ok := defangForms[string(buf[:len(inner)])]
	if !ok {
		return 0, 0, ""
	}
	start, end = p, q+1
	switch rep {
	case ".", "@":
		// "example [.] com", "john [at] example [dot] com": square brackets may
		// stand apart by one space on each side.
		if c == '[' {
			if start >= 2 && s[start-1] == ' ' && cls[s[start-2]]&cLabel != 0 {
				start--
			}
			if end+1 < len(s) && s[end] == ' ' && cls[s[end+1]]&cLabel != 0 {
				end++
			}
		}
		if start == 0 || cls[s[start-1]]&cLabel == 0 || end >= len(s) || cls[s[end]]&cLabel == 0 {
			return 0, 0, ""
		}
	case "://", ":":
		if start == 0 || cls[s[start-1]]&cAlnum == 0 || end >= len(s) || cls[s[end]]&cSpace != 0 {
			return 0, 0, ""
		}
	default: // "/", "//"
		if start == 0 || cls[s[start-1]]&cSpace != 0 || end >= len(s) || cls[s[end]]&cSpace != 0 {
			return 0, 0, ""
		}
	}
	return start, end, rep
}
