package http

import (
	"context"
	"fmt"
	nethttp "net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// groupRow is one line of the home page's list of groups.
type groupRow struct {
	Name       string
	Aliases    int
	Sponsors   []string
	Countries  []string
	LastReport string
}

// reportRow names a report in a list.
type reportRow struct {
	ID, Name, Published, URL string
}

func (h *handler) home(w nethttp.ResponseWriter, r *nethttp.Request, v *view) error {
	ctx := r.Context()
	sums, err := aptgraph.FindGroups(ctx, v, aptgraph.GroupFilter{})
	if err != nil {
		return err
	}
	reports, err := allReports(ctx, v)
	if err != nil {
		return err
	}
	last, err := lastReports(ctx, v, sums, reports)
	if err != nil {
		return err
	}
	body := struct {
		Groups  []groupRow
		Reports []reportRow
	}{}
	for _, s := range sums {
		body.Groups = append(body.Groups, groupRow{Name: s.Name, Aliases: len(s.Aliases), Sponsors: s.Sponsors, Countries: s.Countries, LastReport: last[s.ID]})
	}
	body.Reports = reports[:min(len(reports), 15)]
	return h.render(w, r, nethttp.StatusOK, "home", "Groups", body)
}

// allReports returns the reports the reader may see, newest first.
func allReports(ctx context.Context, v *view) ([]reportRow, error) {
	objs, err := v.Objects(ctx, aptgraph.ObjectFilter{Types: []string{"report"}})
	if err != nil {
		return nil, err
	}
	rows := make([]reportRow, 0, len(objs))
	for _, o := range objs {
		rows = append(rows, toReportRow(o.Object))
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Published > rows[j].Published })
	return rows, nil
}

func toReportRow(o *stix.Object) reportRow {
	rr := reportRow{ID: o.ID, Name: o.Name, Published: o.Published}
	if rr.Name == "" {
		rr.Name = o.ID
	}
	if len(o.ExternalReferences) > 0 {
		rr.URL = o.ExternalReferences[0].URL
	}
	return rr
}

// lastReports returns, by group id, the date of the newest report that
// gives evidence about the group.
func lastReports(ctx context.Context, v *view, sums []*aptgraph.GroupSummary, reports []reportRow) (map[string]string, error) {
	published := map[string]string{}
	for _, r := range reports {
		published[r.ID] = r.Published
	}
	ids := make([]string, len(sums))
	for i, s := range sums {
		ids[i] = s.ID
	}
	last := map[string]string{}
	note := func(group string, ev []stix.Evidence) {
		for _, e := range ev {
			if p := published[e.ReportRef]; p > last[group] {
				last[group] = p
			}
		}
	}
	if len(ids) == 0 {
		return last, nil
	}
	groups, err := v.Objects(ctx, aptgraph.ObjectFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		note(g.Object.ID, g.Object.Evidence)
	}
	rels, err := v.Relationships(ctx, aptgraph.RelationshipFilter{SourceRefs: ids})
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		note(r.SourceRef, r.Evidence)
	}
	return last, nil
}

// alias is a name of a group and who gave it, when known.
type alias struct{ Name, Coiner string }

// quoteLink is a quote and the place in its report it comes from.
type quoteLink struct {
	Quote, ReportID, ReportName, Href string
}

// claimRow is a claim as the pages show it.
type claimRow struct {
	*aptgraph.Claim
	Words  string // the estimative words of its confidence
	Quotes []quoteLink
}

func (h *handler) group(w nethttp.ResponseWriter, r *nethttp.Request, v *view) error {
	ctx := r.Context()
	d, err := aptgraph.BuildDossier(ctx, v, r.PathValue("name"))
	if err != nil {
		return err
	}
	claims, err := claimRows(ctx, v, d.Claims)
	if err != nil {
		return err
	}
	aliases, err := aliasesOf(ctx, v, d)
	if err != nil {
		return err
	}
	events, err := aptgraph.Timeline(ctx, v, d.Name)
	if err != nil {
		return err
	}
	body := struct {
		D                                 *aptgraph.Dossier
		Aliases                           []alias
		Claims                            []claimRow
		Malware, Tools, Techniques, Other []*aptgraph.Use
		Timeline                          *timeline
		Consensus                         string
	}{D: d, Aliases: aliases, Claims: claims, Timeline: layoutTimeline(d, events), Consensus: consensusLine(d)}
	for _, u := range d.Uses {
		switch u.Type {
		case "malware":
			body.Malware = append(body.Malware, u)
		case "tool":
			body.Tools = append(body.Tools, u)
		case "attack-pattern":
			body.Techniques = append(body.Techniques, u)
		default:
			body.Other = append(body.Other, u)
		}
	}
	return h.render(w, r, nethttp.StatusOK, "group", d.Name, body)
}

// consensusLine sums up a dossier's claims in a sentence.
func consensusLine(d *aptgraph.Dossier) string {
	c := d.Consensus
	if len(d.Claims) == 0 {
		return "No claim about who is behind " + d.Name + " is stored."
	}
	s := fmt.Sprintf("%d claimant%s attribute %s to %s", c.Claimants, plural(c.Claimants), d.Name, strings.Join(c.Sponsors, ", "))
	switch {
	case c.MinConfidence == nil:
		s += "; none states a confidence"
	case *c.MinConfidence == *c.MaxConfidence:
		s += fmt.Sprintf("; stated confidence %d", *c.MinConfidence)
	default:
		s += fmt.Sprintf("; stated confidence %d–%d", *c.MinConfidence, *c.MaxConfidence)
	}
	if c.Disagreement {
		return s + ". The claims disagree: they name sponsors in different countries."
	}
	return s + ". The claims agree on the sponsor's country."
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// aliasesOf returns a group's aliases with their name-givers from the
// store's name records.
func aliasesOf(ctx context.Context, v *view, d *aptgraph.Dossier) ([]alias, error) {
	names := map[string]bool{aptgraph.NameKey(d.Name): true}
	for _, a := range d.Aliases {
		names[aptgraph.NameKey(a)] = true
	}
	out := make([]alias, 0, len(d.Aliases))
	for _, a := range d.Aliases {
		recs, err := v.Names(ctx, aptgraph.NormalizeName(a))
		if err != nil {
			return nil, err
		}
		al := alias{Name: a}
		for _, rec := range recs {
			if rec.Kind == aptgraph.NameGroup && rec.Coiner != "" && (names[aptgraph.NameKey(rec.GroupName)] || d.AttackID != "" && rec.GroupKey == d.AttackID) {
				al.Coiner = rec.Coiner
				break
			}
		}
		out = append(out, al)
	}
	return out, nil
}

// claimRows adds to claims their estimative words and where each quote
// stands in its report, read from the claims' relationships.
func claimRows(ctx context.Context, v *view, claims []*aptgraph.Claim) ([]claimRow, error) {
	ids := make([]string, len(claims))
	for i, c := range claims {
		ids[i] = c.ID
	}
	rels := map[string]*stix.Object{}
	if len(ids) > 0 {
		stored, err := v.Objects(ctx, aptgraph.ObjectFilter{IDs: ids})
		if err != nil {
			return nil, err
		}
		for _, o := range stored {
			rels[o.Object.ID] = o.Object
		}
	}
	rows := make([]claimRow, 0, len(claims))
	for _, c := range claims {
		row := claimRow{Claim: c}
		names := map[string]string{}
		for _, rr := range c.Reports {
			names[rr.ID] = rr.Name
		}
		if rel := rels[c.ID]; rel != nil {
			for _, e := range rel.Evidence {
				row.Quotes = append(row.Quotes, quoteLink{Quote: e.Quote, ReportID: e.ReportRef, ReportName: names[e.ReportRef],
					Href: fmt.Sprintf("%s?start=%d&end=%d#hl", reportURL(e.ReportRef), e.Start, e.End)})
			}
		}
		quotes := make([]string, len(row.Quotes))
		for i, q := range row.Quotes {
			quotes[i] = q.Quote
		}
		row.Words = estimativeWords(c.Confidence, quotes)
		rows = append(rows, row)
	}
	return rows, nil
}

// estimative lists the wording of the STIX profile's confidence table,
// longest first, so that "very likely" wins over "likely".
var estimative = func() []string {
	w := []string{"almost certainly", "almost certain", "nearly certain", "highest level of probability",
		"very likely", "highly likely", "highly probable", "likely", "probable", "probably",
		"realistic possibility", "roughly even chance", "unlikely", "improbable", "probably not",
		"very unlikely", "highly unlikely", "highly improbable", "remote", "almost no chance",
		"high confidence", "moderate confidence", "low confidence"}
	sort.SliceStable(w, func(i, j int) bool { return len(w[i]) > len(w[j]) })
	return w
}()

// estimativeWords returns the estimative words a claim's quotes use, or
// the words of the profile's scale for its confidence, or "" without one.
func estimativeWords(conf *int, quotes []string) string {
	if conf == nil {
		return ""
	}
	for _, q := range quotes {
		lq := strings.ToLower(q)
		for _, w := range estimative {
			if i := strings.Index(lq, w); i >= 0 && wordAt(lq, i, len(w)) {
				return w
			}
		}
	}
	switch c := *conf; {
	case c >= 90:
		return "almost certain"
	case c >= 75:
		return "very likely"
	case c >= 55:
		return "likely"
	case c >= 45:
		return "roughly even chance"
	case c >= 20:
		return "unlikely"
	case c >= 5:
		return "very unlikely"
	}
	return "remote"
}

// wordAt reports whether s[i:i+n] stands as whole words.
func wordAt(s string, i, n int) bool {
	letter := func(b byte) bool { return b >= 'a' && b <= 'z' }
	return (i == 0 || !letter(s[i-1])) && (i+n == len(s) || !letter(s[i+n]))
}

// found is an object a report supports, as its side list shows it.
type found struct {
	Type, Name, Href, Anchor string
}

func (h *handler) report(w nethttp.ResponseWriter, r *nethttp.Request, v *view) error {
	ctx := r.Context()
	rep, err := loadReport(ctx, v, r.PathValue("id"))
	if err != nil {
		return err
	}
	focus := [2]int{-1, -1}
	if s, err := strconv.Atoi(r.URL.Query().Get("start")); err == nil {
		if e, err := strconv.Atoi(r.URL.Query().Get("end")); err == nil {
			focus = [2]int{s, e}
		}
	}
	segs, anchors := highlight(rep.Text, rep.Objects, focus)
	var list []found
	for i, o := range rep.Objects {
		list = append(list, found{Type: o.Type, Name: displayName(o), Href: objectURL(o.Type, o.ID, o.Name), Anchor: anchors[i]})
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Type != list[j].Type {
			return list[i].Type < list[j].Type
		}
		return strings.ToLower(list[i].Name) < strings.ToLower(list[j].Name)
	})
	body := struct {
		Report   reportRow
		Segments []segment
		Found    []found
		HasText  bool
	}{Report: toReportRow(rep.Report), Segments: segs, Found: list, HasText: rep.Text != ""}
	return h.render(w, r, nethttp.StatusOK, "report", rep.Report.Name, body)
}

// displayName names an object for people.
func displayName(o *stix.Object) string {
	switch {
	case o.Type == "relationship":
		return o.Description
	case o.Name != "":
		return o.Name
	case o.Value != "":
		return o.Value
	case o.Pattern != "":
		return o.Pattern
	}
	return o.ID
}

// loadedReport is a report with its text and the visible objects that cite
// it, relationships left out.
type loadedReport struct {
	Report  *stix.Object
	Text    string
	Objects []*stix.Object
}

// loadReport reads the report id as v sees it. Returns ENOTFOUND for a
// hidden report as for a missing one.
func loadReport(ctx context.Context, v *view, id string) (*loadedReport, error) {
	if stix.IDType(id) != "report" {
		return nil, aptgraph.Errorf(aptgraph.ENOTFOUND, "no report %s", id)
	}
	o, err := v.Object(ctx, id)
	if err != nil {
		return nil, err
	}
	text, err := v.ReportText(ctx, id)
	if err != nil && aptgraph.ErrorCode(err) != aptgraph.ENOTFOUND {
		return nil, err
	}
	rep := &loadedReport{Report: o.Object, Text: text}
	if len(o.Object.ObjectRefs) == 0 {
		return rep, nil
	}
	objs, err := v.Objects(ctx, aptgraph.ObjectFilter{IDs: o.Object.ObjectRefs})
	if err != nil {
		return nil, err
	}
	for _, so := range objs {
		switch so.Object.Type {
		case "relationship", "marking-definition", "report":
			continue
		}
		rep.Objects = append(rep.Objects, so.Object)
	}
	return rep, nil
}

func (h *handler) search(w nethttp.ResponseWriter, r *nethttp.Request, v *view) error {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	type hit struct {
		Type, Name, Href string
		Snippet          []segment
	}
	body := struct {
		Query  string
		Groups []string
		Hits   []hit
	}{Query: q}
	if q == "" {
		return h.render(w, r, nethttp.StatusOK, "search", "Search", body)
	}
	if g, err := aptgraph.FindGroup(ctx, v, q); err == nil {
		body.Groups = append(body.Groups, g.Name)
	} else if c := aptgraph.ErrorCode(err); c != aptgraph.ENOTFOUND && c != aptgraph.ECONFLICT {
		return err
	}
	hits, err := v.Search(ctx, q, 50)
	if err != nil {
		return err
	}
	for _, x := range hits {
		name := x.Name
		if name == "" {
			name = x.ID
		}
		body.Hits = append(body.Hits, hit{Type: x.Type, Name: name, Href: objectURL(x.Type, x.ID, x.Name), Snippet: snippet(x.Snippet)})
	}
	return h.render(w, r, nethttp.StatusOK, "search", "Search: "+q, body)
}

func (h *handler) claims(w nethttp.ResponseWriter, r *nethttp.Request, v *view) error {
	ctx := r.Context()
	about := strings.TrimSpace(r.URL.Query().Get("about"))
	body := struct {
		About  string
		Claims []claimRow
	}{About: about}
	if about == "" {
		return h.render(w, r, nethttp.StatusOK, "claims", "Claims", body)
	}
	claims, err := aptgraph.FindClaims(ctx, v, about)
	if err != nil {
		return err
	}
	if body.Claims, err = claimRows(ctx, v, claims); err != nil {
		return err
	}
	return h.render(w, r, nethttp.StatusOK, "claims", "Claims about "+about, body)
}
