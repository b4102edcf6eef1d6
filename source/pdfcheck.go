package source

import (
	"bytes"
	"fmt"
	"strconv"
)

// checkPDFNumbers looks for the numbers that ledongthuc/pdf sizes memory by
// without a bound: the object numbers of cross-reference subsections
// ("xref" followed by "start count" pairs) and the /Size, /Index and /W
// entries of cross-reference streams. A damaged file with a subsection
// starting at object 10^12 makes the library allocate terabytes, which is a
// fatal error that no recover can catch. No real PDF numbers its objects
// beyond one per 8 bytes of file, so the bound costs nothing.
//
// The scan is over the raw bytes, a superset of what the library reads; it
// tokenizes as the library does (white space, comments, delimiters, #-escaped
// names) so that a crafted file cannot hide a number from it.
func checkPDFNumbers(data []byte) error {
	maxObj := int64(len(data)/8 + 4096)
	maxOffsetObj := int64(len(data)) + maxObj // "startxref N" also reads as "xref N"

	if err := checkPrevChain(data); err != nil {
		return err
	}
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("xref"))
		if j < 0 {
			break
		}
		at := i + j
		i = at + 4
		bound := maxObj
		if at >= 5 && string(data[at-5:at]) == "start" {
			bound = maxOffsetObj
		}
		if err := checkXrefTable(data, at+4, bound); err != nil {
			return err
		}
	}

	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '/')
		if j < 0 {
			return nil
		}
		l := pdfLexer{b: data, i: i + j}
		name := l.token()
		i = l.i
		switch name {
		case "/Size":
			if n, ok := l.int(); ok && (n < 0 || n > maxObj) {
				return fmt.Errorf("pdf: /Size %d", n)
			}
		case "/Index":
			if l.token() != "[" {
				continue
			}
			for k := 0; k < 1000; k++ {
				start, ok1 := l.int()
				n, ok2 := l.int()
				if !ok1 || !ok2 {
					break
				}
				if start < 0 || n < 0 || start > maxObj || n > maxObj-start {
					return fmt.Errorf("pdf: /Index %d %d", start, n)
				}
			}
		case "/W":
			if l.token() != "[" {
				continue
			}
			for k := 0; k < 3; k++ {
				// CID fonts' /W arrays hold widths in the thousands;
				// an xref stream's hold byte counts up to 8.
				if w, ok := l.int(); ok && (w < 0 || w > 1<<20) {
					return fmt.Errorf("pdf: /W entry %d", w)
				}
			}
		}
	}
}

// checkPrevChain follows the chain of cross-reference sections from the
// last startxref, found as the library finds it, through each section's
// /Prev, and fails if the chain comes back on itself: the library would
// follow it for ever. It gives up quietly where the file stops making
// sense, which the library then reports as damage of its own.
func checkPrevChain(data []byte) error {
	off, ok := startxref(data)
	seen := map[int64]bool{}
	for ok {
		if off < 0 || off >= int64(len(data)) {
			return nil
		}
		if seen[off] || len(seen) > 10000 {
			return fmt.Errorf("pdf: cross-reference sections loop at offset %d", off)
		}
		seen[off] = true
		l := pdfLexer{b: data, i: int(off)}
		if t := l.token(); t == "xref" {
			l.skipXrefTable()
			if l.token() != "trailer" {
				return nil
			}
		} else if _, err := strconv.ParseInt(t, 10, 64); err != nil {
			return nil
		} else if _, isInt := l.int(); !isInt || l.token() != "obj" {
			return nil
		}
		if l.token() != "<<" {
			return nil
		}
		off, ok = l.dictPrev()
	}
	return nil
}

// startxref finds the offset after the last "startxref" line in the last
// 100 bytes, as the library does.
func startxref(data []byte) (int64, bool) {
	tail := data[max(0, len(data)-100):]
	for end := len(tail); ; {
		i := bytes.LastIndex(tail[:end], []byte("startxref"))
		if i <= 0 || i+9 >= len(tail) {
			return 0, false
		}
		before, after := tail[i-1], tail[i+9]
		if (before == '\n' || before == '\r') && (after == '\n' || after == '\r') {
			l := pdfLexer{b: tail, i: i + 9}
			return l.int()
		}
		end = i
	}
}

// skipXrefTable moves past the subsections of a table, leaving the lexer
// before the token that ends it.
func (l *pdfLexer) skipXrefTable() {
	for {
		at := l.i
		_, ok1 := l.int()
		n, ok2 := l.int()
		if !ok1 || !ok2 || n < 0 {
			l.i = at
			return
		}
		for k := int64(0); k < n; k++ {
			l.token()
			l.token()
			if kw := l.token(); kw != "n" && kw != "f" {
				l.i = at
				return
			}
		}
	}
}

// dictPrev reads to the end of the dictionary just opened and returns its
// last /Prev integer.
func (l *pdfLexer) dictPrev() (prev int64, ok bool) {
	depth := 1
	for {
		switch l.token() {
		case "":
			return prev, ok
		case "<<", "[":
			depth++
		case ">>", "]":
			if depth--; depth == 0 {
				return prev, ok
			}
		case "/Prev":
			if depth == 1 {
				at := l.i
				if prev, ok = l.int(); !ok {
					l.i = at
				}
			}
		}
	}
}

// checkXrefTable checks the subsection headers of the table whose "xref"
// keyword ends at i, reading them as the library does.
func checkXrefTable(data []byte, i int, bound int64) error {
	l := pdfLexer{b: data, i: i}
	for sub := 0; sub < 100000; sub++ {
		start, ok1 := l.int()
		n, ok2 := l.int()
		if !ok1 || !ok2 {
			return nil
		}
		if start < 0 || n < 0 || start > bound || n > bound-start {
			return fmt.Errorf("pdf: xref subsection %d %d", start, n)
		}
		for k := int64(0); k < n; k++ {
			_, ok1 := l.int()
			_, ok2 := l.int()
			kw := l.token()
			if !ok1 || !ok2 || kw != "n" && kw != "f" {
				return nil
			}
		}
	}
	return nil
}

// pdfLexer reads PDF tokens the way ledongthuc/pdf does, far enough to find
// numbers: it skips white space and comments and decodes #xx in names.
type pdfLexer struct {
	b []byte
	i int
}

func pdfSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func pdfDelim(c byte) bool {
	switch c {
	case '<', '>', '(', ')', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// token returns the next token as text: a delimiter, a name with its slash
// and escapes decoded, or a run of regular characters; "" at the end.
func (l *pdfLexer) token() string {
	for l.i < len(l.b) {
		c := l.b[l.i]
		if pdfSpace(c) {
			l.i++
			continue
		}
		if c == '%' {
			for l.i < len(l.b) && l.b[l.i] != '\r' && l.b[l.i] != '\n' {
				l.i++
			}
			continue
		}
		break
	}
	if l.i >= len(l.b) {
		return ""
	}
	c := l.b[l.i]
	l.i++
	switch {
	case c == '/':
		name := []byte{'/'}
		for l.i < len(l.b) && !pdfDelim(l.b[l.i]) && !pdfSpace(l.b[l.i]) {
			c := l.b[l.i]
			l.i++
			if c == '#' && l.i+2 <= len(l.b) {
				if x, err := strconv.ParseUint(string(l.b[l.i:l.i+2]), 16, 8); err == nil {
					name = append(name, byte(x))
					l.i += 2
					continue
				}
			}
			name = append(name, c)
		}
		return string(name)
	case c == '(':
		l.skipString()
		return "("
	case c == '<' && (l.i >= len(l.b) || l.b[l.i] != '<'):
		// A hex string: skip it whole so that its digits are not read
		// as numbers.
		if j := bytes.IndexByte(l.b[l.i:], '>'); j >= 0 {
			l.i += j + 1
		} else {
			l.i = len(l.b)
		}
		return "<"
	case pdfDelim(c):
		if (c == '<' || c == '>') && l.i < len(l.b) && l.b[l.i] == c {
			l.i++
			return string([]byte{c, c})
		}
		return string(c)
	}
	start := l.i - 1
	for l.i < len(l.b) && !pdfDelim(l.b[l.i]) && !pdfSpace(l.b[l.i]) {
		l.i++
	}
	return string(l.b[start:l.i])
}

// skipString moves past a literal string whose "(" was just read: nested
// parentheses balance, and a backslash escapes the byte after it.
func (l *pdfLexer) skipString() {
	depth := 1
	for l.i < len(l.b) {
		c := l.b[l.i]
		l.i++
		switch c {
		case '\\':
			l.i++
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return
			}
		}
	}
}

// int reads the next token as an integer, as the library would.
func (l *pdfLexer) int() (int64, bool) {
	t := l.token()
	if t == "" || t[0] == '/' {
		return 0, false
	}
	n, err := strconv.ParseInt(t, 10, 64)
	return n, err == nil
}
