package source

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aptgraph/aptgraph"
)

//go:embed testdata
var testdataFS embed.FS

// checkOutcome fails unless a read ended in a sound document or in an
// *aptgraph.Error with a one-line message.
func checkOutcome(t *testing.T, doc *aptgraph.Document, err error) {
	t.Helper()
	if err != nil {
		var e *aptgraph.Error
		if !errors.As(err, &e) {
			t.Fatalf("error is %T, want *aptgraph.Error: %v", err, err)
		}
		if e.Message == "" || strings.ContainsAny(e.Message, "\r\n") {
			t.Fatalf("message is not one line: %q", e.Message)
		}
		if doc != nil {
			t.Fatalf("got a document and an error")
		}
		return
	}
	if doc == nil || strings.TrimSpace(doc.Text) == "" {
		t.Fatalf("got no error and no text")
	}
	for _, s := range []string{doc.Text, doc.Title, doc.URL} {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8: %q", s)
		}
	}
	if strings.Contains(doc.Text, "\r") {
		t.Fatalf("text has CR")
	}
}

func FuzzSniff(f *testing.F) {
	for _, s := range []string{"%PDF-1.4\n", "<!DOCTYPE html>", "<?xml version='1.0'?><rss>", "<feed", "<!--", "<!", "<?", "\xef\xbb\xbf<p>", "text", "\x00", ""} {
		f.Add([]byte(s), "", "")
	}
	f.Add([]byte("a <b>c</b>"), "text/html; charset=utf-8", "x.html")
	f.Fuzz(func(t *testing.T, data []byte, contentType, name string) {
		k := sniff(data, contentType, name)
		if (k == kindPDF) != isPDF(data) {
			t.Fatalf("sniff says %v, isPDF says %v", k, isPDF(data))
		}
		if k == kindEmpty && len(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))) != 0 {
			t.Fatalf("empty, but has %q", data)
		}
	})
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"Hello\r\n\r\nworld", "caf\xe9", "Z\xc3\xbcrich \xff", "\xff\xfeH\x00i\x00", "\xfe\xff\x00H\x00i", "\xff\xfe\x00\xd8", "a\fb\rc", "\x1b[31mred"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Read(context.Background(), bytes.NewReader(bytes.Clone(data)), "", Options{})
		checkOutcome(t, doc, err)
		// Repair alone: any bytes become valid UTF-8 without CR.
		got := decodeText(bytes.Clone(data))
		if !utf8.ValidString(got) || strings.Contains(got, "\r") {
			t.Fatalf("decodeText(%q) = %q", data, got)
		}
	})
}

func FuzzHTML(f *testing.F) {
	for _, name := range []string{"article.html", "scripts.html", "jsonld.html"} {
		data, err := testdataFS.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("<html><head><meta charset=\"iso-8859-1\"><meta property=\"og:title\" content=\"x\"></head><body><p>Caf\xe9</p><pre>a\r\nb</pre><table><tr><td>1<td>2</table>"))
	f.Add([]byte(`<script type="application/ld+json">{"@graph":[{"@type":"Article","datePublished":"2024-01-01","headline":["h"]}]}</script><p>x y z</p>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := parseHTML(context.Background(), bytes.Clone(data), "text/html", nil)
		checkOutcome(t, doc, err)
	})
}

func FuzzPDF(f *testing.F) {
	good := buildPDF(reportPDF)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(buildPDF(testPDF{version: "2.0", pages: []string{"BT /F1 12 Tf 72 700 Td [(Frosty) -300 (Lynx)] TJ T* (x) ' 1 2 (y) \" ET q Q Q"}}))
	f.Add(buildPDF(testPDF{pages: []string{"0 0 m 200 200 l S"}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := parsePDF(context.Background(), bytes.Clone(data))
		checkOutcome(t, doc, err)
	})
}

func FuzzFeed(f *testing.F) {
	for _, name := range []string{"feed.rss", "feed.atom"} {
		data, err := testdataFS.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","url":"/a","content_html":"<p>x</p>"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := parseFeed(bytes.Clone(data), nil)
		if err != nil {
			checkOutcome(t, nil, err)
			return
		}
		for _, it := range items {
			if !utf8.ValidString(it.Content) || !utf8.ValidString(it.Title) {
				t.Fatalf("invalid UTF-8 in %+v", it)
			}
			if it.Link != "" && !strings.HasPrefix(it.Link, "http://") && !strings.HasPrefix(it.Link, "https://") {
				t.Fatalf("link %q is not http(s)", it.Link)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-03-05T09:30:00+01:00", "March 5th, 2024", "D:20240305093000+01'00'", "D:2024", "Tue, 05 Mar 2024 03:30:00 EST"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := parseDate(s); ok && !plausible(d) {
			t.Fatalf("parseDate(%q) = %v, an implausible date", s, d)
		}
	})
}
