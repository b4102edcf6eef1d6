package aptgraph

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aptgraph/aptgraph/stix"
)

// GroupFilter selects groups for FindGroups. Zero fields do not filter; the
// others must all match. Text matches ignore case and runs of white space.
type GroupFilter struct {
	// TargetsSector is a sector the group targets, by the name of a sector
	// class ("aerospace", "maritime") or a sector of a victim organisation;
	// "government" also matches "government-national".
	TargetsSector string
	// TargetsCountry is a country the group targets, by name ("Japan") or
	// ISO 3166-1 alpha-2 code ("JP").
	TargetsCountry string
	// Sponsor is who a claim attributes the group to: the sponsor's name, an
	// alias or its initials ("MSS" for Ministry of State Security), or the
	// sponsor's country or the group's own origin, by name or code ("China").
	Sponsor string
	// Uses is a technique the group uses, by ATT&CK id ("T1566" also matches
	// its sub-techniques) or name, or a malware family or tool by name or
	// alias.
	Uses string
	// ActiveSince keeps the groups whose activity (see GroupSummary.LastSeen)
	// reaches this time or later.
	ActiveSince time.Time
}

// GroupSummary is one line about a group, as FindGroups lists them.
type GroupSummary struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Aliases   []string `json:"aliases"`
	Sponsors  []string `json:"sponsors"`  // sponsors named by claims, sorted
	Countries []string `json:"countries"` // countries targeted, sorted
	Sectors   []string `json:"sectors"`   // sectors targeted, sorted

	// FirstSeen and LastSeen bound the group's known activity: its own
	// first_seen and last_seen, its campaigns', and the start and stop times
	// of its targeting. A range that starts and never stops lasts until the
	// newest report that states it. A group with no dated activity at all is
	// seen when the reports that name it were published.
	FirstSeen string `json:"first_seen,omitempty"`
	LastSeen  string `json:"last_seen,omitempty"`

	Reports int `json:"reports"` // reports that give evidence about it
}

// graph is the part of the store around a set of groups, read in a few
// queries.
type graph struct {
	groups []*stix.Object
	out    map[string][]*stix.Object // relationships from each group
	in     map[string][]*stix.Object // attributed-to relationships to each group
	objs   map[string]*stix.Object   // every object at the other end, claimants and reports
	locs   map[string][]string       // located-at: source id -> location ids
}

// loadGraph reads the groups and what they connect to.
func loadGraph(ctx context.Context, s Store, groups []*stix.Object) (*graph, error) {
	g := &graph{groups: groups, out: map[string][]*stix.Object{}, in: map[string][]*stix.Object{},
		objs: map[string]*stix.Object{}, locs: map[string][]string{}}
	if len(groups) == 0 {
		return g, nil
	}
	ids := make([]string, len(groups))
	for i, o := range groups {
		ids[i] = o.ID
		g.objs[o.ID] = o
	}
	out, err := s.Relationships(ctx, RelationshipFilter{SourceRefs: ids})
	if err != nil {
		return nil, err
	}
	in, err := s.Relationships(ctx, RelationshipFilter{TargetRefs: ids, Types: []string{"attributed-to"}})
	if err != nil {
		return nil, err
	}
	need := map[string]bool{}
	for _, o := range groups {
		for _, e := range o.Evidence {
			need[e.ReportRef] = true
		}
	}
	// needRel marks what a relationship names besides the group: the object
	// at its other end, its claimant and its reports.
	needRel := func(r *stix.Object, other string) {
		need[other] = true
		if r.CreatedByRef != "" {
			need[r.CreatedByRef] = true
		}
		for _, e := range r.Evidence {
			need[e.ReportRef] = true
		}
	}
	for _, r := range out {
		g.out[r.SourceRef] = append(g.out[r.SourceRef], r)
		needRel(r, r.TargetRef)
	}
	for _, r := range in {
		g.in[r.TargetRef] = append(g.in[r.TargetRef], r)
		needRel(r, r.SourceRef)
	}
	if err := g.fetch(ctx, s, need); err != nil {
		return nil, err
	}
	// Where the sponsors are: their located-at relationships and countries.
	var sponsors []string
	for _, r := range out {
		if r.RelationshipType == "attributed-to" {
			sponsors = append(sponsors, r.TargetRef)
		}
	}
	if len(sponsors) > 0 {
		rels, err := s.Relationships(ctx, RelationshipFilter{SourceRefs: sponsors, Types: []string{"located-at"}})
		if err != nil {
			return nil, err
		}
		need := map[string]bool{}
		for _, r := range rels {
			g.locs[r.SourceRef] = append(g.locs[r.SourceRef], r.TargetRef)
			need[r.TargetRef] = true
		}
		if err := g.fetch(ctx, s, need); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// fetch reads the objects in need that g does not hold yet.
func (g *graph) fetch(ctx context.Context, s Store, need map[string]bool) error {
	var list []string
	for id := range need {
		if id != "" && g.objs[id] == nil {
			list = append(list, id)
		}
	}
	if len(list) == 0 {
		return nil
	}
	sort.Strings(list)
	stored, err := s.Objects(ctx, ObjectFilter{IDs: list})
	if err != nil {
		return err
	}
	for _, o := range stored {
		g.objs[o.Object.ID] = o.Object
	}
	return nil
}

// name returns the name of the object id, or id when it is unknown.
func (g *graph) name(id string) string {
	if o := g.objs[id]; o != nil {
		if o.Name != "" {
			return o.Name
		}
		if o.Value != "" {
			return o.Value
		}
	}
	return id
}

// reportRef describes the stored report id.
func (g *graph) reportRef(id string) *ReportRef {
	o := g.objs[id]
	if o == nil {
		return &ReportRef{ID: id, Name: id}
	}
	rr := &ReportRef{ID: id, Name: o.Name, Published: o.Published}
	if len(o.ExternalReferences) > 0 {
		rr.URL = o.ExternalReferences[0].URL
	}
	return rr
}

// claim turns an attributed-to relationship into a Claim.
func (g *graph) claim(r *stix.Object) *Claim {
	c := &Claim{ID: r.ID, Claimant: g.name(r.CreatedByRef), Group: g.name(r.SourceRef), Sponsor: g.name(r.TargetRef),
		Confidence: r.Confidence, Hedge: r.Hedge, Date: r.Created}
	if r.CreatedByRef == "" {
		c.Claimant = ""
	}
	seen := map[string]bool{}
	for _, e := range r.Evidence {
		c.Quotes = append(c.Quotes, e.Quote)
		if seen[e.ReportRef] {
			continue
		}
		seen[e.ReportRef] = true
		rr := g.reportRef(e.ReportRef)
		c.Reports = append(c.Reports, rr)
		if rr.Published != "" {
			c.Date = rr.Published
		}
	}
	return c
}

// reportsOf returns the ids of the reports that give evidence about group,
// sorted.
func (g *graph) reportsOf(group *stix.Object) []string {
	set := map[string]bool{}
	for _, e := range group.Evidence {
		set[e.ReportRef] = true
	}
	for _, r := range g.out[group.ID] {
		for _, e := range r.Evidence {
			set[e.ReportRef] = true
		}
	}
	var ids []string
	for id := range set {
		if id != "" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// newestPublished returns the newest published date of the reports that
// evidence cites, or "".
func (g *graph) newestPublished(ev []stix.Evidence) string {
	var best string
	for _, e := range ev {
		if o := g.objs[e.ReportRef]; o != nil && later(o.Published, best) {
			best = o.Published
		}
	}
	return best
}

// later reports whether timestamp a is later than b; an unreadable or empty
// a never is, and anything readable is later than an empty b.
func later(a, b string) bool {
	ta, err := stix.ParseTime(a)
	if err != nil {
		return false
	}
	tb, err := stix.ParseTime(b)
	if err != nil {
		return true
	}
	return ta.After(tb)
}

// span returns the first and last time of group's activity, as
// GroupSummary describes them.
func (g *graph) span(group *stix.Object) (first, last string) {
	add := func(start, stop string, ev []stix.Evidence) {
		if start != "" && (first == "" || later(first, start)) {
			first = start
		}
		if stop == "" && start != "" {
			stop = g.newestPublished(ev)
			if stop == "" || later(start, stop) {
				stop = start
			}
		}
		if stop != "" && later(stop, last) {
			last = stop
		}
		if start == "" && stop != "" && (first == "" || later(first, stop)) {
			first = stop
		}
	}
	add(group.FirstSeen, group.LastSeen, group.Evidence)
	for _, r := range g.out[group.ID] {
		if r.RelationshipType == "targets" {
			add(r.StartTime, r.StopTime, r.Evidence)
		}
	}
	for _, r := range g.in[group.ID] {
		if c := g.objs[r.SourceRef]; c != nil && c.Type == "campaign" {
			add(c.FirstSeen, c.LastSeen, append(append([]stix.Evidence{}, c.Evidence...), r.Evidence...))
		}
	}
	if first == "" && last == "" {
		for _, id := range g.reportsOf(group) {
			if o := g.objs[id]; o != nil && o.Published != "" {
				add(o.Published, o.Published, nil)
			}
		}
	}
	return first, last
}

// FindGroups returns the stored groups that match f, sorted by name.
func FindGroups(ctx context.Context, s Store, f GroupFilter) ([]*GroupSummary, error) {
	stored, err := s.Objects(ctx, ObjectFilter{Types: []string{"intrusion-set"}})
	if err != nil {
		return nil, err
	}
	groups := make([]*stix.Object, len(stored))
	for i, o := range stored {
		groups[i] = o.Object
	}
	g, err := loadGraph(ctx, s, groups)
	if err != nil {
		return nil, err
	}
	list := []*GroupSummary{}
	for _, grp := range groups {
		sum := g.summary(grp)
		if f.TargetsSector != "" && !g.targetsSector(grp, f.TargetsSector) ||
			f.TargetsCountry != "" && !g.targetsCountry(grp, f.TargetsCountry) ||
			f.Sponsor != "" && !g.sponsoredBy(grp, f.Sponsor) ||
			f.Uses != "" && !g.uses(grp, f.Uses) {
			continue
		}
		if !f.ActiveSince.IsZero() {
			t, err := stix.ParseTime(sum.LastSeen)
			if err != nil || t.Before(f.ActiveSince) {
				continue
			}
		}
		list = append(list, sum)
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := NameKey(list[i].Name), NameKey(list[j].Name)
		if a != b {
			return a < b
		}
		return list[i].ID < list[j].ID
	})
	return list, nil
}

// summary sums up one group.
func (g *graph) summary(grp *stix.Object) *GroupSummary {
	sum := &GroupSummary{ID: grp.ID, Name: grp.Name, Aliases: append([]string{}, grp.Aliases...)}
	sponsors, countries, sectors := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range g.out[grp.ID] {
		o := g.objs[r.TargetRef]
		if o == nil {
			continue
		}
		switch r.RelationshipType {
		case "attributed-to":
			sponsors[o.Name] = true
		case "targets":
			switch {
			case o.Type == "location" && o.Name != "":
				countries[o.Name] = true
			case o.Type == "identity" && o.IdentityClass == "class":
				sectors[o.Name] = true
			}
		}
	}
	sum.Sponsors, sum.Countries, sum.Sectors = sortedKeys(sponsors), sortedKeys(countries), sortedKeys(sectors)
	sum.FirstSeen, sum.LastSeen = g.span(grp)
	sum.Reports = len(g.reportsOf(grp))
	return sum
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// targetsOf returns the objects group targets.
func (g *graph) targetsOf(grp *stix.Object, typ string) []*stix.Object {
	var out []*stix.Object
	for _, r := range g.out[grp.ID] {
		if r.RelationshipType != "targets" {
			continue
		}
		if o := g.objs[r.TargetRef]; o != nil && o.Type == typ {
			out = append(out, o)
		}
	}
	return out
}

func (g *graph) targetsSector(grp *stix.Object, sector string) bool {
	key := NameKey(sector)
	match := func(s string) bool {
		k := NameKey(s)
		return k == key || strings.HasPrefix(k, key+"-") || strings.ReplaceAll(k, "-", " ") == key
	}
	for _, o := range g.targetsOf(grp, "identity") {
		if o.IdentityClass == "class" && match(o.Name) {
			return true
		}
		for _, s := range o.Sectors {
			if match(s) {
				return true
			}
		}
	}
	return false
}

func (g *graph) targetsCountry(grp *stix.Object, country string) bool {
	for _, o := range g.targetsOf(grp, "location") {
		if isPlace(o, country) {
			return true
		}
	}
	return false
}

// isPlace reports whether the location o is the one named or coded q.
func isPlace(o *stix.Object, q string) bool {
	k := NameKey(q)
	return k != "" && (NameKey(o.Name) == k || o.Country != "" && strings.EqualFold(o.Country, k))
}

// namesMatch reports whether q is o's name, one of its aliases, or, for a
// single word of capitals, the initials of its name ("MSS").
func namesMatch(o *stix.Object, q string) bool {
	k := NameKey(q)
	if k == "" {
		return false
	}
	if NameKey(o.Name) == k {
		return true
	}
	for _, a := range o.Aliases {
		if NameKey(a) == k {
			return true
		}
	}
	if strings.ContainsAny(q, " \t") || len(q) < 2 {
		return false
	}
	return strings.EqualFold(initials(o.Name), q)
}

// initials returns the first letters of the capitalised words of name:
// "Ministry of State Security" gives "MSS".
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		r := []rune(w)
		if unicode.IsUpper(r[0]) {
			b.WriteRune(r[0])
		}
	}
	if b.Len() < 2 {
		return ""
	}
	return b.String()
}

func (g *graph) sponsoredBy(grp *stix.Object, q string) bool {
	for _, r := range g.out[grp.ID] {
		o := g.objs[r.TargetRef]
		if o == nil {
			continue
		}
		switch r.RelationshipType {
		case "attributed-to":
			if namesMatch(o, q) {
				return true
			}
			for _, loc := range g.locs[o.ID] {
				if l := g.objs[loc]; l != nil && isPlace(l, q) {
					return true
				}
			}
		case "originates-from":
			if o.Type == "location" && isPlace(o, q) {
				return true
			}
		}
	}
	return false
}

func (g *graph) uses(grp *stix.Object, q string) bool {
	key := NameKey(q)
	for _, r := range g.out[grp.ID] {
		if r.RelationshipType != "uses" {
			continue
		}
		o := g.objs[r.TargetRef]
		if o == nil {
			continue
		}
		if id := NameKey(o.ExternalID("mitre-attack")); id != "" && (id == key || strings.HasPrefix(id, key+".")) {
			return true
		}
		if namesMatch(o, q) {
			return true
		}
	}
	return false
}

// FindClaims returns the attribution claims about the subject called about:
// a group (by any of its names), a sponsor (by name, alias or initials, or
// its country), or a claimant. Claims come oldest first. Returns ENOTFOUND
// when nothing stored goes by that name.
func FindClaims(ctx context.Context, s Store, about string) ([]*Claim, error) {
	if NameKey(about) == "" {
		return nil, Errorf(EINVALID, "say whom the claims are about")
	}
	named, err := s.Objects(ctx, ObjectFilter{Name: about, Types: []string{"intrusion-set", "threat-actor", "identity", "location", "campaign"}})
	if err != nil {
		return nil, err
	}
	var groups, sponsors, claimants, places []string
	for _, o := range named {
		switch o.Object.Type {
		case "intrusion-set", "campaign":
			groups = append(groups, o.Object.ID)
		case "threat-actor":
			sponsors = append(sponsors, o.Object.ID)
		case "identity":
			claimants = append(claimants, o.Object.ID)
		case "location":
			places = append(places, o.Object.ID)
		}
	}
	if len(sponsors) == 0 && !strings.ContainsAny(about, " \t") {
		// Initials: "MSS". Threat actors are few, so read them all.
		all, err := s.Objects(ctx, ObjectFilter{Types: []string{"threat-actor"}})
		if err != nil {
			return nil, err
		}
		for _, o := range all {
			if namesMatch(o.Object, about) {
				sponsors = append(sponsors, o.Object.ID)
			}
		}
	}
	if len(places) > 0 {
		// The sponsors located in a country named.
		rels, err := s.Relationships(ctx, RelationshipFilter{TargetRefs: places, Types: []string{"located-at"}})
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			if stix.IDType(r.SourceRef) == "threat-actor" {
				sponsors = append(sponsors, r.SourceRef)
			}
		}
	}
	if len(groups)+len(sponsors)+len(claimants) == 0 {
		return nil, Errorf(ENOTFOUND, "nothing in the store is called %q", about)
	}
	byID := map[string]*stix.Object{}
	add := func(f RelationshipFilter, list []string) error {
		if len(list) == 0 {
			return nil
		}
		f.Types = []string{"attributed-to"}
		rels, err := s.Relationships(ctx, f)
		if err != nil {
			return err
		}
		for _, r := range rels {
			byID[r.ID] = r
		}
		return nil
	}
	if err := add(RelationshipFilter{SourceRefs: groups}, groups); err != nil {
		return nil, err
	}
	if err := add(RelationshipFilter{TargetRefs: sponsors}, sponsors); err != nil {
		return nil, err
	}
	for _, c := range claimants {
		if err := add(RelationshipFilter{CreatedByRef: c}, claimants); err != nil {
			return nil, err
		}
	}
	g := &graph{objs: map[string]*stix.Object{}}
	need := map[string]bool{}
	rels := make([]*stix.Object, 0, len(byID))
	for _, r := range byID {
		// A campaign attributed to a group is not a claim about a sponsor.
		if stix.IDType(r.TargetRef) == "intrusion-set" {
			continue
		}
		rels = append(rels, r)
		need[r.SourceRef], need[r.TargetRef] = true, true
		if r.CreatedByRef != "" {
			need[r.CreatedByRef] = true
		}
		for _, e := range r.Evidence {
			need[e.ReportRef] = true
		}
	}
	if err := g.fetch(ctx, s, need); err != nil {
		return nil, err
	}
	claims := make([]*Claim, 0, len(rels))
	for _, r := range rels {
		claims = append(claims, g.claim(r))
	}
	SortClaims(claims)
	return claims, nil
}

// SortClaims orders claims oldest first, then by group, claimant, sponsor
// and id, so that a list of claims always reads the same.
func SortClaims(cs []*Claim) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if c := compareTimes(a.Date, b.Date); c != 0 {
			return c < 0
		}
		for _, p := range [][2]string{{a.Group, b.Group}, {a.Claimant, b.Claimant}, {a.Sponsor, b.Sponsor}, {a.ID, b.ID}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
}

// compareTimes compares two timestamps; unreadable ones sort first, among
// themselves as strings.
func compareTimes(a, b string) int {
	ta, ea := stix.ParseTime(a)
	tb, eb := stix.ParseTime(b)
	switch {
	case ea != nil && eb != nil:
		return strings.Compare(a, b)
	case ea != nil:
		return -1
	case eb != nil:
		return 1
	}
	return ta.Compare(tb)
}

// Event is one dated event in a group's history.
type Event struct {
	Date     string `json:"date"` // a STIX timestamp
	Kind     string `json:"kind"` // one of the Event kinds
	What     string `json:"what"`
	ReportID string `json:"report_id,omitempty"`
	Quote    string `json:"quote,omitempty"`
}

// The kinds of Event.
const (
	EventFirstSeen      = "first-seen"     // the group's first_seen
	EventLastSeen       = "last-seen"      // the group's last_seen
	EventCampaignStart  = "campaign-start" // a campaign's first_seen
	EventCampaignEnd    = "campaign-end"   // a campaign's last_seen
	EventTargetingStart = "targeting-start"
	EventTargetingEnd   = "targeting-end"
	EventReport         = "report" // a report about the group was published
	EventClaim          = "claim"  // an attribution claim was made
)

var eventOrder = map[string]int{EventFirstSeen: 0, EventCampaignStart: 1, EventTargetingStart: 2,
	EventReport: 3, EventClaim: 4, EventTargetingEnd: 5, EventCampaignEnd: 6, EventLastSeen: 7}

// Timeline returns the dated events of the group called group (any of its
// names), oldest first: when it was first and last seen, its campaigns and
// dated targeting, the reports about it and the claims they make. Returns
// ENOTFOUND or ECONFLICT as FindGroup does.
func Timeline(ctx context.Context, s Store, group string) ([]*Event, error) {
	grp, err := FindGroup(ctx, s, group)
	if err != nil {
		return nil, err
	}
	g, err := loadGraph(ctx, s, []*stix.Object{grp})
	if err != nil {
		return nil, err
	}
	var evs []*Event
	add := func(date, kind, what, report, quote string) {
		if date != "" {
			evs = append(evs, &Event{Date: date, Kind: kind, What: what, ReportID: report, Quote: quote})
		}
	}
	first := func(ev []stix.Evidence) (string, string) {
		if len(ev) == 0 {
			return "", ""
		}
		return ev[0].ReportRef, ev[0].Quote
	}
	add(grp.FirstSeen, EventFirstSeen, grp.Name+" first seen", "", "")
	add(grp.LastSeen, EventLastSeen, grp.Name+" last seen", "", "")
	for _, r := range g.in[grp.ID] {
		c := g.objs[r.SourceRef]
		if c == nil || c.Type != "campaign" {
			continue
		}
		rep, q := first(append(append([]stix.Evidence{}, c.Evidence...), r.Evidence...))
		add(c.FirstSeen, EventCampaignStart, "campaign "+c.Name+" begins", rep, q)
		add(c.LastSeen, EventCampaignEnd, "campaign "+c.Name+" ends", rep, q)
	}
	for _, r := range g.out[grp.ID] {
		switch r.RelationshipType {
		case "targets":
			rep, q := first(r.Evidence)
			add(r.StartTime, EventTargetingStart, grp.Name+" begins targeting "+g.name(r.TargetRef), rep, q)
			add(r.StopTime, EventTargetingEnd, grp.Name+" stops targeting "+g.name(r.TargetRef), rep, q)
		case "attributed-to":
			c := g.claim(r)
			what := claimLine(c)
			if len(c.Reports) == 0 {
				add(c.Date, EventClaim, what, "", "")
			}
			// One event per report that carries the claim, dated by it.
			for _, rr := range c.Reports {
				q := ""
				for _, e := range r.Evidence {
					if e.ReportRef == rr.ID {
						q = e.Quote
						break
					}
				}
				date := rr.Published
				if date == "" {
					date = r.Created
				}
				add(date, EventClaim, what, rr.ID, q)
			}
		}
	}
	for _, id := range g.reportsOf(grp) {
		if o := g.objs[id]; o != nil {
			add(o.Published, EventReport, o.Name, id, "")
		}
	}
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		if c := compareTimes(a.Date, b.Date); c != 0 {
			return c < 0
		}
		if eventOrder[a.Kind] != eventOrder[b.Kind] {
			return eventOrder[a.Kind] < eventOrder[b.Kind]
		}
		if a.What != b.What {
			return a.What < b.What
		}
		return a.ReportID < b.ReportID
	})
	if evs == nil {
		evs = []*Event{}
	}
	return evs, nil
}

// claimLine says a claim in one line: "Government of Japan: APT40 ->
// Government of China (confidence 85)".
func claimLine(c *Claim) string {
	s := c.Group + " -> " + c.Sponsor
	if c.Claimant != "" {
		s = c.Claimant + ": " + s
	}
	var notes []string
	if c.Confidence != nil {
		notes = append(notes, "confidence "+strconv.Itoa(*c.Confidence))
	}
	if c.Hedge != "" {
		notes = append(notes, c.Hedge)
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	return s
}
