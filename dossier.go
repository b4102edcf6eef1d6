package aptgraph

import (
	"context"
	"sort"
	"strings"

	"github.com/aptgraph/aptgraph/stix"
)

// Dossier is what the store knows about one group.
type Dossier struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	Aliases   []string     `json:"aliases"`
	AliasInfo []*AliasInfo `json:"alias_info"` // each alias with who coined it and which source links it
	AttackID  string       `json:"attack_id,omitempty"`
	FirstSeen string       `json:"first_seen,omitempty"`
	LastSeen  string       `json:"last_seen,omitempty"`
	Sponsors  []string     `json:"sponsors"`
	Origins   []string     `json:"origins"`
	Claims    []*Claim     `json:"claims"`
	Consensus Consensus    `json:"consensus"`
	Victims   []*Target    `json:"victims"`
	Countries []*Target    `json:"countries"`
	Sectors   []*Target    `json:"sectors"`
	Uses      []*Use       `json:"uses"`
	Campaigns []*Campaign  `json:"campaigns"`
	Reports   []*ReportRef `json:"reports"`
}

// AliasInfo is one name of a group with its provenance.
type AliasInfo struct {
	Name   string `json:"name"`
	Coiner string `json:"coiner,omitempty"` // the vendor or body that coined the name
	Source string `json:"source,omitempty"` // the dataset or report that links it to the group
}

// Claim is one attribution claim: who says a group is behind whom, how sure
// they are, and where they say it.
type Claim struct {
	ID         string       `json:"id"`
	Claimant   string       `json:"claimant"`
	Group      string       `json:"group"`
	Sponsor    string       `json:"sponsor"`
	Confidence *int         `json:"confidence,omitempty"`
	Hedge      string       `json:"hedge,omitempty"`
	Date       string       `json:"date,omitempty"`
	Reports    []*ReportRef `json:"reports,omitempty"`
	Quotes     []string     `json:"quotes,omitempty"`
}

// Consensus sums up the claims about a group.
type Consensus struct {
	Claimants     int      `json:"claimants"`
	MinConfidence *int     `json:"min_confidence,omitempty"`
	MaxConfidence *int     `json:"max_confidence,omitempty"`
	Sponsors      []string `json:"sponsors"`
	Disagreement  bool     `json:"disagreement"` // the claims name sponsors of different countries
}

// Target is a victim organisation, country or sector of a group.
type Target struct {
	Name      string   `json:"name"`
	Country   string   `json:"country,omitempty"`
	Sectors   []string `json:"sectors,omitempty"`
	FirstSeen string   `json:"first_seen,omitempty"`
	LastSeen  string   `json:"last_seen,omitempty"`
	Quote     string   `json:"quote,omitempty"`
}

// Use is a malware family, tool or technique a group uses.
type Use struct {
	Type       string `json:"type"`
	Name       string `json:"name"`
	ExternalID string `json:"external_id,omitempty"`
	Source     string `json:"source,omitempty"` // "attack" (the reference data) or "report"
}

// Campaign is a dated wave of activity attributed to a group.
type Campaign struct {
	Name      string `json:"name"`
	FirstSeen string `json:"first_seen,omitempty"`
	LastSeen  string `json:"last_seen,omitempty"`
}

// ReportRef names a stored report.
type ReportRef struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Published string `json:"published,omitempty"`
	URL       string `json:"url,omitempty"`
}

// FindGroup returns the stored intrusion set a name or alias refers to.
// Returns ENOTFOUND, or ECONFLICT listing the candidates when the name
// belongs to several stored groups.
func FindGroup(ctx context.Context, s Store, name string) (*stix.Object, error) {
	objs, err := s.Objects(ctx, ObjectFilter{Types: []string{"intrusion-set"}, Name: name})
	if err != nil {
		return nil, err
	}
	if len(objs) == 0 {
		return nil, Errorf(ENOTFOUND, "no group named %q in the store", name)
	}
	// Revoked and deprecated reference groups are history, not live groups.
	live := objs[:0:0]
	for _, o := range objs {
		if IsLive(o.Object) {
			live = append(live, o)
		}
	}
	if len(live) == 0 {
		return nil, Errorf(ENOTFOUND, "no live group named %q in the store (only revoked or deprecated ones)", name)
	}
	objs = live
	if len(objs) > 1 {
		// The group the reports built (it carries their evidence) stands for
		// the reference objects that share its ATT&CK id.
		var fromReports []*StoredObject
		for _, o := range objs {
			if len(o.Object.Evidence) > 0 {
				fromReports = append(fromReports, o)
			}
		}
		if len(fromReports) == 1 {
			return fromReports[0].Object, nil
		}
		// An exact canonical name wins over aliases.
		for _, o := range objs {
			if strings.EqualFold(o.Object.Name, name) {
				return o.Object, nil
			}
		}
		var names []string
		for _, o := range objs {
			names = append(names, o.Object.Name)
		}
		sort.Strings(names)
		return nil, Errorf(ECONFLICT, "%q is ambiguous: it names %s", name, strings.Join(names, ", "))
	}
	return objs[0].Object, nil
}

// BuildDossier gathers what the store knows about the group called name.
func BuildDossier(ctx context.Context, s Store, name string) (*Dossier, error) {
	g, err := FindGroup(ctx, s, name)
	if err != nil {
		return nil, err
	}
	d := &Dossier{ID: g.ID, Name: g.Name, Aliases: append([]string{}, g.Aliases...), AttackID: g.ExternalID("mitre-attack"),
		FirstSeen: g.FirstSeen, LastSeen: g.LastSeen, Sponsors: []string{}, Origins: []string{}, Claims: []*Claim{},
		Victims: []*Target{}, Countries: []*Target{}, Sectors: []*Target{}, Uses: []*Use{}, Campaigns: []*Campaign{}, Reports: []*ReportRef{}}
	// Reference objects for the same group (ATT&CK's intrusion set with the
	// same id) lend their aliases and what they use.
	linked, err := linkedGroups(ctx, s, g)
	if err != nil {
		return nil, err
	}
	for _, l := range linked {
		for _, al := range append([]string{l.Name}, l.Aliases...) {
			if !strings.EqualFold(al, d.Name) && !containsFold(d.Aliases, al) {
				d.Aliases = append(d.Aliases, al)
			}
		}
	}
	if d.AliasInfo, err = aliasInfo(ctx, s, &stix.Object{Name: g.Name, Aliases: d.Aliases}); err != nil {
		return nil, err
	}
	if len(linked) > 0 {
		var ids []string
		for _, l := range linked {
			ids = append(ids, l.ID)
		}
		uses, err := s.Relationships(ctx, RelationshipFilter{SourceRefs: ids, Types: []string{"uses"}})
		if err != nil {
			return nil, err
		}
		var targets []string
		for _, r := range uses {
			targets = append(targets, r.TargetRef)
		}
		if len(targets) > 0 {
			objs, err := s.Objects(ctx, ObjectFilter{IDs: targets})
			if err != nil {
				return nil, err
			}
			for _, o := range objs {
				if IsLive(o.Object) {
					d.Uses = append(d.Uses, &Use{Type: o.Object.Type, Name: o.Object.Name, ExternalID: o.Object.ExternalID("mitre-attack"), Source: "attack"})
				}
			}
		}
	}
	out, err := s.Relationships(ctx, RelationshipFilter{SourceRefs: []string{g.ID}})
	if err != nil {
		return nil, err
	}
	in, err := s.Relationships(ctx, RelationshipFilter{TargetRefs: []string{g.ID}, Types: []string{"attributed-to"}})
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, r := range append(out, in...) {
		ids[r.TargetRef], ids[r.SourceRef] = true, true
		if r.CreatedByRef != "" {
			ids[r.CreatedByRef] = true
		}
	}
	reportIDs := map[string]bool{}
	for _, e := range g.Evidence {
		reportIDs[e.ReportRef] = true
	}
	for _, r := range out {
		for _, e := range r.Evidence {
			reportIDs[e.ReportRef] = true
		}
	}
	for id := range reportIDs {
		ids[id] = true
	}
	objs := map[string]*stix.Object{}
	if len(ids) > 0 {
		list := make([]string, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		stored, err := s.Objects(ctx, ObjectFilter{IDs: list})
		if err != nil {
			return nil, err
		}
		for _, o := range stored {
			objs[o.Object.ID] = o.Object
		}
	}
	// The claimants, sponsors and reports are named as the query graph names them.
	refs := &graph{objs: objs}
	claimants := map[string]bool{}
	sponsorCountries := map[string]bool{}
	seenSponsor := map[string]bool{}
	for _, r := range out {
		switch r.RelationshipType {
		case "attributed-to":
			c := &Claim{ID: r.ID, Claimant: refs.name(r.CreatedByRef), Group: g.Name, Sponsor: refs.name(r.TargetRef),
				Confidence: r.Confidence, Hedge: r.Hedge, Date: r.Created}
			seenRep := map[string]bool{}
			for _, e := range r.Evidence {
				c.Quotes = append(c.Quotes, e.Quote)
				if !seenRep[e.ReportRef] {
					seenRep[e.ReportRef] = true
					rr := refs.reportRef(e.ReportRef)
					c.Reports = append(c.Reports, rr)
					if rr.Published != "" {
						c.Date = rr.Published
					}
				}
			}
			d.Claims = append(d.Claims, c)
			if r.CreatedByRef != "" {
				claimants[r.CreatedByRef] = true
			}
			if !seenSponsor[c.Sponsor] {
				seenSponsor[c.Sponsor] = true
				d.Sponsors = append(d.Sponsors, c.Sponsor)
			}
			if c.Confidence != nil {
				v := *c.Confidence
				if d.Consensus.MinConfidence == nil || v < *d.Consensus.MinConfidence {
					d.Consensus.MinConfidence = &v
				}
				if d.Consensus.MaxConfidence == nil || v > *d.Consensus.MaxConfidence {
					w := v
					d.Consensus.MaxConfidence = &w
				}
			}
		case "originates-from":
			if o := objs[r.TargetRef]; o != nil {
				d.Origins = append(d.Origins, o.Name)
				sponsorCountries[o.Country] = true
			}
		case "targets":
			o := objs[r.TargetRef]
			if o == nil {
				continue
			}
			t := &Target{Name: o.Name, FirstSeen: r.StartTime, LastSeen: r.StopTime}
			if len(r.Evidence) > 0 {
				t.Quote = r.Evidence[0].Quote
			}
			switch {
			case o.Type == "location":
				t.Country = o.Country
				d.Countries = append(d.Countries, t)
			case o.IdentityClass == "class":
				d.Sectors = append(d.Sectors, t)
			default:
				t.Sectors = o.Sectors
				d.Victims = append(d.Victims, t)
			}
		case "uses":
			if o := objs[r.TargetRef]; o != nil {
				id := o.ExternalID("mitre-attack")
				if !hasUse(d.Uses, o.Type, id, o.Name) {
					d.Uses = append(d.Uses, &Use{Type: o.Type, Name: o.Name, ExternalID: id, Source: "report"})
				}
			}
		}
	}
	for _, r := range in {
		if o := objs[r.SourceRef]; o != nil && o.Type == "campaign" {
			d.Campaigns = append(d.Campaigns, &Campaign{Name: o.Name, FirstSeen: o.FirstSeen, LastSeen: o.LastSeen})
		}
	}
	d.Consensus.Claimants = len(claimants)
	d.Consensus.Sponsors = append([]string{}, d.Sponsors...)
	d.Consensus.Disagreement = len(sponsorCountries) > 1
	for id := range reportIDs {
		if objs[id] != nil {
			d.Reports = append(d.Reports, refs.reportRef(id))
		}
	}
	// reportIDs is a map: order reports fully, so that a dossier always
	// reads the same.
	sort.Slice(d.Reports, func(i, j int) bool {
		if d.Reports[i].Published != d.Reports[j].Published {
			return d.Reports[i].Published < d.Reports[j].Published
		}
		return d.Reports[i].ID < d.Reports[j].ID
	})
	SortClaims(d.Claims)
	sort.Slice(d.Uses, func(i, j int) bool { return d.Uses[i].Type+d.Uses[i].Name < d.Uses[j].Type+d.Uses[j].Name })
	return d, nil
}

// aliasInfo looks up who coined each of a group's names, from the names the
// store holds for the group (filled from the reference data on the first
// ingest or import).
func aliasInfo(ctx context.Context, s Store, g *stix.Object) ([]*AliasInfo, error) {
	out := make([]*AliasInfo, 0, len(g.Aliases))
	for _, name := range g.Aliases {
		info := &AliasInfo{Name: name}
		recs, err := s.Names(ctx, NormalizeName(name))
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.Kind == NameGroup && strings.EqualFold(r.GroupName, g.Name) {
				info.Coiner, info.Source = r.Coiner, r.Source
				break
			}
		}
		out = append(out, info)
	}
	return out, nil
}

// linkedGroups returns the live reference intrusion sets that share g's
// ATT&CK id (imported ATT&CK data names APT40 "Leviathan").
func linkedGroups(ctx context.Context, s Store, g *stix.Object) ([]*stix.Object, error) {
	id := g.ExternalID("mitre-attack")
	if id == "" {
		return nil, nil
	}
	objs, err := s.Objects(ctx, ObjectFilter{Types: []string{"intrusion-set"}, Name: g.Name})
	if err != nil {
		return nil, err
	}
	var out []*stix.Object
	for _, o := range objs {
		if o.Object.ID != g.ID && IsLive(o.Object) && o.Object.ExternalID("mitre-attack") == id {
			out = append(out, o.Object)
		}
	}
	return out, nil
}

func containsFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func hasUse(us []*Use, typ, id, name string) bool {
	for _, u := range us {
		if u.Type == typ && (id != "" && u.ExternalID == id || strings.EqualFold(u.Name, name)) {
			return true
		}
	}
	return false
}
