// Package source turns outside bytes into documents: local files, standard
// input and http(s) URLs holding plain text, HTML or PDF, and RSS or Atom
// feeds whose items become documents. It decides the format from the bytes
// themselves and uses the file extension or Content-Type only as a hint,
// because both are often wrong on the web and on disk.
//
// Every error it returns is an *aptgraph.Error whose message is one line that
// is safe to show a user.
package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph"
)

// Limits used when Options leaves a field zero.
const (
	// DefaultFileMaxBytes caps files and standard input. Local files are
	// trusted more than the web, and long PDF reports with images are big.
	DefaultFileMaxBytes = 64 << 20
	// DefaultURLMaxBytes caps a response body, decompressed.
	DefaultURLMaxBytes = 20 << 20
	// DefaultTimeout bounds one URL fetch, body included.
	DefaultTimeout = 30 * time.Second
	// MaxRedirects is how many redirects a fetch follows before giving up.
	MaxRedirects = 5
	// DefaultUserAgent names aptgraph to the servers it reads from.
	DefaultUserAgent = "aptgraph/0.1 (+https://github.com/aptgraph/aptgraph)"
)

// Media types of the documents that Open and Read return.
const (
	MediaText = "text/plain"
	MediaHTML = "text/html"
	MediaPDF  = "application/pdf"
)

// Options tunes how documents are read. The zero value is ready to use.
type Options struct {
	// MaxBytes caps the bytes read from one source; 0 means
	// DefaultFileMaxBytes for files and standard input and DefaultURLMaxBytes
	// for URLs.
	MaxBytes int64
	// Timeout bounds one URL fetch including its body; 0 means DefaultTimeout.
	Timeout time.Duration
	// Client does the HTTP requests; nil means a client with Go's default
	// transport. Its CheckRedirect, when nil, is replaced by one that follows
	// at most MaxRedirects redirects and only to http or https.
	Client *http.Client
	// UserAgent is sent with every request; "" means DefaultUserAgent.
	UserAgent string
}

func (o Options) maxBytes(def int64) int64 {
	if o.MaxBytes > 0 {
		return o.MaxBytes
	}
	return def
}

// ErrFeed is returned, possibly wrapped, by Open and Read when the document
// is an RSS or Atom feed: a feed holds many documents, so the caller should
// read it with Feed or ReadFeed instead. Test for it with errors.Is.
var ErrFeed = aptgraph.Errorf(aptgraph.EUNSUPPORTED, "this is an RSS or Atom feed; read it as a feed")

// Open reads the document that name refers to: an http or https URL, "-" for
// standard input, or else a file path. It returns EINVALID for empty,
// binary, damaged or textless input, ETOOLARGE over the size cap, ENOTFOUND
// for a missing file, EUNAVAILABLE when a URL cannot be fetched,
// EUNSUPPORTED for other URL schemes, and ErrFeed (EUNSUPPORTED) for feeds.
func Open(ctx context.Context, name string, opt Options) (*aptgraph.Document, error) {
	switch {
	case name == "-":
		return Read(ctx, os.Stdin, "", opt)
	case isURL(name):
		u, err := checkURL(name)
		if err != nil {
			return nil, err
		}
		return openURL(ctx, u, opt)
	default:
		return openFile(ctx, name, opt)
	}
}

// Read reads one document from r. name says where the bytes came from, a file
// name or an http(s) URL, and may be empty: its extension is a format hint,
// and a URL becomes the document's URL and the base for relative links. It
// returns the same errors as Open, less the ones about fetching.
func Read(ctx context.Context, r io.Reader, name string, opt Options) (*aptgraph.Document, error) {
	max := opt.maxBytes(DefaultFileMaxBytes)
	data, err := readAll(r, max, -1)
	if err != nil {
		if aptgraph.ErrorCode(err) == aptgraph.ETOOLARGE {
			return nil, err
		}
		return nil, aptgraph.WrapError(aptgraph.EUNAVAILABLE, "cannot read the document", err)
	}
	in := input{name: name}
	if isURL(name) {
		if u, err := checkURL(name); err == nil {
			in.base = u
		}
	}
	return parse(ctx, data, in)
}

func openFile(ctx context.Context, name string, opt Options) (*aptgraph.Document, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fileError(name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fileError(name, err)
	}
	if fi.IsDir() {
		return nil, aptgraph.Errorf(aptgraph.EINVALID, "%s is a directory", name)
	}
	max := opt.maxBytes(DefaultFileMaxBytes)
	size := int64(-1)
	if fi.Mode().IsRegular() {
		// Refuse before reading: a 2 GB file should fail at once.
		if fi.Size() > max {
			return nil, tooLarge(max)
		}
		size = fi.Size()
	}
	data, err := readAll(f, max, size)
	if err != nil {
		if aptgraph.ErrorCode(err) == aptgraph.ETOOLARGE {
			return nil, err
		}
		return nil, fileError(name, err)
	}
	return parse(ctx, data, input{name: name})
}

// openURL fetches u and reads the document in the response.
func openURL(ctx context.Context, u *url.URL, opt Options) (*aptgraph.Document, error) {
	resp, err := fetch(ctx, u, opt, acceptDocument)
	if err != nil {
		return nil, err
	}
	return parse(ctx, resp.data, input{name: resp.url.String(), base: resp.url, contentType: resp.contentType})
}

func fileError(name string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return aptgraph.WrapError(aptgraph.ENOTFOUND, fmt.Sprintf("no such file: %s", name), err)
	case errors.Is(err, fs.ErrPermission):
		return aptgraph.WrapError(aptgraph.EUNAUTHORIZED, fmt.Sprintf("permission denied: %s", name), err)
	}
	return aptgraph.WrapError(aptgraph.EINVALID, fmt.Sprintf("cannot read %s", name), err)
}

func tooLarge(max int64) error {
	return aptgraph.Errorf(aptgraph.ETOOLARGE, "document is larger than %s", formatSize(max))
}

// formatSize prints a cap the way a user set it: whole MiB when it is one.
func formatSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// readAll reads r to the end, failing with ETOOLARGE past max bytes. size,
// when known (≥ 0), sizes the buffer at once so that a large file is read
// with one allocation and no copying. Errors from r come back unwrapped so
// that the caller can say where it was reading from.
func readAll(r io.Reader, max, size int64) ([]byte, error) {
	var buf bytes.Buffer
	if size >= 0 && size <= max {
		// ReadFrom wants MinRead bytes free before each read, the one
		// that finds EOF too; without them a 50 MB file is copied.
		buf.Grow(int(size) + bytes.MinRead)
	}
	// Reading one byte past the cap tells "exactly max" from "more".
	n, err := buf.ReadFrom(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, tooLarge(max)
	}
	return buf.Bytes(), nil
}

// input is what parse knows about bytes besides the bytes.
type input struct {
	name        string   // file name or URL, for extension hints and titles
	base        *url.URL // URL the bytes came from, nil for local input
	contentType string   // Content-Type header, "" for local input
}

// parse turns bytes into a document by the format they sniff as.
func parse(ctx context.Context, data []byte, in input) (*aptgraph.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, aptgraph.WrapError(aptgraph.EUNAVAILABLE, "reading was canceled", err)
	}
	var (
		doc *aptgraph.Document
		err error
	)
	data = fromUTF16(data)
	switch sniff(data, in.contentType, in.name) {
	case kindEmpty:
		return nil, errEmpty
	case kindBinary:
		return nil, errBinary
	case kindFeed:
		return nil, ErrFeed
	case kindXML:
		return nil, aptgraph.Errorf(aptgraph.EUNSUPPORTED, "XML document that is not HTML, RSS or Atom")
	case kindPDF:
		doc, err = parsePDF(ctx, data)
	case kindHTML:
		doc, err = parseHTML(ctx, data, in.contentType, in.base)
	default:
		doc, err = parseText(data)
	}
	if err != nil {
		return nil, err
	}
	if doc.URL == "" && in.base != nil {
		doc.URL = in.base.String()
	}
	// A stray replacement character ends many titles cut from broken
	// metadata.
	doc.Title = strings.Trim(doc.Title, " \ufffd")
	if doc.Title == "" {
		doc.Title = strings.Trim(firstLine(doc.Text), " \ufffd")
	}
	if doc.Title == "" {
		doc.Title = baseName(in.name)
	}
	return doc, nil
}

var (
	errEmpty  = aptgraph.Errorf(aptgraph.EINVALID, "empty document")
	errBinary = aptgraph.Errorf(aptgraph.EINVALID, "not a text, HTML or PDF document")
)

// isURL reports whether name has the form scheme://..., so that a file named
// "notes:draft.txt" is still read as a file.
func isURL(name string) bool {
	i := strings.Index(name, "://")
	if i < 2 { // one letter is a Windows drive, not a scheme
		return false
	}
	for j, c := range name[:i] {
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' ||
			j > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')
		if !ok {
			return false
		}
	}
	return true
}

// baseName is the last element of a path or URL path, used as a title of last
// resort.
func baseName(name string) string {
	if name == "" || name == "-" {
		return ""
	}
	if isURL(name) {
		if u, err := parseURL(name); err == nil {
			if b := path.Base(u.Path); b != "/" && b != "." {
				return b
			}
			return u.Host
		}
	}
	return filepath.Base(name)
}

// extension returns the lower-case extension of a file name or URL path.
func extension(name string) string {
	if isURL(name) {
		if u, err := parseURL(name); err == nil {
			name = u.Path
		}
	}
	return strings.ToLower(path.Ext(filepath.ToSlash(name)))
}
