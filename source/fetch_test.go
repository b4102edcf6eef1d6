package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
)

// testServer serves the fixtures and the failures the fetch tests need, on
// 127.0.0.1.
func testServer(t *testing.T) *httptest.Server {
	t.Helper()
	article := readFixture(t, "article.html")
	rss := readFixture(t, "feed.rss")
	mux := http.NewServeMux()
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(article)
	})
	mux.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		fmt.Fprint(w, "<html><body><p>Caf\xe9 owners in Z\xfcrich were phished by a group that speaks fluent German and French.</p>")
	})
	mux.HandleFunc("/report", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(buildPDF(reportPDF))
	})
	mux.HandleFunc("/notes.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "Plain notes\r\n\r\nsecond paragraph")
	})
	mux.HandleFunc("/ua", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "agent %s\naccept %s", r.UserAgent(), r.Header.Get("Accept"))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(rss)
	})
	mux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom\nwith a second line", http.StatusInternalServerError)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(2<<20))
		w.Write(bytes.Repeat([]byte("a"), 2<<20))
	})
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for range 32 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		// 2 MiB that compress to a few KiB.
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write(bytes.Repeat([]byte("a"), 2<<20))
		zw.Close()
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		fmt.Fprint(zw, "Compressed notes that the transport inflates.")
		zw.Close()
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/slow-body", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "The start of a body whose end never comes")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/redirect/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			http.Redirect(w, r, "/article", http.StatusFound)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/redirect/%d", n-1), http.StatusMovedPermanently)
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/notes.txt", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestOpenURL(t *testing.T) {
	srv := testServer(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name      string
		path      string
		opt       Options
		mediaType string
		url       string // "" for srv.URL+path
		text      string // a part of the text
		code      string
		msg       string
	}{
		{name: "html", path: "/article", mediaType: MediaHTML,
			url: srv.URL + "/2024/03/frosty-lynx", text: "Frosty Lynx, which other vendors track as APT-C-99"},
		{name: "charset from the header", path: "/latin1", mediaType: MediaHTML, text: "Café owners in Zürich"},
		{name: "pdf as octet-stream", path: "/report", mediaType: MediaPDF, text: "The IceDrill backdoor talks HTTPS"},
		{name: "plain text", path: "/notes.txt", mediaType: MediaText, text: "Plain notes\n\nsecond paragraph"},
		{name: "user agent and accept", path: "/ua", mediaType: MediaText,
			text: "agent " + DefaultUserAgent + "\naccept " + acceptDocument},
		{name: "own user agent", path: "/ua", opt: Options{UserAgent: "test/1"}, mediaType: MediaText, text: "agent test/1\n"},
		{name: "gzip", path: "/gzip", mediaType: MediaText, text: "Compressed notes"},
		{name: "five redirects", path: "/redirect/4", mediaType: MediaHTML, url: srv.URL + "/2024/03/frosty-lynx", text: "IceDrill"},
		{name: "URL after redirects", path: "/moved", mediaType: MediaText, url: srv.URL + "/notes.txt", text: "Plain notes"},
		{name: "six redirects", path: "/redirect/5", code: aptgraph.EUNAVAILABLE,
			msg: "GET " + srv.URL + "/redirect/5: stopped after 5 redirects"},
		{name: "redirect to a file", path: "/to-file", code: aptgraph.EUNSUPPORTED,
			msg: "GET " + srv.URL + "/to-file: redirected to a URL that is not http or https"},
		{name: "404", path: "/missing", code: aptgraph.EUNAVAILABLE, msg: "GET " + srv.URL + "/missing: 404 Not Found"},
		{name: "500", path: "/error", code: aptgraph.EUNAVAILABLE, msg: "GET " + srv.URL + "/error: 500 Internal Server Error"},
		{name: "empty body", path: "/empty", code: aptgraph.EINVALID, msg: "empty document"},
		{name: "feed", path: "/feed", code: aptgraph.EUNSUPPORTED, msg: "this is an RSS or Atom feed; read it as a feed"},
		{name: "too large by Content-Length", path: "/big", opt: Options{MaxBytes: 1 << 20}, code: aptgraph.ETOOLARGE, msg: "document is larger than 1 MiB"},
		{name: "too large while reading", path: "/big-chunked", opt: Options{MaxBytes: 1 << 20}, code: aptgraph.ETOOLARGE, msg: "document is larger than 1 MiB"},
		{name: "too large once inflated", path: "/bomb", opt: Options{MaxBytes: 1 << 20}, code: aptgraph.ETOOLARGE, msg: "document is larger than 1 MiB"},
		{name: "default URL cap", path: "/big-chunked", mediaType: MediaText, text: "aaaa"},
		{name: "timeout before headers", path: "/slow", opt: Options{Timeout: 200 * time.Millisecond},
			code: aptgraph.EUNAVAILABLE, msg: host + " did not answer within 200ms"},
		{name: "timeout in the body", path: "/slow-body", opt: Options{Timeout: 200 * time.Millisecond},
			code: aptgraph.EUNAVAILABLE, msg: host + " did not answer within 200ms"},
		{name: "own client keeps the redirect limit", path: "/redirect/5", opt: Options{Client: &http.Client{}},
			code: aptgraph.EUNAVAILABLE, msg: "GET " + srv.URL + "/redirect/5: stopped after 5 redirects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Open(context.Background(), srv.URL+tt.path, tt.opt)
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
			wantURL := tt.url
			if wantURL == "" {
				wantURL = srv.URL + tt.path
			}
			if doc.URL != wantURL {
				t.Errorf("URL: got %q, want %q", doc.URL, wantURL)
			}
			if !strings.Contains(doc.Text, tt.text) {
				t.Errorf("text lacks %q:\n%s", tt.text, shorten(doc.Text, 500))
			}
		})
	}
}

func TestOpenURLUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close() // nothing listens there now
	_, err := Open(context.Background(), u+"/x", Options{})
	checkError(t, err, aptgraph.EUNAVAILABLE, "cannot reach "+strings.TrimPrefix(u, "http://"))
}

func TestOpenURLCanceled(t *testing.T) {
	srv := testServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	_, err := Open(ctx, srv.URL+"/slow", Options{})
	checkError(t, err, aptgraph.EUNAVAILABLE, "GET "+srv.URL+"/slow: canceled")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want it to wrap context.Canceled", err)
	}
}

func TestOpenURLRedactsPassword(t *testing.T) {
	srv := testServer(t)
	u := strings.Replace(srv.URL, "http://", "http://user:secret@", 1) + "/missing"
	_, err := Open(context.Background(), u, Options{})
	if msg := aptgraph.ErrorMessage(err); strings.Contains(msg, "secret") {
		t.Errorf("message shows the password: %q", msg)
	}
}
