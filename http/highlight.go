package http

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// segment is a run of text, marked or not. Templates escape Text; nothing
// here is trusted HTML.
type segment struct {
	Text    string
	Mark    bool
	Focus   bool     // the passage a link asked to show
	Title   string   // what the marked text is evidence of
	Anchors []string // ids of elements to place before the text
}

// span is a stretch of text that is evidence for one object.
type span struct {
	start, end int
	obj        int // index into the objects, or -1 for the focus
}

// highlight cuts text into segments, marking the evidence spans of objs
// (those of their evidence that cites a report whose text this is: the
// caller passes only such objects) and the focus span. Offsets are byte
// offsets; a span that is out of range or cuts a character in two is
// skipped. It also returns, for each object, the anchor of its first span,
// or "" when it has none.
func highlight(text string, objs []*stix.Object, focus [2]int) ([]segment, []string) {
	ok := func(s, e int) bool {
		return 0 <= s && s < e && e <= len(text) && utf8.RuneStart(text[s]) && (e == len(text) || utf8.RuneStart(text[e]))
	}
	var spans []span
	anchors := make([]string, len(objs))
	for i, o := range objs {
		for _, ev := range o.Evidence {
			if ok(ev.Start, ev.End) {
				spans = append(spans, span{ev.Start, ev.End, i})
				if anchors[i] == "" {
					anchors[i] = fmt.Sprintf("o%d", i)
				}
			}
		}
	}
	hasFocus := ok(focus[0], focus[1])
	if hasFocus {
		spans = append(spans, span{focus[0], focus[1], -1})
	}
	cuts := []int{0, len(text)}
	for _, s := range spans {
		cuts = append(cuts, s.start, s.end)
	}
	sort.Ints(cuts)
	// The first span of each object anchors it where it starts.
	firstAt := map[int][]string{}
	for i, o := range objs {
		_ = o
		if anchors[i] == "" {
			continue
		}
		for _, s := range spans {
			if s.obj == i {
				firstAt[s.start] = append(firstAt[s.start], anchors[i])
				break
			}
		}
	}
	if hasFocus {
		firstAt[focus[0]] = append(firstAt[focus[0]], "hl")
	}
	var segs []segment
	for k := 0; k+1 < len(cuts); k++ {
		a, b := cuts[k], cuts[k+1]
		if a == b {
			continue
		}
		seg := segment{Text: text[a:b], Anchors: firstAt[a]}
		delete(firstAt, a)
		var names []string
		seen := map[string]bool{}
		for _, s := range spans {
			if s.start > a || s.end < b {
				continue
			}
			if s.obj < 0 {
				seg.Focus = true
				continue
			}
			seg.Mark = true
			n := objs[s.obj].Type + ": " + displayName(objs[s.obj])
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
		seg.Title = strings.Join(names, "\n")
		segs = append(segs, seg)
	}
	return segs, anchors
}

// snippet cuts a search snippet into segments at the store's match marks.
func snippet(s string) []segment {
	var segs []segment
	mark := false
	for s != "" {
		i := strings.IndexAny(s, aptgraph.MatchStart+aptgraph.MatchEnd)
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			segs = append(segs, segment{Text: s[:i], Mark: mark})
		}
		if i == len(s) {
			break
		}
		mark = s[i:i+1] == aptgraph.MatchStart
		s = s[i+1:]
	}
	return segs
}
