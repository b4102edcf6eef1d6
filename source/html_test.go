package source

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestHTMLArticle(t *testing.T) {
	doc, err := Read(context.Background(), strings.NewReader(string(readFixture(t, "article.html"))),
		"https://blog.example.com/2024/03/frosty-lynx?utm_source=feed", Options{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if want := "Frosty Lynx targets energy firms with new backdoor"; doc.Title != want {
		t.Errorf("title: got %q, want %q", doc.Title, want)
	}
	if want := "https://blog.example.com/2024/03/frosty-lynx"; doc.URL != want {
		t.Errorf("URL: got %q, want the canonical %q", doc.URL, want)
	}
	if want := time.Date(2024, 3, 5, 8, 30, 0, 0, time.UTC); !doc.Published.Equal(want) {
		t.Errorf("published: got %v, want %v", doc.Published, want)
	}
	if doc.MediaType != MediaHTML {
		t.Errorf("media type: got %q, want %q", doc.MediaType, MediaHTML)
	}

	// Paragraphs stand apart; headings and list items and table rows
	// are lines of their own.
	for _, want := range []string{
		"In February 2024 we observed the threat actor Frosty Lynx sending spear-phishing emails to engineers at three European energy companies. The emails carried",
		"a previously unknown backdoor we call IceDrill.\n\nFrosty Lynx, which other vendors",
		"\n\nInfection chain\n\nThe ISO file contains",
		"into a new explorer.exe process.",
		"\n\nInitial access: spear-phishing attachment (T1566.001)\nExecution: DLL side-loading (T1574.002)\nCommand and control over HTTPS to update-checker[.]net\n\n",
		"\n\nAttribution\n\nWe attribute this activity",
		"Indicator\tType\nupdate-checker[.]net\tdomain\n198.51.100.23\tIPv4",
	} {
		if !strings.Contains(doc.Text, want) {
			t.Errorf("text lacks %q; text:\n%s", want, doc.Text)
		}
	}
	// Menus, scripts, comments, sidebars and footers are not the report.
	for _, junk := range []string{
		"SCRIPT-TEXT-MUST-NOT-APPEAR", "COMMENT-TEXT-MUST-NOT-APPEAR", "FOOTER-TEXT-MUST-NOT-APPEAR",
		"About us", "Popular posts", "Ten tips", "font-family", "Post comment", "cookies",
	} {
		if strings.Contains(doc.Text, junk) {
			t.Errorf("text has %q; text:\n%s", junk, doc.Text)
		}
	}
	if strings.Contains(doc.Text, "\n\n\n") || strings.Contains(doc.Text, " \n") || strings.Contains(doc.Text, "\n ") {
		t.Errorf("text has stray white space around line breaks:\n%q", doc.Text)
	}
}

func TestHTMLNoReadableText(t *testing.T) {
	_, err := Read(context.Background(), strings.NewReader(string(readFixture(t, "scripts.html"))), "app.html", Options{})
	checkError(t, err, aptgraph.EINVALID, "no readable text in HTML document")
}

// body is enough prose for a page to count as readable.
const body = "<p>The group sent spear-phishing emails with ISO attachments to staff at energy companies across Europe.</p>"

func TestHTMLMeta(t *testing.T) {
	tests := []struct {
		name      string
		html      string
		base      string
		title     string
		url       string
		published string // RFC 3339, "" for none
	}{
		{
			name:  "og title beats twitter and title",
			html:  `<html><head><title>Page | Site</title><meta name="twitter:title" content="Twitter title"><meta property="og:title" content="OG title"></head><body>` + body,
			title: "OG title",
		},
		{
			name:  "twitter title beats title",
			html:  `<html><head><title>Page | Site</title><meta name="twitter:title" content="Twitter title"></head><body>` + body,
			title: "Twitter title",
		},
		{
			name:  "title element",
			html:  "<html><head><title>\n  Page   title\n</title></head><body>" + body,
			title: "Page title",
		},
		{
			name:  "first h1 without a title",
			html:  "<html><body><h1>Heading one</h1>" + body + "<h1>Heading two</h1>",
			title: "Heading one",
		},
		{
			name: "canonical resolved against the page",
			html: `<html><head><link rel="alternate canonical" href="../report?id=7"></head><body>` + body,
			base: "https://example.com/blog/posts/x.html", url: "https://example.com/blog/report?id=7",
		},
		{
			name: "og url without canonical",
			html: `<html><head><meta property="og:url" content="https://example.com/og"></head><body>` + body,
			base: "https://example.com/x", url: "https://example.com/og",
		},
		{
			name: "canonical that is not http is ignored",
			html: `<html><head><link rel="canonical" href="javascript:alert(1)"></head><body>` + body,
			base: "https://example.com/x", url: "https://example.com/x",
		},
		{
			name: "no base and no canonical",
			html: "<html><body>" + body,
		},
		{
			name:      "article published time beats updated time",
			html:      `<html><head><meta property="og:updated_time" content="2024-02-02T00:00:00Z"><meta property="article:published_time" content="2024-01-01T10:00:00+02:00"></head><body>` + body,
			published: "2024-01-01T08:00:00Z",
		},
		{
			name:      "og updated time alone",
			html:      `<html><head><meta property="og:updated_time" content="2024-02-02T03:04:05Z"></head><body>` + body,
			published: "2024-02-02T03:04:05Z",
		},
		{
			name:      "meta name date",
			html:      `<html><head><meta name="date" content="2023-11-30"></head><body>` + body,
			published: "2023-11-30T00:00:00Z",
		},
		{
			name:      "dc.date in any case",
			html:      `<html><head><meta name="DC.Date" content="November 3, 2023"></head><body>` + body,
			published: "2023-11-03T00:00:00Z",
		},
		{
			name:      "pubdate",
			html:      `<html><head><meta name="pubdate" content="Tue, 05 Mar 2024 08:30:00 GMT"></head><body>` + body,
			published: "2024-03-05T08:30:00Z",
		},
		{
			name:      "itemprop datePublished",
			html:      `<html><body><meta itemprop="datePublished" content="2022-06-01">` + body,
			published: "2022-06-01T00:00:00Z",
		},
		{
			name:      "time element marked pubdate beats an earlier one",
			html:      `<html><body><time datetime="2020-01-01">today</time><article><time pubdate datetime="2021-05-06T07:08:09Z">May 6</time>` + body,
			published: "2021-05-06T07:08:09Z",
		},
		{
			name:      "first time element",
			html:      `<html><body><p>Posted <time datetime="2021-05-06">May 6</time></p>` + body,
			published: "2021-05-06T00:00:00Z",
		},
		{
			name:      "JSON-LD article in a graph beats the website",
			html:      string(mustRead(t, "testdata/jsonld.html")),
			title:     "Quarterly threat report: Q1 2024",
			published: "2024-04-15T08:00:00Z",
			url:       "https://labs.example.org/reports/q1-2024",
		},
		{
			name:      "JSON-LD list",
			html:      `<html><head><script type="application/ld+json">[{"@type":"BlogPosting","headline":"LD headline","datePublished":"2023-07-08"}]</script></head><body>` + body,
			title:     "LD headline",
			published: "2023-07-08T00:00:00Z",
		},
		{
			name:      "broken JSON-LD still gives its date",
			html:      `<html><head><script type="application/ld+json">{"@type":"NewsArticle", "datePublished": "2023-09-10T11:12:13Z",}</script></head><body>` + body,
			published: "2023-09-10T11:12:13Z",
		},
		{
			name: "unparseable dates are no date",
			html: `<html><head><meta name="date" content="yesterday"><meta property="article:published_time" content="0001-01-01T00:00:00Z"></head><body>` + body,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Read(context.Background(), strings.NewReader(tt.html), tt.base, Options{})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if tt.title != "" && doc.Title != tt.title {
				t.Errorf("title: got %q, want %q", doc.Title, tt.title)
			}
			if doc.URL != tt.url {
				t.Errorf("URL: got %q, want %q", doc.URL, tt.url)
			}
			var want time.Time
			if tt.published != "" {
				want, _ = time.Parse(time.RFC3339, tt.published)
			}
			if !doc.Published.Equal(want) {
				t.Errorf("published: got %v, want %v", doc.Published, want)
			}
		})
	}
}

func TestHTMLTooDeepForATree(t *testing.T) {
	// 600 unclosed <div>s are past what x/net/html builds a tree of.
	page := `<html><head><title>Deep page</title><meta property="article:published_time" content="2024-01-02">` +
		`<script>var x = "SCRIPT";</script></head><body><nav><a href="/">Home</a> <nav>Inner</nav> Menu</nav>` +
		strings.Repeat("<div>", 600) +
		"<h2>Findings</h2><p>The group reused its 2021 infrastructure<br>against ministries in three countries.</p>" +
		"<table><tr><td>a.example</td><td>domain</td></tr></table><footer>Footer text</footer>"
	doc, err := Read(context.Background(), strings.NewReader(page), "", Options{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	want := "Findings\n\nThe group reused its 2021 infrastructure\nagainst ministries in three countries.\n\na.example\tdomain"
	if doc.Text != want {
		t.Errorf("text: got %q, want %q", doc.Text, want)
	}
	if doc.Title != "Deep page" {
		t.Errorf("title: got %q, want %q", doc.Title, "Deep page")
	}
	if want := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC); !doc.Published.Equal(want) {
		t.Errorf("published: got %v, want %v", doc.Published, want)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestHTMLText(t *testing.T) {
	tests := []struct {
		name string
		html string
		ct   string
		want string
	}{
		{
			name: "br and pre",
			html: "<html><body><p>APT28 used X-Agent<br>against targets in Ukraine and Georgia since 2015.</p><pre>rule x {\n  strings: $a = \"abc\"\n}</pre>",
			want: "APT28 used X-Agent\nagainst targets in Ukraine and Georgia since 2015.\n\nrule x {\n  strings: $a = \"abc\"\n}",
		},
		{
			name: "double br is a paragraph",
			html: "<html><body><div>First paragraph of a page made with line breaks only.<br><br>Second paragraph of the same page, also long enough.</div>",
			want: "First paragraph of a page made with line breaks only.\n\nSecond paragraph of the same page, also long enough.",
		},
		{
			name: "invisible characters and entities",
			html: "<html><body><p>APT\u200b28&nbsp;and&#160;Fancy\u00adBear are two names for one group of attackers.</p>",
			want: "APT28 and FancyBear are two names for one group of attackers.",
		},
		{
			name: "Latin-1 declared in meta",
			html: "<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xe9 owners in Z\xfcrich were phished by a group that speaks fluent German and French.</p>",
			want: "Café owners in Zürich were phished by a group that speaks fluent German and French.",
		},
		{
			name: "Latin-1 declared in the header",
			ct:   "text/html; charset=ISO-8859-1",
			html: "<html><body><p>Caf\xe9 owners in Z\xfcrich were phished by a group that speaks fluent German and French.</p>",
			want: "Café owners in Zürich were phished by a group that speaks fluent German and French.",
		},
		{
			name: "UTF-8 mislabelled as Latin-1 in meta",
			html: "<html><head><meta charset=\"iso-8859-1\"></head><body><p>Café owners in Zürich were phished by a group that speaks fluent German and French.</p>",
			want: "Café owners in Zürich were phished by a group that speaks fluent German and French.",
		},
		{
			name: "undeclared Windows-1252",
			html: "<html><body><p>\x93Quoted\x94 words from a report written in an old editor on an old computer.</p>",
			want: "\u201cQuoted\u201d words from a report written in an old editor on an old computer.",
		},
		{
			name: "fragment that opens with text, served as HTML",
			ct:   "text/html",
			html: "Report: the <b>group</b> reused infrastructure <i>from</i> its 2021 campaign against ministries.",
			want: "Report: the group reused infrastructure from its 2021 campaign against ministries.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parse(context.Background(), []byte(tt.html), input{contentType: tt.ct})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if doc.Text != tt.want {
				t.Errorf("got %q, want %q", doc.Text, tt.want)
			}
			if doc.MediaType != MediaHTML {
				t.Errorf("media type: got %q, want %q", doc.MediaType, MediaHTML)
			}
		})
	}
}
