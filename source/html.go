package source

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aptgraph/aptgraph"
	readability "github.com/go-shiori/go-readability"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// minWords is how many words outside links a page must have to count as
// having readable text. Pages that are all scripts and menus have a handful
// ("Loading…", "Enable JavaScript"); the shortest real note has more.
const minWords = 8

// longArticle is how many words go-readability must find for its choice to
// stand without a second look; it is about the 500 characters below which
// go-readability itself retries with looser rules.
const longArticle = 80

// maxElements bounds the pages that go-readability scores: its passes are
// far from linear, and a page this big is a dump, not an article, so the
// plain body walk reads it instead.
const maxElements = 50000

var errNoHTMLText = aptgraph.Errorf(aptgraph.EINVALID, "no readable text in HTML document")

// parseHTML reads an HTML document: main text, title, URL and date.
func parseHTML(ctx context.Context, data []byte, contentType string, base *url.URL) (*aptgraph.Document, error) {
	data = htmlToUTF8(data, contentType)
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		// Only nesting deeper than 512 elements fails to parse, as
		// pages with thousands of unclosed <div>s do; read those
		// token by token.
		facts, text, words := tokenWalk(data)
		if words < minWords {
			return nil, errNoHTMLText
		}
		m := readMeta(facts, base)
		return &aptgraph.Document{Title: m.title, URL: m.url, Published: m.published, Text: text, MediaType: MediaHTML}, nil
	}
	m := readMeta(root, base)
	if err := ctx.Err(); err != nil {
		return nil, aptgraph.WrapError(aptgraph.EUNAVAILABLE, "reading was canceled", err)
	}
	text, words := "", 0
	if article := readable(root, base); article != nil {
		text, words = render(article, false)
	}
	if words < longArticle {
		// go-readability found nothing, or little enough that it may be
		// a footer or a cookie notice: the page has readable text only
		// if it has some outside such furniture.
		plain, plainWords := render(root, true)
		if plainWords < minWords {
			return nil, errNoHTMLText
		}
		if words < minWords || plainWords > 4*words {
			// Nothing, or a scrap of a page that has much more text:
			// losing part of a report costs more than keeping a
			// sidebar.
			text = plain
		}
	}
	return &aptgraph.Document{
		Title:     m.title,
		URL:       m.url,
		Published: m.published,
		Text:      text,
		MediaType: MediaHTML,
	}, nil
}

// htmlToUTF8 decodes an HTML document as browsers would: byte order mark,
// then the Content-Type charset, then <meta charset>. A declaration found only
// in the page loses to valid UTF-8, which pages often mislabel as Latin-1.
func htmlToUTF8(data []byte, contentType string) []byte {
	enc, name, certain := charset.DetermineEncoding(data, contentType)
	if name == "utf-8" || !certain && utf8.Valid(data) {
		return toValidUTF8(bytes.TrimPrefix(data, utf8BOM))
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return toValidUTF8(data)
	}
	return out
}

// readable runs go-readability on a copy of root and returns the node that
// holds the article, or nil. go-readability is a line-by-line port of
// JavaScript and can panic on odd pages; such a page gets the plain walk.
func readable(root *html.Node, base *url.URL) (article *html.Node) {
	defer func() {
		if recover() != nil {
			article = nil
		}
	}()
	p := readability.NewParser()
	p.MaxElemsToParse = maxElements
	a, err := p.ParseDocument(root, base)
	if err != nil || a.Node == nil {
		return nil
	}
	// Node is the first child of the article container; the container
	// holds all of it.
	if a.Node.Parent != nil {
		return a.Node.Parent
	}
	return a.Node
}

// htmlText returns the text of an HTML fragment, as found in feed items.
func htmlText(fragment string) string {
	root, err := html.Parse(strings.NewReader(fragment))
	if err != nil {
		return ""
	}
	text, _ := render(root, false)
	return text
}

// Block levels: how far apart the text before and after an element is.
const (
	inline    = 0
	line      = 1 // a line break
	paragraph = 2 // a blank line
)

// blockLevel is how an element separates its text from its neighbours.
var blockLevel = map[atom.Atom]int{
	atom.Li: line, atom.Dt: line, atom.Dd: line, atom.Tr: line,
	atom.Caption: line, atom.Figcaption: line, atom.Summary: line, atom.Legend: line,

	atom.P: paragraph, atom.Div: paragraph, atom.H1: paragraph, atom.H2: paragraph,
	atom.H3: paragraph, atom.H4: paragraph, atom.H5: paragraph, atom.H6: paragraph,
	atom.Blockquote: paragraph, atom.Pre: paragraph, atom.Table: paragraph,
	atom.Ul: paragraph, atom.Ol: paragraph, atom.Dl: paragraph, atom.Figure: paragraph,
	atom.Address: paragraph, atom.Article: paragraph, atom.Section: paragraph,
	atom.Main: paragraph, atom.Header: paragraph, atom.Footer: paragraph,
	atom.Nav: paragraph, atom.Aside: paragraph, atom.Details: paragraph,
	atom.Fieldset: paragraph, atom.Center: paragraph, atom.Hr: paragraph,
	atom.Body: paragraph, atom.Form: paragraph,
}

// skipAlways are elements whose content is never text a reader sees.
var skipAlways = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true,
	atom.Template: true, atom.Svg: true, atom.Math: true, atom.Iframe: true,
	atom.Object: true, atom.Embed: true, atom.Canvas: true, atom.Video: true,
	atom.Audio: true, atom.Select: true, atom.Button: true, atom.Textarea: true,
	atom.Input: true, atom.Title: true,
}

// skipFurniture are elements that hold navigation and boilerplate rather
// than the document; the plain walk leaves them out.
var skipFurniture = map[atom.Atom]bool{
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Form: true, atom.Dialog: true, atom.Menu: true,
}

// render returns the text under n as paragraphs separated by blank lines,
// with headings, list items and table rows on lines of their own, and the
// number of words outside links, which tells prose from menus. plain drops
// page furniture and hidden elements, for pages go-readability gave up on.
func render(n *html.Node, plain bool) (string, int) {
	w := &textWriter{}
	w.walk(n, plain)
	return strings.TrimSpace(w.b.String()), w.words
}

// textWriter accumulates text, holding back separators until the next word
// so that no line starts or ends with a space and breaks never pile up.
type textWriter struct {
	b      strings.Builder
	brk    int    // pending break level
	sep    string // pending separator within a line: " " or "\t"
	words  int    // words written outside links
	links  int    // depth of <a> elements
	pre    int    // depth of <pre> elements
	lists  int    // depth of lists, so nested lists are not set apart
	budget int    // elements visited, to stop pathological nesting
}

func (w *textWriter) breakAt(level int) {
	w.brk = max(w.brk, level)
}

func (w *textWriter) flush() {
	if w.b.Len() > 0 {
		switch {
		case w.brk == paragraph:
			w.b.WriteString("\n\n")
		case w.brk == line:
			w.b.WriteByte('\n')
		case w.sep != "":
			w.b.WriteString(w.sep)
		}
	}
	w.brk, w.sep = inline, ""
}

// invisible are characters that split words for a reader of bytes but not
// for a reader of the page: zero-width spaces, soft hyphens, a stray BOM.
func invisible(r rune) rune {
	switch r {
	case '\u200b', '\u00ad', '\ufeff', '\u2060':
		return -1
	}
	return r
}

func (w *textWriter) text(s string) {
	s = strings.Map(invisible, s)
	if w.pre > 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		for i, ln := range strings.Split(s, "\n") {
			if i > 0 {
				w.breakAt(line)
			}
			if strings.TrimSpace(ln) == "" {
				continue
			}
			w.flush()
			w.b.WriteString(strings.TrimRightFunc(ln, unicode.IsSpace))
			if w.links == 0 {
				w.words += len(strings.Fields(ln))
			}
		}
		return
	}
	for len(s) > 0 {
		i := strings.IndexFunc(s, unicode.IsSpace)
		if i == 0 {
			if w.sep == "" {
				w.sep = " "
			}
			_, n := utf8.DecodeRuneInString(s)
			s = s[n:]
			continue
		}
		word := s
		if i > 0 {
			word, s = s[:i], s[i:]
		} else {
			s = ""
		}
		w.flush()
		w.b.WriteString(word)
		if w.links == 0 {
			w.words++
		}
	}
}

func (w *textWriter) walk(n *html.Node, plain bool) {
	w.budget++
	if w.budget > 1_000_000 {
		return
	}
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c, plain)
		}
		return
	default:
		return
	}
	tag := tagOf(n)
	if n.Namespace != "" || skipAlways[tag] {
		return
	}
	if plain && (skipFurniture[tag] || hidden(n)) {
		return
	}
	switch tag {
	case atom.Br:
		if w.brk == line { // a blank line made of <br><br>
			w.breakAt(paragraph)
		}
		w.breakAt(line)
		return
	case atom.Td, atom.Th:
		if n.PrevSibling != nil {
			w.sep = "\t"
		}
	case atom.A:
		w.links++
		defer func() { w.links-- }()
	case atom.Pre:
		w.pre++
		defer func() { w.pre-- }()
	}
	level := blockLevel[tag]
	if w.lists > 0 && (tag == atom.Ul || tag == atom.Ol) {
		level = line
	}
	w.breakAt(level)
	if tag == atom.Ul || tag == atom.Ol || tag == atom.Dl {
		w.lists++
		defer func() { w.lists-- }()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, plain)
	}
	w.breakAt(level)
}

// tagOf returns n's element name as an atom. go-readability renames
// elements (div to p) by setting Data alone, leaving DataAtom stale.
func tagOf(n *html.Node) atom.Atom {
	return atom.Lookup([]byte(n.Data))
}

// tokenWalk reads a page that does not parse into a tree, with the rules
// of the plain walk applied to a stream of tags. It returns the text, its
// words outside links, and a flat document holding the elements readMeta
// looks at: meta, link, time, and title, h1 and JSON-LD with their text.
func tokenWalk(data []byte) (facts *html.Node, text string, words int) {
	facts = &html.Node{Type: html.DocumentNode}
	w := &textWriter{}
	z := html.NewTokenizer(bytes.NewReader(data))
	var (
		skip      atom.Atom // the element whose content is left out
		skipDepth int       // how many of it are open
		capture   *html.Node
	)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return facts, strings.TrimSpace(w.b.String()), w.words
		case html.TextToken:
			if capture != nil {
				capture.FirstChild.Data += string(z.Text())
			}
			if skip == 0 {
				w.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			a := tok.DataAtom
			el := &html.Node{Type: html.ElementNode, Data: tok.Data, DataAtom: a, Attr: tok.Attr}
			switch {
			case a == atom.Meta || a == atom.Link || a == atom.Time:
				facts.AppendChild(el)
			case tt == html.StartTagToken && (a == atom.Title || a == atom.H1 ||
				a == atom.Script && strings.EqualFold(strings.TrimSpace(attr(el, "type")), "application/ld+json")):
				el.AppendChild(&html.Node{Type: html.TextNode})
				facts.AppendChild(el)
				capture = el
			}
			if skip != 0 {
				if a == skip && tt == html.StartTagToken {
					skipDepth++
				}
				continue
			}
			if skipAlways[a] || skipFurniture[a] || hidden(el) {
				if tt == html.StartTagToken && !voidElements[a] {
					skip, skipDepth = a, 1
				}
				continue
			}
			switch a {
			case atom.Br:
				if w.brk == line {
					w.breakAt(paragraph)
				}
				w.breakAt(line)
			case atom.Td, atom.Th:
				w.sep = "\t"
			case atom.A:
				w.links++
			case atom.Pre:
				w.pre++
			}
			w.breakAt(blockLevel[a])
		case html.EndTagToken:
			a := z.Token().DataAtom
			if capture != nil && a == capture.DataAtom {
				capture = nil
			}
			if skip != 0 {
				if a == skip {
					if skipDepth--; skipDepth == 0 {
						skip = 0
					}
				}
				continue
			}
			switch {
			case a == atom.A && w.links > 0:
				w.links--
			case a == atom.Pre && w.pre > 0:
				w.pre--
			}
			w.breakAt(blockLevel[a])
		}
	}
}

// voidElements have no end tag, so skipping one must not wait for it.
var voidElements = map[atom.Atom]bool{
	atom.Input: true, atom.Embed: true, atom.Meta: true, atom.Link: true,
	atom.Br: true, atom.Hr: true, atom.Img: true,
}

// hidden reports whether the page hides n from readers.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "style":
			s := strings.ToLower(strings.ReplaceAll(a.Val, " ", ""))
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// meta is what a page says about itself.
type meta struct {
	title     string
	url       string
	published time.Time
}

// pageFacts are the raw values found in one walk of the page.
type pageFacts struct {
	meta      map[string]string // first content of each meta name, property or itemprop, lower-case key
	title     string            // <title>
	h1        string
	canonical string
	pubTime   string // <time datetime> marked as the publication date
	anyTime   string // the first <time datetime>
	jsonLD    []string
}

// readMeta finds the title, canonical URL and publication date of a page.
func readMeta(root *html.Node, base *url.URL) meta {
	f := pageFacts{meta: map[string]string{}}
	f.collect(root, 0)
	ld := readJSONLD(f.jsonLD)

	var m meta
	m.title = firstNonEmpty(f.meta["og:title"], f.meta["twitter:title"], ld.headline, f.title, f.h1)
	m.title = shorten(strings.Join(strings.Fields(m.title), " "), 300)

	for _, u := range []string{f.canonical, f.meta["og:url"], ld.url} {
		if abs := absoluteURL(base, u); abs != "" {
			m.url = abs
			break
		}
	}

	// Publication first, then modification, then a bare <time>: a date
	// that a page does not call its publication date is a weaker guess.
	for _, s := range []string{
		f.meta["article:published_time"], ld.published, f.meta["datepublished"],
		f.meta["date"], f.meta["dc.date"], f.meta["dc.date.issued"], f.meta["dcterms.date"],
		f.meta["dcterms.issued"], f.meta["dcterms.created"], f.meta["dc.date.created"],
		f.meta["pubdate"], f.meta["publishdate"], f.meta["publish-date"], f.meta["publish_date"],
		f.meta["citation_publication_date"], f.meta["parsely-pub-date"], f.meta["sailthru.date"],
		f.meta["og:published_time"], f.pubTime, ld.created,
		f.meta["article:modified_time"], f.meta["og:updated_time"], ld.modified,
		f.meta["datemodified"], f.meta["dcterms.modified"], f.anyTime,
	} {
		if t, ok := parseDate(s); ok {
			m.published = t
			break
		}
	}
	return m
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// absoluteURL resolves ref against base and returns it if it is an http(s)
// URL with a host, or "" when it is not one we would call the page's URL.
func absoluteURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// collect walks the page once for the facts readMeta needs.
func (f *pageFacts) collect(n *html.Node, depth int) {
	if depth > 512 { // the parser caps nesting too; this keeps the stack small
		return
	}
	if n.Type == html.ElementNode && n.Namespace == "" {
		switch n.DataAtom {
		case atom.Meta:
			content := attr(n, "content")
			for _, k := range []string{"property", "name", "itemprop"} {
				if key := strings.ToLower(strings.TrimSpace(attr(n, k))); key != "" && content != "" {
					if _, seen := f.meta[key]; !seen {
						f.meta[key] = content
					}
				}
			}
		case atom.Title:
			if f.title == "" {
				f.title = nodeText(n)
			}
		case atom.H1:
			if f.h1 == "" {
				f.h1 = nodeText(n)
			}
		case atom.Link:
			if f.canonical == "" && hasToken(attr(n, "rel"), "canonical") {
				f.canonical = attr(n, "href")
			}
		case atom.Time:
			if dt := attr(n, "datetime"); dt != "" {
				if f.anyTime == "" {
					f.anyTime = dt
				}
				if f.pubTime == "" && (hasAttr(n, "pubdate") || strings.EqualFold(attr(n, "itemprop"), "datePublished")) {
					f.pubTime = dt
				}
			}
		case atom.Script:
			if strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json") && n.FirstChild != nil {
				f.jsonLD = append(f.jsonLD, n.FirstChild.Data)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		f.collect(c, depth+1)
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// nodeText is the text under n with white space collapsed.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// linkedData is what readMeta takes from JSON-LD.
type linkedData struct {
	headline, url                string
	published, created, modified string
}

// articleTypes are schema.org types whose dates are the document's own, as
// against those of the site (WebSite) or the publisher (Organization).
var articleTypes = regexp.MustCompile(`(?i)article|posting|report|webpage`)

// readJSONLD reads schema.org facts from the page's JSON-LD scripts. Objects
// of an article type win over others; sites often also describe their
// WebSite and logo. Broken JSON, which is common, still gives its
// datePublished by a plain search.
func readJSONLD(scripts []string) linkedData {
	var best, all linkedData
	for _, s := range scripts {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			if all.published == "" {
				if m := ldDateRE.FindStringSubmatch(s); m != nil {
					all.published = m[1]
				}
			}
			continue
		}
		walkJSONLD(v, 0, func(obj map[string]any) {
			d := linkedData{
				headline:  ldString(obj["headline"]),
				url:       ldString(obj["url"]),
				published: ldString(obj["datePublished"]),
				created:   ldString(obj["dateCreated"]),
				modified:  ldString(obj["dateModified"]),
			}
			if d.published == "" && d.created == "" && d.modified == "" && d.headline == "" {
				return
			}
			if best.published == "" && best.headline == "" && articleTypes.MatchString(fmt.Sprint(obj["@type"])) {
				best = d
			}
			all = mergeLD(all, d)
		})
	}
	return mergeLD(best, all)
}

var ldDateRE = regexp.MustCompile(`"datePublished"\s*:\s*"([^"]{4,64})"`)

// mergeLD fills the empty fields of a from b.
func mergeLD(a, b linkedData) linkedData {
	fill := func(x *string, y string) {
		if *x == "" {
			*x = y
		}
	}
	fill(&a.headline, b.headline)
	fill(&a.url, b.url)
	fill(&a.published, b.published)
	fill(&a.created, b.created)
	fill(&a.modified, b.modified)
	return a
}

// walkJSONLD calls fn for every object in v, outermost first.
func walkJSONLD(v any, depth int, fn func(map[string]any)) {
	if depth > 32 {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		fn(v)
		for _, k := range []string{"@graph", "mainEntity", "mainEntityOfPage", "itemListElement"} {
			walkJSONLD(v[k], depth+1, fn)
		}
	case []any:
		for _, e := range v {
			walkJSONLD(e, depth+1, fn)
		}
	}
}

// ldString reads a JSON-LD value that should be text: a string, the first
// of a list, or an object's @value or @id.
func ldString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		if len(v) > 0 {
			return ldString(v[0])
		}
	case map[string]any:
		if s := ldString(v["@value"]); s != "" {
			return s
		}
		return ldString(v["@id"])
	}
	return ""
}
