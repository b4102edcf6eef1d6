package source

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aptgraph/aptgraph"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name        string
		data        string
		contentType string
		file        string
		want        kind
	}{
		{"pdf", "%PDF-1.7\n...", "", "", kindPDF},
		{"pdf after white space", "\r\n  %PDF-1.4\n", "", "", kindPDF},
		{"pdf after binary junk", "\x00\x01MacBinary%PDF-1.4\n", "", "", kindPDF},
		{"text that mentions the pdf magic", "A PDF starts with %PDF-1.7 and ends with %%EOF.", "", "", kindText},
		{"pdf served as html", "%PDF-1.5\n", "text/html", "x.html", kindPDF},
		{"html doctype", "<!DOCTYPE html><p>x", "", "", kindHTML},
		{"html doctype upper case after BOM", "\xef\xbb\xbf  <!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><HTML>", "", "", kindHTML},
		{"html element", "<html lang=en><title>x</title>", "text/plain", "x.txt", kindHTML},
		{"comment before html", "<!-- saved from url=(0014)about:internet -->\n<html>", "", "", kindHTML},
		{"fragment", "<p>APT28 again</p>", "", "", kindHTML},
		{"xhtml with prolog", "<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"x\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", "", "", kindHTML},
		{"rss", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>", "", "", kindFeed},
		{"rss with stylesheet and comment", "<?xml version=\"1.0\"?>\n<?xml-stylesheet href=\"s.xsl\"?>\n<!-- hi -->\n<rss>", "text/html", "", kindFeed},
		{"atom", "<feed xmlns=\"http://www.w3.org/2005/Atom\">", "", "", kindFeed},
		{"rdf", "<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"x\">", "", "", kindFeed},
		{"other xml", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\">", "", "", kindXML},
		{"other xml served as html", "<?xml version=\"1.0\"?><custom>", "text/html", "", kindHTML},
		{"text starting with <", "<3 this report\nsecond line", "", "", kindText},
		{"markup later in text", "Write <p> to open a paragraph.", "", "notes.txt", kindText},
		{"html by content type", "Report: the <b>group</b> struck again.", "text/html; charset=utf-8", "", kindHTML},
		{"html by extension", "Report: the <b>group</b> struck again.", "", "page.HTM", kindHTML},
		{"html by URL extension", "Report: the <b>group</b> struck again.", "", "https://e.com/a/page.html?x=1", kindHTML},
		{"html content type without markup", "Just words.", "text/html", "", kindText},
		{"plain", "Just words.\n\nMore words.", "", "", kindText},
		{"json", `{"type": "bundle"}`, "application/json", "", kindText},
		{"latin-1 text", "caf\xe9 cr\xe8me", "", "", kindText},
		{"ansi colours", "\x1b[31mred\x1b[0m log line", "", "", kindText},
		{"empty", "", "", "", kindEmpty},
		{"white space", " \r\n\t\n", "", "", kindEmpty},
		{"BOM only", "\xef\xbb\xbf\n", "", "", kindEmpty},
		{"NUL", "MZ\x90\x00\x03\x00\x00\x00", "", "", kindBinary},
		{"control characters", "\x01\x02\x03\x04\x05\x06abc", "", "", kindBinary},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "", "x.png", kindBinary},
		{"zip", "PK\x03\x04\x14\x00\x06\x00", "", "report.docx", kindBinary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sniff([]byte(tt.data), tt.contentType, tt.file); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadText(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		text  string
		title string
	}{
		{"paragraphs kept", "Title line\n\nFirst paragraph\nstill first.\n\nSecond.\n", "Title line\n\nFirst paragraph\nstill first.\n\nSecond.", "Title line"},
		{"CRLF", "One\r\n\r\nTwo\r\nthree\r\n", "One\n\nTwo\nthree", "One"},
		{"lone CR", "One\r\rTwo\rthree", "One\n\nTwo\nthree", "One"},
		{"form feed", "Page one\n\fPage two", "Page one\n\nPage two", "Page one"},
		{"UTF-8 BOM", "\xef\xbb\xbfHello", "Hello", "Hello"},
		{"UTF-16LE BOM", "\xff\xfeH\x00\xe9\x00\r\x00\n\x00=\xd8\x00\xde", "Hé\n😀", "Hé"},
		{"UTF-16BE BOM", "\xfe\xff\x00H\x00\xe9\x00\n\xd8=\xde\x00", "Hé\n😀", "Hé"},
		{"UTF-16 odd byte and lone surrogate", "\xff\xfeA\x00\x00\xd8B\x00C", "A\ufffdB\ufffd", "A\ufffdB"},
		{"Latin-1", "Caf\xe9 cr\xe8me in Z\xfcrich", "Café crème in Zürich", "Café crème in Zürich"},
		{"Windows-1252 quotes", "\x93APT28\x94 \x96 Fancy Bear", "\u201cAPT28\u201d \u2013 Fancy Bear", "\u201cAPT28\u201d \u2013 Fancy Bear"},
		{"UTF-8 with a bad byte", "Zürich \xff café", "Zürich \ufffd café", "Zürich \ufffd café"},
		{"leading blank lines", "\n\n   \nTitle\nbody", "Title\nbody", "Title"},
		{"long first line", strings.Repeat("word ", 40), strings.TrimSpace(strings.Repeat("word ", 40)), strings.TrimSpace(strings.Repeat("word ", 24)) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Read(context.Background(), strings.NewReader(tt.data), "", Options{})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if doc.Text != tt.text {
				t.Errorf("text: got %q, want %q", doc.Text, tt.text)
			}
			if doc.Title != tt.title {
				t.Errorf("title: got %q, want %q", doc.Title, tt.title)
			}
			if doc.MediaType != MediaText {
				t.Errorf("media type: got %q, want %q", doc.MediaType, MediaText)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		max  int64
		code string
		msg  string
	}{
		{"empty", "", 0, aptgraph.EINVALID, "empty document"},
		{"white space", "  \n\r\n\t", 0, aptgraph.EINVALID, "empty document"},
		{"UTF-16 white space", "\xff\xfe \x00\n\x00", 0, aptgraph.EINVALID, "empty document"},
		{"NUL bytes", "ELF\x00\x00\x00\x01", 0, aptgraph.EINVALID, "not a text, HTML or PDF document"},
		{"control bytes", strings.Repeat("\x01\x02\x03a", 50), 0, aptgraph.EINVALID, "not a text, HTML or PDF document"},
		{"over the cap", strings.Repeat("a", 2<<20+1), 2 << 20, aptgraph.ETOOLARGE, "document is larger than 2 MiB"},
		{"over a small cap", "12345", 4, aptgraph.ETOOLARGE, "document is larger than 4 bytes"},
		{"feed", "<rss version=\"2.0\"><channel></channel></rss>", 0, aptgraph.EUNSUPPORTED, "this is an RSS or Atom feed; read it as a feed"},
		{"other XML", "<?xml version=\"1.0\"?><svg></svg>", 0, aptgraph.EUNSUPPORTED, "XML document that is not HTML, RSS or Atom"},
		{"empty HTML", "<html><body></body></html>", 0, aptgraph.EINVALID, "no readable text in HTML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(context.Background(), strings.NewReader(tt.data), "", Options{MaxBytes: tt.max})
			checkError(t, err, tt.code, tt.msg)
		})
	}
}

func TestReadAtCap(t *testing.T) {
	doc, err := Read(context.Background(), strings.NewReader("12345"), "", Options{MaxBytes: 5})
	if err != nil {
		t.Fatalf("a document of exactly MaxBytes: %v", err)
	}
	if doc.Text != "12345" {
		t.Errorf("got %q, want %q", doc.Text, "12345")
	}
}

func TestReadFeedIsErrFeed(t *testing.T) {
	_, err := Read(context.Background(), bytes.NewReader(readFixture(t, "feed.atom")), "", Options{})
	if !errors.Is(err, ErrFeed) {
		t.Errorf("got %v, want ErrFeed", err)
	}
}

func TestOpenFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	txt := write("notes.txt", "APT notes\r\n\r\nBody.")
	page := write("page.html", string(readFixture(t, "article.html")))
	report := write("report.bin", string(buildPDF(reportPDF)))
	big := write("big.txt", strings.Repeat("x", 1025))
	odd := write("notes:draft.txt", "Colon in the name")

	tests := []struct {
		name      string
		path      string
		max       int64
		mediaType string
		title     string
		code      string
		msg       string
	}{
		{name: "text", path: txt, mediaType: MediaText, title: "APT notes"},
		{name: "html", path: page, mediaType: MediaHTML, title: "Frosty Lynx targets energy firms with new backdoor"},
		{name: "pdf whatever its extension", path: report, mediaType: MediaPDF, title: "Frosty Lynx: the IceDrill report"},
		{name: "colon in the name is a file", path: odd, mediaType: MediaText, title: "Colon in the name"},
		{name: "missing", path: filepath.Join(dir, "nope.txt"), code: aptgraph.ENOTFOUND, msg: "no such file: " + filepath.Join(dir, "nope.txt")},
		{name: "directory", path: dir, code: aptgraph.EINVALID, msg: dir + " is a directory"},
		{name: "too large by its size", path: big, max: 1024, code: aptgraph.ETOOLARGE, msg: "document is larger than 1024 bytes"},
		{name: "ftp URL", path: "ftp://example.com/x.txt", code: aptgraph.EUNSUPPORTED, msg: `unsupported URL scheme "ftp": only http and https are fetched`},
		{name: "file URL", path: "file:///etc/passwd", code: aptgraph.EUNSUPPORTED, msg: `unsupported URL scheme "file": only http and https are fetched`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Open(context.Background(), tt.path, Options{MaxBytes: tt.max})
			if tt.code != "" {
				checkError(t, err, tt.code, tt.msg)
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if doc.MediaType != tt.mediaType {
				t.Errorf("media type: got %q, want %q", doc.MediaType, tt.mediaType)
			}
			if doc.Title != tt.title {
				t.Errorf("title: got %q, want %q", doc.Title, tt.title)
			}
			if doc.URL != "" && tt.mediaType != MediaHTML {
				t.Errorf("URL: got %q for a local file, want none", doc.URL)
			}
		})
	}
}

func TestOpenStdin(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdin
	os.Stdin = r
	t.Cleanup(func() { os.Stdin = saved; r.Close() })
	go func() {
		w.WriteString("From standard input\n\nwith two paragraphs.")
		w.Close()
	}()
	doc, err := Open(context.Background(), "-", Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if want := "From standard input\n\nwith two paragraphs."; doc.Text != want {
		t.Errorf("got %q, want %q", doc.Text, want)
	}
}

// largeText writes n bytes of paragraphs of plain text to a file.
func largeText(tb testing.TB, n int) string {
	tb.Helper()
	para := []byte("APT29, also called Cozy Bear, used WellMess against vaccine researchers in 2020. " +
		"The group relied on stolen credentials and exploited public-facing VPN appliances.\r\n\r\n")
	data := bytes.Repeat(para, n/len(para)+1)[:n]
	p := filepath.Join(tb.TempDir(), "large.txt")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestOpenLargeText(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 50 MB")
	}
	const size = 50 << 20
	doc, err := Open(context.Background(), largeText(t, size), Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if doc.MediaType != MediaText {
		t.Errorf("media type: got %q, want %q", doc.MediaType, MediaText)
	}
	if strings.Contains(doc.Text, "\r") {
		t.Error("text still has CR")
	}
	// Every CRLF became LF: two bytes fewer per paragraph.
	if len(doc.Text) < size*9/10 || len(doc.Text) > size {
		t.Errorf("text is %d bytes from %d", len(doc.Text), size)
	}
}

func BenchmarkOpenLargeText(b *testing.B) {
	const size = 50 << 20
	p := largeText(b, size)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(context.Background(), p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
