package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/aptgraph/aptgraph"
	"github.com/ledongthuc/pdf"
)

const msgDamagedPDF = "damaged or unreadable PDF"

var errNoTextPDF = aptgraph.Errorf(aptgraph.EINVALID, "PDF has no text layer (scanned?)")

// minPDFLetters is how many letters and digits a PDF needs to count as having
// a text layer. Scans often carry a few characters of real text, a page
// number or a stamp, that say nothing.
const minPDFLetters = 20

// maxPDFNodes bounds the walk of the page tree, which a damaged or hostile
// file can make cyclic.
const maxPDFNodes = 100000

// pdfTimeout bounds reading one PDF. A damaged file can send
// ledongthuc/pdf round a loop of cross-reference sections or object streams
// for ever; such a read is abandoned, its goroutine left to spin, rather
// than blocking the caller. A 1000-page report reads in a few seconds.
var pdfTimeout = 2 * time.Minute

// parsePDF reads the text layer of a PDF, one paragraph per block of lines
// and pages separated by blank lines.
func parsePDF(ctx context.Context, data []byte) (*aptgraph.Document, error) {
	if i := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-")); i > 0 {
		// Offsets in the file count from the header, not from junk
		// before it.
		data = data[i:]
	}
	if err := checkPDFNumbers(data); err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, msgDamagedPDF, err)
	}
	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel() // also stops an abandoned read at its next page
	type result struct {
		doc *aptgraph.Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		doc, err := readPDF(ctx, data)
		done <- result{doc, err}
	}()
	select {
	case r := <-done:
		return r.doc, r.err
	case <-ctx.Done():
		if ctx.Err() == context.DeadlineExceeded {
			return nil, aptgraph.WrapError(aptgraph.EINVALID, msgDamagedPDF, fmt.Errorf("pdf: no result after %v", pdfTimeout))
		}
		return nil, aptgraph.WrapError(aptgraph.EUNAVAILABLE, "reading was canceled", ctx.Err())
	}
}

// readPDF does the work of parsePDF. ledongthuc/pdf reports many errors by
// panicking; any panic means the file is damaged.
func readPDF(ctx context.Context, data []byte) (doc *aptgraph.Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, aptgraph.WrapError(aptgraph.EINVALID, msgDamagedPDF, fmt.Errorf("pdf: %v", r))
		}
	}()
	r, err := pdf.NewReader(newPDFBytes(data), int64(len(data)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) {
			return nil, aptgraph.WrapError(aptgraph.EUNSUPPORTED, "PDF is password-protected", err)
		}
		return nil, aptgraph.WrapError(aptgraph.EINVALID, msgDamagedPDF, err)
	}

	var pages []pdf.Value
	budget := maxPDFNodes
	collectPages(r.Trailer().Key("Root").Key("Pages"), 0, &budget, &pages)

	var (
		b      strings.Builder
		broken error // the first page that could not be read
		placer = &textPlacer{fonts: fontCache{}}
	)
	for _, p := range pages {
		if err := ctx.Err(); err != nil {
			return nil, aptgraph.WrapError(aptgraph.EUNAVAILABLE, "reading was canceled", err)
		}
		text, err := placer.pageText(pdf.Page{V: p})
		if err != nil && broken == nil {
			broken = err
		}
		if text == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(text)
	}
	text := strings.ToValidUTF8(b.String(), "\uFFFD")
	if countLetters(text, minPDFLetters) < minPDFLetters {
		if broken != nil || len(pages) == 0 {
			// Not a scan: the pages are there but cannot be read.
			return nil, aptgraph.WrapError(aptgraph.EINVALID, msgDamagedPDF, broken)
		}
		return nil, errNoTextPDF
	}

	doc = &aptgraph.Document{Text: text, MediaType: MediaPDF}
	info := r.Trailer().Key("Info")
	if t := strings.Join(strings.Fields(info.Key("Title").Text()), " "); usefulPDFTitle(t) {
		doc.Title = shorten(strings.ToValidUTF8(t, ""), 300)
	}
	for _, k := range []string{"CreationDate", "ModDate"} {
		if t, ok := parseDate(info.Key(k).Text()); ok {
			doc.Published = t
			break
		}
	}
	return doc, nil
}

// collectPages appends the leaves of the page tree under node to pages, in
// order. budget counts down the nodes visited so that a cycle ends.
func collectPages(node pdf.Value, depth int, budget *int, pages *[]pdf.Value) {
	if depth > 64 || *budget <= 0 || node.Kind() != pdf.Dict {
		return
	}
	*budget--
	kids := node.Key("Kids")
	if node.Key("Type").Name() == "Page" || kids.Kind() != pdf.Array {
		*pages = append(*pages, node)
		return
	}
	for i := 0; i < kids.Len() && *budget > 0; i++ {
		collectPages(kids.Index(i), depth+1, budget, pages)
	}
}

// pageText lays out the text of one page. It places each glyph by its
// position, which gives the spaces and line breaks that GetPlainText loses
// when a PDF positions words instead of writing space characters; when that
// fails on an odd content stream, GetPlainText is the fallback. The error
// says why the page could not be read at all.
func (tp *textPlacer) pageText(p pdf.Page) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, perr := p.GetPlainText(nil)
			if perr != nil {
				text, err = "", fmt.Errorf("page: %v", r)
				return
			}
			text = tidyLines(t)
		}
	}()
	return layout(tp.page(p)), nil
}

// layout joins positioned glyphs into lines and paragraphs. Glyphs come in
// content-stream order, which for nearly all producers is reading order;
// sorting by position would interleave the lines of multi-column pages.
func layout(glyphs []glyph) string {
	var (
		b       strings.Builder
		started bool
		prevY   float64 // baseline of the current line
		prevEnd float64 // where the last glyph ended
		size    float64 // font size of the current line
		leading float64 // distance between the last two lines of a paragraph
	)
	for _, g := range glyphs {
		if g.s == "" || !finite(g.x) || !finite(g.y) || !finite(g.end) {
			continue
		}
		gs := g.size
		if !finite(gs) || gs < 1 {
			gs = 1
		}
		if !started {
			started = true
			b.WriteString(g.s)
			prevY, prevEnd, size = g.y, g.end, gs
			continue
		}
		dy := prevY - g.y // positive going down the page
		switch {
		case math.Abs(dy) > 0.5*math.Max(size, gs):
			// A new line; a new paragraph when the gap is wider than
			// the lines before it, the text goes up (next column) or
			// the size changes (a heading).
			para := dy < 0 || dy > 2.2*size ||
				(leading > 0 && dy > 1.3*leading) ||
				math.Abs(gs-size) > 0.15*size
			if para {
				b.WriteString("\n\n")
				leading = 0
			} else {
				b.WriteByte('\n')
				leading = dy
			}
			size = gs
		case g.x-prevEnd > 0.2*gs || g.x-prevEnd < -3*gs:
			// A gap between words, or a jump back along the line.
			b.WriteByte(' ')
		}
		b.WriteString(g.s)
		prevY, prevEnd = g.y, g.end
	}
	return tidyLines(b.String())
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// ligatures are the Latin ligature glyphs that typeset PDFs map their text
// to; spelt out, "prefix" matches "prefix" again.
var ligatures = strings.NewReplacer("\ufb00", "ff", "\ufb01", "fi", "\ufb02", "fl",
	"\ufb03", "ffi", "\ufb04", "ffl", "\ufb05", "st", "\ufb06", "st")

// tidyLines collapses white space within lines, drops control characters,
// spells out ligatures, and keeps at most one blank line between
// paragraphs.
func tidyLines(s string) string {
	s = ligatures.Replace(s)
	var b strings.Builder
	blank := false
	for ln := range strings.Lines(s) {
		ln = strings.Join(strings.FieldsFunc(ln, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsControl(r)
		}), " ")
		if ln == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(ln)
	}
	return b.String()
}

// countLetters counts letters and digits in s, stopping at limit.
func countLetters(s string, limit int) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if n++; n >= limit {
				break
			}
		}
	}
	return n
}

// usefulPDFTitle reports whether a PDF's Info title names the document;
// authoring tools often leave a file name or a placeholder there.
func usefulPDFTitle(t string) bool {
	l := strings.ToLower(t)
	switch {
	case countLetters(t, 3) < 3,
		l == "untitled", l == "title", l == "presentation", l == "slide 1",
		strings.HasPrefix(l, "microsoft word - "), strings.HasPrefix(l, "microsoft powerpoint - "):
		return false
	}
	for _, ext := range []string{".pdf", ".doc", ".docx", ".indd", ".ppt", ".pptx", ".rtf", ".tex", ".dvi"} {
		if strings.HasSuffix(l, ext) {
			return false
		}
	}
	return true
}

// pdfBytes serves a PDF to ledongthuc/pdf, which accepts only the headers
// %PDF-1.0 to %PDF-1.7 followed by a newline. PDF 2.0 files, and 1.x files
// with a space before the newline, read the same way, so such a header is
// shown to it as %PDF-1.7; nothing else in the file refers to those bytes.
type pdfBytes struct {
	data []byte
	fix  bool
}

var pdfHeader = []byte("%PDF-1.7\n")

func newPDFBytes(data []byte) *pdfBytes {
	ok := len(data) >= 9 && data[5] == '1' && data[6] == '.' &&
		data[7] >= '0' && data[7] <= '7' && (data[8] == '\r' || data[8] == '\n')
	return &pdfBytes{data: data, fix: !ok && len(data) >= 9}
}

func (p *pdfBytes) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 || off > int64(len(p.data)) {
		return 0, errors.New("pdf: offset out of range")
	}
	n := copy(b, p.data[off:])
	if p.fix {
		for i := off; i < int64(len(pdfHeader)) && i-off < int64(n); i++ {
			b[i-off] = pdfHeader[i]
		}
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}
