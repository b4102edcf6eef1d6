package source

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
)

// testPDF describes a PDF for buildPDF to write.
type testPDF struct {
	version string   // "1.4" when empty
	info    string   // the Info dictionary's entries, "" for none
	pages   []string // each page's content stream
	form    string   // a form XObject's content stream, named /X1 on every page
}

// textPage returns a content stream that shows lines in 12 pt Helvetica
// with 14 pt leading; an empty line leaves a gap, as between paragraphs.
func textPage(lines ...string) string {
	var b strings.Builder
	b.WriteString("BT\n/F1 12 Tf\n14 TL\n72 720 Td\n")
	for _, l := range lines {
		if l != "" {
			fmt.Fprintf(&b, "(%s) Tj\n", pdfEscape(l))
		}
		b.WriteString("T*\n")
	}
	b.WriteString("ET\n")
	return b.String()
}

func pdfEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(s)
}

// buildPDF writes a PDF by hand: a catalog, a page tree, one Helvetica font
// and a page with a content stream for each page, and a correct xref table,
// so that the tests do not depend on a PDF writer.
func buildPDF(p testPDF) []byte {
	version := p.version
	if version == "" {
		version = "1.4"
	}
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) int {
		offsets = append(offsets, b.Len())
		n := len(offsets)
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
		return n
	}
	fmt.Fprintf(&b, "%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n", version)

	// Objects 1–3 are fixed, 4 is the form if there is one; pages
	// follow as page, content pairs.
	first, xobjects := 4, ""
	if p.form != "" {
		first, xobjects = 5, " /XObject << /X1 4 0 R >>"
	}
	kids := make([]string, len(p.pages))
	for i := range p.pages {
		kids[i] = fmt.Sprintf("%d 0 R", first+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(p.pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	if p.form != "" {
		obj(fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Matrix [1 0 0 1 0 -100] /Length %d >>\nstream\n%s\nendstream", len(p.form), p.form))
	}
	for i, content := range p.pages {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >>%s >> /Contents %d 0 R >>", xobjects, first+1+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	}
	info := ""
	if p.info != "" {
		info = fmt.Sprintf(" /Info %d 0 R", obj("<< "+p.info+" >>"))
	}
	trailer := fmt.Sprintf("/Size %d /Root 1 0 R%s", len(offsets)+1, info)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n", trailer, xref)
	return b.Bytes()
}

var reportPDF = testPDF{
	info: "/Title (Frosty Lynx: the IceDrill report) /CreationDate (D:20240305093000+01'00')",
	pages: []string{
		textPage("Frosty Lynx targets energy firms", "", "In February 2024 the group sent spear-phishing", "emails to engineers at three energy companies."),
		textPage("The IceDrill backdoor talks HTTPS to its server.", "It hides its configuration in an encrypted blob."),
	},
}

func TestPDF(t *testing.T) {
	tests := []struct {
		name      string
		pdf       []byte
		text      string
		title     string
		published time.Time
	}{
		{
			name: "two pages with info",
			pdf:  buildPDF(reportPDF),
			text: "Frosty Lynx targets energy firms\n\n" +
				"In February 2024 the group sent spear-phishing\nemails to engineers at three energy companies.\n\n" +
				"The IceDrill backdoor talks HTTPS to its server.\nIt hides its configuration in an encrypted blob.",
			title:     "Frosty Lynx: the IceDrill report",
			published: time.Date(2024, 3, 5, 8, 30, 0, 0, time.UTC),
		},
		{
			name:  "PDF 2.0 header",
			pdf:   buildPDF(testPDF{version: "2.0", pages: []string{textPage("Version two files read like any other PDF file.")}}),
			text:  "Version two files read like any other PDF file.",
			title: "Version two files read like any other PDF file.",
		},
		{
			name:  "junk before the header",
			pdf:   append([]byte("\x00\x01\x02garbage"), buildPDF(testPDF{pages: []string{textPage("Offsets count from the header, not the file start.")}})...),
			text:  "Offsets count from the header, not the file start.",
			title: "Offsets count from the header, not the file start.",
		},
		{
			// Word spaces written as kerning in TJ, as TeX does, and a
			// small kern inside a word that must not split it.
			name:  "kerned words",
			pdf:   buildPDF(testPDF{pages: []string{"BT /F1 12 Tf 72 700 Td [(Frosty) -300 (Lynx) -20 (es) -350 (use) -280 (IceDrill)] TJ ET"}}),
			text:  "Frosty Lynxes use IceDrill",
			title: "Frosty Lynxes use IceDrill",
		},
		{
			// The form sits 100 points lower, as its Matrix says: a new
			// paragraph after the page's own line.
			name: "form XObject and unbalanced Q",
			pdf: buildPDF(testPDF{
				form:  "BT /F1 12 Tf 72 700 Td (Text inside a form XObject.) Tj ET",
				pages: []string{"Q BT /F1 12 Tf 72 720 Td (Text on the page itself.) Tj ET q /X1 Do Q Q"},
			}),
			text:  "Text on the page itself.\n\nText inside a form XObject.",
			title: "Text on the page itself.",
		},
		{
			// Tc and Tz stretch glyphs apart without a word gap; a
			// rise does not start a new line.
			name:  "spacing, scaling and rise",
			pdf:   buildPDF(testPDF{pages: []string{"BT /F1 10 Tf 1 Tc 120 Tz 72 700 Td (Spaced letters) Tj 3 Ts (2) Tj 0 Ts 0 Tc 100 Tz ( stay one line) Tj ET"}}),
			text:  "Spaced letters2 stay one line",
			title: "Spaced letters2 stay one line",
		},
		{
			name:  "useless info title",
			pdf:   buildPDF(testPDF{info: "/Title (Microsoft Word - report.docx)", pages: []string{textPage("The title comes from the first line instead.")}}),
			text:  "The title comes from the first line instead.",
			title: "The title comes from the first line instead.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Read(context.Background(), bytes.NewReader(tt.pdf), "report.pdf", Options{})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if doc.Text != tt.text {
				t.Errorf("text: got %q, want %q", doc.Text, tt.text)
			}
			if doc.Title != tt.title {
				t.Errorf("title: got %q, want %q", doc.Title, tt.title)
			}
			if !doc.Published.Equal(tt.published) {
				t.Errorf("published: got %v, want %v", doc.Published, tt.published)
			}
			if doc.MediaType != MediaPDF {
				t.Errorf("media type: got %q, want %q", doc.MediaType, MediaPDF)
			}
		})
	}
}

func TestPDFErrors(t *testing.T) {
	good := buildPDF(reportPDF)
	// Every xref entry points at the wrong place.
	garbled := regexp.MustCompile(`(?m)^\d{10} 00000 n`).ReplaceAll(bytes.Clone(good), []byte("0000000003 00000 n"))
	badStream := buildPDF(testPDF{pages: []string{textPage("This page is fine.")}})
	badStream = bytes.Replace(badStream, []byte("<< /Length"), []byte("<< /Filter /FlateDecode /Length"), 1)

	// Each of these made ledongthuc/pdf allocate terabytes or loop for
	// ever before checkPDFNumbers.
	xrefAt := regexp.MustCompile(`startxref\n(\d+)`).FindSubmatch(good)[1]
	prevLoop := bytes.Replace(good, []byte("/Root 1 0 R"), []byte("/Root 1 0 R /Prev "+string(xrefAt)), 1)
	hugeSubsection := regexp.MustCompile(`xref\n0 \d+`).ReplaceAll(bytes.Clone(good), []byte("xref\n999999999999 7"))
	xrefStream := func(size string) []byte {
		off := len(good)
		return fmt.Appendf(bytes.Clone(good), "99 0 obj\n<< /Type /XRef %s 99999999999 /W [1 2 1] /Index [0 1] /Length 4 >>\nstream\n\x00\x00\x00\x00\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", size, off)
	}
	defer func(d time.Duration) { pdfTimeout = d }(pdfTimeout)
	pdfTimeout = 5 * time.Second

	tests := []struct {
		name string
		pdf  []byte
		code string
		msg  string
	}{
		{"xref Prev loop", prevLoop, aptgraph.EINVALID, "damaged or unreadable PDF"},
		{"huge xref subsection", hugeSubsection, aptgraph.EINVALID, "damaged or unreadable PDF"},
		{"huge xref stream", xrefStream("/Size"), aptgraph.EINVALID, "damaged or unreadable PDF"},
		{"huge xref stream, escaped name", xrefStream("/Si#7ae"), aptgraph.EINVALID, "damaged or unreadable PDF"},
		{"truncated", good[:len(good)/2], aptgraph.EINVALID, "damaged or unreadable PDF"},
		{"header only", []byte("%PDF-1.4\n"), aptgraph.EINVALID, "damaged or unreadable PDF"},
		{"garbled xref", garbled, aptgraph.EINVALID, "damaged or unreadable PDF"},
		{"bad stream", badStream, aptgraph.EINVALID, "damaged or unreadable PDF"},
		{"no pages", buildPDF(testPDF{}), aptgraph.EINVALID, "damaged or unreadable PDF"},
		{"drawing only", buildPDF(testPDF{pages: []string{"0 0 m 200 200 l S 10 10 100 100 re f"}}), aptgraph.EINVALID, "PDF has no text layer (scanned?)"},
		{"page number only", buildPDF(testPDF{pages: []string{textPage("1"), textPage("2")}}), aptgraph.EINVALID, "PDF has no text layer (scanned?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A read that hung would end at the test's deadline; speed is
			// not asserted here.
			_, err := Read(context.Background(), bytes.NewReader(tt.pdf), "", Options{})
			checkError(t, err, tt.code, tt.msg)
		})
	}
}

// checkError fails unless err is an *aptgraph.Error with code and message.
func checkError(t *testing.T, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s %q", code, msg)
	}
	if got := aptgraph.ErrorCode(err); got != code {
		t.Errorf("code: got %q, want %q (%v)", got, code, err)
	}
	if got := aptgraph.ErrorMessage(err); got != msg {
		t.Errorf("message: got %q, want %q", got, msg)
	}
	if strings.Contains(aptgraph.ErrorMessage(err), "\n") {
		t.Errorf("message has more than one line: %q", aptgraph.ErrorMessage(err))
	}
}

func TestTidyLines(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"spaces", "  a \t b  \n c\u00a0 d ", "a b\nc d"},
		{"blank lines", "\n\na\n \n\n\t\nb\n\n", "a\n\nb"},
		{"controls", "a\x00b\x07 c", "a b c"},
		{"ligatures", "pre\ufb01x \ufb00ect e\ufb03cient", "prefix ffect efficient"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tidyLines(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
