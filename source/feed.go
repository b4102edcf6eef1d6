package source

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aptgraph/aptgraph"
	"github.com/mmcdole/gofeed"
)

// FullTextLen is how many characters of text a feed item needs for its
// content to stand for the article: many feeds carry only a teaser, and
// ingesting that would lose the report.
const FullTextLen = 500

// FeedItem is one entry of an RSS or Atom feed.
type FeedItem struct {
	Title     string
	Link      string    // absolute http(s) URL of the entry's page, or ""
	Published time.Time // zero when the feed gives no date
	Content   string    // the entry's content, or else its summary, as plain text
}

// HasFullText reports whether the item's Content is long enough to be the
// article itself rather than a teaser for it.
func (it FeedItem) HasFullText() bool {
	return utf8.RuneCountInString(it.Content) >= FullTextLen
}

// Feed fetches the RSS or Atom feed at rawURL and returns its items in feed
// order. It returns EUNAVAILABLE, ETOOLARGE and EUNSUPPORTED as Open does for
// URLs, and EINVALID when the body is not a feed.
func Feed(ctx context.Context, rawURL string, opt Options) ([]FeedItem, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return nil, err
	}
	resp, err := fetch(ctx, u, opt, acceptFeed)
	if err != nil {
		return nil, err
	}
	return parseFeed(resp.data, resp.url)
}

// ReadFeed reads an RSS or Atom feed from r. name is where it came from, a
// file name or URL, and may be empty; a URL is the base for relative links.
// It returns ETOOLARGE over the file size cap and EINVALID when the bytes
// are not a feed.
func ReadFeed(ctx context.Context, r io.Reader, name string, opt Options) ([]FeedItem, error) {
	data, err := readAll(r, opt.maxBytes(DefaultFileMaxBytes), -1)
	if err != nil {
		if aptgraph.ErrorCode(err) == aptgraph.ETOOLARGE {
			return nil, err
		}
		return nil, aptgraph.WrapError(aptgraph.EUNAVAILABLE, "cannot read the feed", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, aptgraph.WrapError(aptgraph.EUNAVAILABLE, "reading was canceled", err)
	}
	var base *url.URL
	if isURL(name) {
		base, _ = checkURL(name)
	}
	return parseFeed(data, base)
}

// OpenItem returns the document a feed item stands for: the item itself when
// it carries the full text, else the page at its link, titled and dated by
// the feed when the feed says so, since feeds state both more reliably than
// pages. It only fetches http(s) links, never local files, whatever the feed
// says. It returns what Open returns for the link, and EINVALID "empty
// document" for an item with neither a link nor content.
func OpenItem(ctx context.Context, it FeedItem, opt Options) (*aptgraph.Document, error) {
	if it.HasFullText() || it.Link == "" {
		if strings.TrimSpace(it.Content) == "" {
			return nil, errEmpty
		}
		title := it.Title
		if title == "" {
			title = firstLine(it.Content)
		}
		return &aptgraph.Document{
			Title:     title,
			URL:       it.Link,
			Published: it.Published,
			Text:      it.Content,
			MediaType: MediaHTML,
		}, nil
	}
	u, err := checkURL(it.Link)
	if err != nil {
		return nil, err
	}
	doc, err := openURL(ctx, u, opt)
	if err != nil {
		return nil, err
	}
	if it.Title != "" {
		doc.Title = it.Title
	}
	if !it.Published.IsZero() {
		doc.Published = it.Published
	}
	return doc, nil
}

var errNotFeed = aptgraph.Errorf(aptgraph.EINVALID, "not an RSS or Atom feed")

// parseFeed reads feed bytes; base, when not nil, resolves relative links.
func parseFeed(data []byte, base *url.URL) (items []FeedItem, err error) {
	switch sniff(data, "", "") {
	case kindFeed:
	case kindEmpty:
		return nil, errEmpty
	default:
		if t := trimLeft(data); len(t) == 0 || t[0] != '{' { // JSON Feed
			return nil, errNotFeed
		}
	}
	defer func() {
		if r := recover(); r != nil {
			items, err = nil, aptgraph.WrapError(aptgraph.EINVALID, "malformed feed", fmt.Errorf("gofeed: %v", r))
		}
	}()
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		if err == gofeed.ErrFeedTypeNotDetected {
			return nil, errNotFeed
		}
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "malformed feed", err)
	}
	if base == nil {
		// Relative links in a feed read from a file are relative to the
		// site the feed names.
		if u, err := url.Parse(strings.TrimSpace(f.Link)); err == nil && u.IsAbs() {
			base = u
		}
	}
	items = make([]FeedItem, 0, len(f.Items))
	for _, fi := range f.Items {
		if fi == nil {
			continue
		}
		title := fi.Title
		if strings.ContainsAny(title, "<&") {
			// Atom's type="html" titles, and RSS titles written the
			// same way, arrive still marked up.
			title = htmlText(title)
		}
		it := FeedItem{Title: strings.Join(strings.Fields(title), " ")}
		links := append([]string{fi.Link}, fi.Links...)
		for _, l := range links {
			if abs := absoluteURL(base, l); abs != "" {
				it.Link = abs
				break
			}
		}
		switch {
		case fi.PublishedParsed != nil:
			it.Published = *fi.PublishedParsed
		case fi.UpdatedParsed != nil:
			it.Published = *fi.UpdatedParsed
		default:
			if t, ok := parseDate(fi.Published); ok {
				it.Published = t
			} else if t, ok := parseDate(fi.Updated); ok {
				it.Published = t
			}
		}
		content := fi.Content
		if strings.TrimSpace(content) == "" {
			content = fi.Description
		}
		it.Content = feedText(content)
		items = append(items, it)
	}
	return items, nil
}

// feedText makes plain text of an item's content, which feeds give as HTML
// or, less often, as text whose line breaks are its paragraphs.
func feedText(content string) string {
	content = strings.ToValidUTF8(content, "\uFFFD")
	if !strings.Contains(content, "<") {
		return strings.TrimSpace(string(normalizeNewlines([]byte(content))))
	}
	return htmlText(content)
}
