package source

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/google/go-cmp/cmp"
)

// feedServer serves the feed fixtures, with {{BASE}} made its own URL, and
// the article their first item links to; hits counts article requests.
func feedServer(t *testing.T) (srv *httptest.Server, hits *atomic.Int32) {
	t.Helper()
	hits = new(atomic.Int32)
	mux := http.NewServeMux()
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for path, file := range map[string]string{"/feed.rss": "feed.rss", "/feed.atom": "feed.atom"} {
		data := strings.ReplaceAll(string(readFixture(t, file)), "{{BASE}}", srv.URL)
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			w.Write([]byte(data))
		})
	}
	article := readFixture(t, "article.html")
	mux.HandleFunc("/article.html", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(article)
	})
	mux.HandleFunc("/broken.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a</ti`))
	})
	return srv, hits
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFeed(t *testing.T) {
	srv, _ := feedServer(t)
	icedrill := "IceDrill is a backdoor written in C++ that Frosty Lynx has used since early 2024. It talks to its command server over HTTPS and hides its configuration in an encrypted blob appended to the DLL.\n\n" +
		"The backdoor supports twenty-two commands, among them file upload and download, process listing, screenshot capture and an interactive reverse shell. Commands arrive as JSON objects encrypted with AES-256 in CBC mode.\n\n" +
		"On start IceDrill checks for analysis tools and sandboxes by looking at running process names, the amount of memory and the number of processors, and exits quietly when it finds any of them present on the host."
	tests := []struct {
		name string
		path string
		want []FeedItem
	}{
		{
			name: "rss",
			path: "/feed.rss",
			want: []FeedItem{
				{Title: "Frosty Lynx targets energy firms", Link: srv.URL + "/article.html",
					Published: date("2024-03-05T08:30:00Z"), Content: "A short teaser about Frosty Lynx."},
				{Title: "Full text item: IceDrill analysed", Link: srv.URL + "/posts/icedrill",
					Published: date("2024-03-10T10:00:00Z"), Content: icedrill},
				{Title: "No date here", Link: srv.URL + "/nodate", Content: "Plain text summary\nwith two lines."},
			},
		},
		{
			name: "atom",
			path: "/feed.atom",
			want: []FeedItem{
				{Title: "Quarterly threat report: Q1 2024", Link: srv.URL + "/reports/q1",
					Published: date("2024-04-15T08:00:00Z"), Content: "Ransomware against hospitals rose sharply."},
				{Title: "Edge devices & state actors", Link: srv.URL + "/reports/edge",
					Published: date("2024-05-01T00:00:00Z"), Content: "Exploits for edge devices."},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Feed(context.Background(), srv.URL+tt.path, Options{})
			if err != nil {
				t.Fatalf("Feed: %v", err)
			}
			if diff := cmp.Diff(tt.want, items); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadFeedRelativeLinks(t *testing.T) {
	// Read from a file, relative links resolve against the channel link.
	data := strings.ReplaceAll(string(readFixture(t, "feed.rss")), "{{BASE}}", "https://blog.example.com")
	items, err := ReadFeed(context.Background(), strings.NewReader(data), "feed.rss", Options{})
	if err != nil {
		t.Fatalf("ReadFeed: %v", err)
	}
	if len(items) != 3 {
		t.Fatalf("got %d items, want 3", len(items))
	}
	if want := "https://blog.example.com/posts/icedrill"; items[1].Link != want {
		t.Errorf("link: got %q, want %q", items[1].Link, want)
	}
}

func TestFeedErrors(t *testing.T) {
	srv, _ := feedServer(t)
	tests := []struct {
		name string
		path string
		code string
		msg  string
	}{
		{"html page", "/article.html", aptgraph.EINVALID, "not an RSS or Atom feed"},
		{"broken", "/broken.rss", aptgraph.EINVALID, "malformed feed"},
		{"404", "/nope", aptgraph.EUNAVAILABLE, "GET " + srv.URL + "/nope: 404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Feed(context.Background(), srv.URL+tt.path, Options{})
			checkError(t, err, tt.code, tt.msg)
		})
	}
	_, err := ReadFeed(context.Background(), strings.NewReader(" \n"), "", Options{})
	checkError(t, err, aptgraph.EINVALID, "empty document")
}

func TestOpenItem(t *testing.T) {
	srv, hits := feedServer(t)
	items, err := Feed(context.Background(), srv.URL+"/feed.rss", Options{})
	if err != nil {
		t.Fatalf("Feed: %v", err)
	}
	if items[0].HasFullText() || !items[1].HasFullText() {
		t.Fatalf("HasFullText: got %v, %v, want false, true", items[0].HasFullText(), items[1].HasFullText())
	}

	// The full-text item is the document; nothing is fetched.
	doc, err := OpenItem(context.Background(), items[1], Options{})
	if err != nil {
		t.Fatalf("OpenItem full text: %v", err)
	}
	want := &aptgraph.Document{Title: items[1].Title, URL: items[1].Link, Published: items[1].Published,
		Text: items[1].Content, MediaType: MediaHTML}
	if diff := cmp.Diff(want, doc); diff != "" {
		t.Errorf("full-text item (-want +got):\n%s", diff)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("fetched the article %d times for a full-text item", n)
	}

	// The teaser item is fetched; the feed's title and date win.
	doc, err = OpenItem(context.Background(), items[0], Options{})
	if err != nil {
		t.Fatalf("OpenItem teaser: %v", err)
	}
	if hits.Load() != 1 {
		t.Errorf("fetched the article %d times, want 1", hits.Load())
	}
	if doc.Title != items[0].Title || !doc.Published.Equal(items[0].Published) {
		t.Errorf("got title %q date %v, want the feed's %q %v", doc.Title, doc.Published, items[0].Title, items[0].Published)
	}
	if !strings.Contains(doc.Text, "Frosty Lynx, which other vendors track as APT-C-99") {
		t.Errorf("text is not the article's:\n%s", shorten(doc.Text, 300))
	}

	// A link to a local file is never opened.
	_, err = OpenItem(context.Background(), FeedItem{Title: "x", Link: "file:///etc/passwd"}, Options{})
	checkError(t, err, aptgraph.EUNSUPPORTED, `unsupported URL scheme "file": only http and https are fetched`)

	// Without a link, a short item is still all there is.
	doc, err = OpenItem(context.Background(), FeedItem{Content: "Short note only."}, Options{})
	if err != nil || doc.Text != "Short note only." || doc.Title != "Short note only." {
		t.Errorf("got %+v, %v, want the content as the document", doc, err)
	}
	_, err = OpenItem(context.Background(), FeedItem{Title: "Nothing"}, Options{})
	checkError(t, err, aptgraph.EINVALID, "empty document")
}
