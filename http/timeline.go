package http

import (
	"sort"
	"strconv"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// timeline is a group's history laid out for an inline SVG: coordinates in
// the SVG's user units, everything else as text that the template escapes.
type timeline struct {
	Width, Height float64
	AxisY         float64
	Left, Right   float64
	Lanes         []lane
	Ticks         []tick
	Bars          []bar // ranges: the group's activity, campaigns
	Dots          []dot // points: reports, claims, targeting
}

type lane struct {
	Label string
	Y     float64 // middle of the lane
}

type tick struct {
	X     float64
	Label string
}

type bar struct {
	X, Y, W float64
	Label   string
	Title   string
}

type dot struct {
	X, Y  float64
	Kind  string // "report", "claim" or "targeting": the CSS class and shape
	Title string
	Href  string
}

const (
	tlWidth  = 960.0
	tlLeft   = 120.0
	tlRight  = 24.0
	tlTop    = 12.0
	tlRow    = 14.0 // height of a stacked row
	tlLaneGp = 14.0
	tlStack  = 4 // rows of a stack of events at one date
)

// layoutTimeline places a dossier's activity ranges and its events on a
// time axis, in three lanes: activity, reports, claims. It returns nil when
// nothing is dated.
func layoutTimeline(d *aptgraph.Dossier, events []*aptgraph.Event) *timeline {
	type rng struct {
		from, to    time.Time
		label, note string
	}
	var ranges []rng
	addRange := func(first, last, label string) {
		f, err := stix.ParseTime(first)
		if err != nil {
			return
		}
		l, err := stix.ParseTime(last)
		if err != nil || l.Before(f) {
			l = f
		}
		note := date(first) + " – " + date(last)
		if last == "" {
			note = "from " + date(first)
		}
		ranges = append(ranges, rng{f, l, label, note})
	}
	addRange(d.FirstSeen, d.LastSeen, d.Name+" active")
	for _, c := range d.Campaigns {
		addRange(c.FirstSeen, c.LastSeen, c.Name)
	}
	type point struct {
		at         time.Time
		kind, text string
		href       string
	}
	var points []point
	for _, e := range events {
		t, err := stix.ParseTime(e.Date)
		if err != nil {
			continue
		}
		p := point{at: t, text: date(e.Date) + ": " + e.What}
		if e.Quote != "" {
			p.text += "\n“" + e.Quote + "”"
		}
		if e.ReportID != "" {
			p.href = reportURL(e.ReportID)
		}
		switch e.Kind {
		case aptgraph.EventReport:
			p.kind = "report"
		case aptgraph.EventClaim:
			p.kind = "claim"
		case aptgraph.EventTargetingStart, aptgraph.EventTargetingEnd:
			p.kind = "targeting"
		default:
			continue // first/last seen and campaigns are drawn as ranges
		}
		points = append(points, p)
	}
	if len(ranges) == 0 && len(points) == 0 {
		return nil
	}
	lo, hi := time.Time{}, time.Time{}
	see := func(t time.Time) {
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if hi.IsZero() || t.After(hi) {
			hi = t
		}
	}
	for _, r := range ranges {
		see(r.from)
		see(r.to)
	}
	for _, p := range points {
		see(p.at)
	}
	start := time.Date(lo.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(hi.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
	tl := &timeline{Width: tlWidth, Left: tlLeft, Right: tlWidth - tlRight}
	span := end.Sub(start).Seconds()
	x := func(t time.Time) float64 { return tlLeft + (tl.Right-tlLeft)*t.Sub(start).Seconds()/span }

	y := tlTop
	// Activity lane: one row per range.
	if len(ranges) > 0 {
		top := y
		for _, r := range ranges {
			w := max(x(r.to)-x(r.from), 3)
			tl.Bars = append(tl.Bars, bar{X: x(r.from), Y: y, W: w, Label: r.label, Title: r.label + " (" + r.note + ")"})
			y += tlRow
		}
		tl.Lanes = append(tl.Lanes, lane{Label: "Activity", Y: (top + y) / 2})
		y += tlLaneGp
	}
	// Point lanes: events at nearly the same x are stacked.
	for _, k := range []struct{ kind, label string }{{"targeting", "Targeting"}, {"report", "Reports"}, {"claim", "Claims"}} {
		var ps []point
		for _, p := range points {
			if p.kind == k.kind {
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 {
			continue
		}
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].at.Before(ps[j].at) })
		top := y
		rows := 1
		lastX, stack := -100.0, 0
		for _, p := range ps {
			px := x(p.at)
			if px-lastX < 10 {
				stack++
			} else {
				stack, lastX = 0, px
			}
			// Stacks wrap after tlStack rows into columns to the left.
			row, col := stack%tlStack, stack/tlStack
			rows = max(rows, row+1)
			tl.Dots = append(tl.Dots, dot{X: px - float64(col)*11, Y: top + tlRow/2 + float64(row)*tlRow*0.8, Kind: p.kind, Title: p.text, Href: p.href})
		}
		y = top + float64(rows-1)*tlRow*0.8 + tlRow
		tl.Lanes = append(tl.Lanes, lane{Label: k.label, Y: (top + y) / 2})
		y += tlLaneGp
	}
	tl.AxisY = y
	years := end.Year() - start.Year()
	step := 1
	for years/step > 12 {
		step++
	}
	for yr := start.Year(); yr <= end.Year(); yr += step {
		tl.Ticks = append(tl.Ticks, tick{X: x(time.Date(yr, 1, 1, 0, 0, 0, 0, time.UTC)), Label: strconv.Itoa(yr)})
	}
	tl.Height = y + 24
	return tl
}
