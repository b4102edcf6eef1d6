package source

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/aptgraph/aptgraph"
	"golang.org/x/text/encoding/charmap"
)

// kind is a format as sniffed from content.
type kind int

const (
	kindText kind = iota
	kindEmpty
	kindBinary
	kindHTML
	kindPDF
	kindFeed
	kindXML // XML that is none of the formats we read
)

// sniffLen is how much of the start of a document sniffing looks at; enough
// for a long XML prolog or DOCTYPE, small enough to cost nothing.
const sniffLen = 8 << 10

// sniff decides the format of data from its bytes first. contentType and
// name (for its extension) only break ties: a page served as text/plain or
// saved as .txt is still HTML if it starts like HTML. data must already be
// free of a UTF-16 byte order mark (see fromUTF16).
func sniff(data []byte, contentType, name string) kind {
	if isPDF(data) {
		return kindPDF
	}
	t := trimLeft(data)
	if len(t) == 0 {
		return kindEmpty
	}
	if isBinary(t[:min(len(t), sniffLen)]) {
		return kindBinary
	}
	hint := hintKind(contentType, name)
	if t[0] == '<' {
		root, doctype := firstElement(t[:min(len(t), sniffLen)])
		switch {
		case root == "rss" || root == "feed" || root == "rdf:rdf":
			return kindFeed
		case root == "html" || strings.HasPrefix(doctype, "html"):
			return kindHTML
		case htmlElements[root]:
			// An XML prolog before <div> is still XHTML; a fragment
			// without <html> is still HTML.
			return kindHTML
		case hint == kindHTML:
			return kindHTML
		case bytes.HasPrefix(t, []byte("<?xml")) && root != "":
			return kindXML
		}
	}
	if hint == kindHTML && bytes.IndexByte(t[:min(len(t), sniffLen)], '<') >= 0 {
		// Served or saved as HTML and has markup, though it does not
		// start with it (a fragment that opens with text).
		return kindHTML
	}
	return kindText
}

// hintKind is the format that a Content-Type, or failing that a file
// extension, claims.
func hintKind(contentType, name string) kind {
	mt, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	switch strings.TrimSpace(mt) {
	case "text/html", "application/xhtml+xml":
		return kindHTML
	case "":
	default:
		return kindText
	}
	switch extension(name) {
	case ".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp":
		return kindHTML
	}
	return kindText
}

// htmlElements are elements that open HTML fragments and pages without an
// <html> element, beyond the ones in the WHATWG sniffing rules.
var htmlElements = map[string]bool{
	"head": true, "body": true, "title": true, "meta": true, "link": true,
	"script": true, "style": true, "iframe": true, "div": true, "p": true,
	"span": true, "a": true, "b": true, "i": true, "br": true, "font": true,
	"table": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true,
	"h6": true, "article": true, "section": true, "main": true, "header": true,
	"nav": true, "ul": true, "ol": true, "img": true, "form": true, "pre": true,
	"blockquote": true,
}

// isPDF reports whether data starts with the PDF header. Readers accept the
// header within the first 1024 bytes, but so that a text about PDFs is not
// taken for one, only after bytes that are not text themselves.
func isPDF(data []byte) bool {
	head := data[:min(len(data), 1024)]
	i := bytes.Index(head, []byte("%PDF-"))
	switch {
	case i < 0:
		return false
	case i == 0:
		return true
	}
	return len(bytes.TrimSpace(head[:i])) == 0 || isBinary(head[:i])
}

// trimLeft drops a UTF-8 byte order mark and leading white space.
func trimLeft(data []byte) []byte {
	data = bytes.TrimPrefix(data, utf8BOM)
	return bytes.TrimLeft(data, " \t\r\n\f\v")
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// isBinary reports whether sample looks like bytes that are not text: any NUL
// (no text encoding we read without a BOM has them), or more than 2% other
// control characters. Tab, newlines, form feed and ESC (terminal colours in
// logs) count as text.
func isBinary(sample []byte) bool {
	ctl := 0
	for _, c := range sample {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b, c == 0x7f:
			ctl++
		}
	}
	return ctl*50 > len(sample)
}

// firstElement returns the lower-case name of the first element in markup,
// skipping an XML declaration, processing instructions, comments and a
// DOCTYPE, whose first word it returns too. It reads no further than the
// sample it is given.
func firstElement(b []byte) (root, doctype string) {
	for {
		b = bytes.TrimLeft(b, " \t\r\n\f")
		switch {
		case len(b) < 2 || b[0] != '<':
			return "", doctype
		case bytes.HasPrefix(b, []byte("<?")):
			i := bytes.Index(b, []byte("?>"))
			if i < 0 {
				return "", doctype
			}
			b = b[i+2:]
		case bytes.HasPrefix(b, []byte("<!--")):
			i := bytes.Index(b[4:], []byte("-->"))
			if i < 0 {
				return "", doctype
			}
			b = b[4+i+3:]
		case b[1] == '!':
			i := bytes.IndexByte(b, '>')
			if i < 0 {
				return "", doctype
			}
			decl := strings.Fields(strings.ToLower(string(b[2:i])))
			if len(decl) >= 2 && decl[0] == "doctype" {
				doctype = decl[1]
			}
			b = b[i+1:]
		default:
			end := 1
			for end < len(b) && end < 64 && !isSpaceOrEnd(b[end]) {
				end++
			}
			return strings.ToLower(string(b[1:end])), doctype
		}
	}
}

func isSpaceOrEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '>' || c == '/'
}

// fromUTF16 decodes data to UTF-8 when it starts with a UTF-16 byte order
// mark, the one way we trust to tell UTF-16, and returns it unchanged
// otherwise. Unpaired surrogates and an odd last byte become U+FFFD.
func fromUTF16(data []byte) []byte {
	var order func([]byte) uint16
	switch {
	case len(data) >= 2 && data[0] == 0xFF && data[1] == 0xFE:
		order = func(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
	case len(data) >= 2 && data[0] == 0xFE && data[1] == 0xFF:
		order = func(b []byte) uint16 { return uint16(b[1]) | uint16(b[0])<<8 }
	default:
		return data
	}
	data = data[2:]
	out := make([]byte, 0, len(data)+len(data)/2)
	for len(data) >= 2 {
		u := order(data)
		data = data[2:]
		r := rune(u)
		if utf16.IsSurrogate(r) {
			r = unicode.ReplacementChar
			if len(data) >= 2 {
				if d := utf16.DecodeRune(rune(u), rune(order(data))); d != unicode.ReplacementChar {
					r = d
					data = data[2:]
				}
			}
		}
		out = utf8.AppendRune(out, r)
	}
	if len(data) == 1 {
		out = utf8.AppendRune(out, unicode.ReplacementChar)
	}
	return out
}

// toValidUTF8 repairs text that is not valid UTF-8. Text with more valid
// multi-byte sequences than invalid bytes is taken for UTF-8 with some damage,
// and each invalid run becomes U+FFFD; otherwise it is taken for a legacy
// 8-bit file and decoded as Windows-1252, the superset of Latin-1 that such
// files almost always are, so that "café" survives instead of becoming "caf�".
func toValidUTF8(data []byte) []byte {
	if utf8.Valid(data) {
		return data
	}
	valid, invalid := 0, 0
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			invalid++
		} else {
			valid++
		}
		i += n
	}
	if valid > invalid {
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil { // cannot happen: every byte has a mapping
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	return out
}

// normalizeNewlines turns CRLF and lone CR into LF, and a form feed (a page
// break in pdftotext output) into LF, in place, so that paragraphs are
// always separated by "\n\n". It returns the shortened slice.
func normalizeNewlines(data []byte) []byte {
	if bytes.IndexByte(data, '\r') < 0 && bytes.IndexByte(data, '\f') < 0 {
		return data
	}
	w := 0
	for r := 0; r < len(data); r++ {
		c := data[r]
		switch c {
		case '\r':
			if r+1 < len(data) && data[r+1] == '\n' {
				continue // the LF that follows is written next
			}
			c = '\n'
		case '\f':
			c = '\n'
		}
		data[w] = c
		w++
	}
	return data[:w]
}

// decodeText makes text out of data that sniffed as text. It may modify data
// in place, which callers own.
func decodeText(data []byte) string {
	data = bytes.TrimPrefix(data, utf8BOM)
	data = toValidUTF8(data)
	data = normalizeNewlines(data)
	return string(data)
}

// parseText reads a plain-text document.
func parseText(data []byte) (*aptgraph.Document, error) {
	text := strings.TrimSpace(decodeText(data))
	if text == "" {
		return nil, errEmpty
	}
	return &aptgraph.Document{Text: text, MediaType: MediaText}, nil
}

// firstLine returns the first non-blank line of text, shortened to a title's
// length, as the title of a document that has none of its own.
func firstLine(text string) string {
	for line := range strings.Lines(text) {
		line = strings.Join(strings.Fields(line), " ")
		if line != "" {
			return shorten(line, 120)
		}
	}
	return ""
}

// shorten cuts s to at most n runes, at a word boundary when there is one.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:-") + "…"
}
