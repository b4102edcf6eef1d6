package extract

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/extract/ioc"
	"github.com/aptgraph/aptgraph/stix"
)

// maxEvidence caps the quotes kept per object and report.
const maxEvidence = 3

// builder collects the objects of one bundle.
type builder struct {
	a        *analysis
	reportID string
	ts       string
	marking  []string
	objs     map[string]*stix.Object
	order    []string
	evBlock  []stix.Evidence // where ev cuts evidence from
}

func (b *builder) add(o *stix.Object) *stix.Object {
	if old, ok := b.objs[o.ID]; ok {
		for _, e := range o.Evidence {
			if len(old.Evidence) < maxEvidence && !hasEvidence(old.Evidence, e) {
				old.Evidence = append(old.Evidence, e)
			}
		}
		return old
	}
	if !stix.IsObservable(o.Type) {
		o.SpecVersion = stix.SpecVersion
		if o.Created == "" {
			o.Created, o.Modified = b.ts, b.ts
		}
	} else {
		o.SpecVersion = stix.SpecVersion
	}
	if o.Type != "marking-definition" {
		o.ObjectMarkingRefs = b.marking
	}
	b.objs[o.ID] = o
	b.order = append(b.order, o.ID)
	return o
}

func hasEvidence(ev []stix.Evidence, e stix.Evidence) bool {
	for _, x := range ev {
		if x.Start == e.Start && x.End == e.End {
			return true
		}
	}
	return false
}

func (b *builder) ev(spans []Span) []stix.Evidence {
	n := min(len(spans), maxEvidence)
	if n == 0 {
		return nil
	}
	// Cut from a block: a report has evidence by the thousand. The capacity
	// ends with the slice, so add's append copies it out of the block.
	if len(b.evBlock) < n {
		b.evBlock = make([]stix.Evidence, max(n, evBlockSize))
	}
	out := b.evBlock[:n:n]
	b.evBlock = b.evBlock[n:]
	for i, s := range spans[:n] {
		out[i] = stix.Evidence{ReportRef: b.reportID, Quote: b.a.text[s.Start:s.End], Start: s.Start, End: s.End}
	}
	return out
}

// evBlockSize is how many pieces of evidence the builder allocates at a time.
const evBlockSize = 64

func (b *builder) rel(typ, src, dst string, ev []Span, parts ...string) *stix.Object {
	id := stix.NewID("relationship", append([]string{typ, src, dst}, parts...)...)
	return b.add(&stix.Object{Type: "relationship", ID: id, RelationshipType: typ, SourceRef: src, TargetRef: dst, Evidence: b.ev(ev)})
}

func (b *builder) location(iso string, ev []Span) string {
	name := b.a.countryName(iso)
	id := stix.NewID("location", iso)
	b.add(&stix.Object{Type: "location", ID: id, Name: name, Country: iso, Evidence: b.ev(ev)})
	return id
}

func yearStart(y int) string { return fmt.Sprintf("%04d-01-01T00:00:00.000Z", y) }
func yearEnd(y int) string   { return fmt.Sprintf("%04d-12-31T23:59:59.999Z", y) }

// assemble writes the frames of the analysis as a STIX bundle.
func (a *analysis) assemble(doc *aptgraph.Document, opt Options) *Result {
	sha := SHA256(a.text)
	published := doc.Published
	if published.IsZero() {
		published = opt.Now
		if published.IsZero() {
			published = time.Now()
		}
	}
	// Room for the objects the analysis found, so the index does not grow
	// step by step: a use, a target or a claim gives an object and a
	// relationship; indicators are counted as they come.
	n := 16 + len(a.groupList) + len(a.sponsors) + len(a.people) + len(a.victims) + 2*(len(a.uses)+len(a.targets)+len(a.claims))
	b := &builder{a: a, reportID: "report--" + stix.NewID("report", sha)[len("report--"):], ts: stix.FormatTime(published),
		marking: []string{opt.TLP.MarkingID()}, objs: make(map[string]*stix.Object, n), order: make([]string, 0, n)}
	b.add(stix.TLPMarking(opt.TLP))

	groupID := map[*group]string{}
	if g := a.unattributed; g != nil {
		name := "Unattributed activity: " + reportName(doc, a.text)
		id := stix.NewID("campaign", sha)
		b.add(&stix.Object{Type: "campaign", ID: id, Name: name, Evidence: b.ev(g.ev)})
		groupID[g] = id
	}
	// A name the text gave one group is no alias of another here, though
	// the reference data may list it under both.
	var taken map[string]*group
	if len(a.groupList) > 1 {
		taken = map[string]*group{}
		for _, g := range a.groupList {
			if len(g.ev) > 0 {
				for _, n := range append(g.textNames, g.name) {
					taken[strings.ToLower(n)] = g
				}
			}
		}
	}
	for _, g := range a.groupList {
		if len(g.ev) == 0 {
			continue
		}
		id := stix.NewID("intrusion-set", normName(g.name))
		o := &stix.Object{Type: "intrusion-set", ID: id, Name: g.name, Evidence: b.ev(g.ev)}
		aliases := append([]string(nil), g.textNames...)
		if g.kbIndex >= 0 {
			kg := &a.x.facts.Groups[g.kbIndex]
			for _, al := range kg.Aliases {
				if o, _ := getFold(taken, al.Name); o == nil || o == g {
					aliases = append(aliases, al.Name)
				}
			}
			if kg.AttackID != "" {
				o.ExternalReferences = []stix.ExternalReference{{SourceName: "mitre-attack", ExternalID: kg.AttackID, URL: "https://attack.mitre.org/groups/" + kg.AttackID + "/"}}
			}
		}
		o.Aliases = otherNames(o.Aliases, g.name, aliases)
		if g.firstSeen > 0 {
			o.FirstSeen = yearStart(g.firstSeen)
		}
		if g.lastSeen > 0 {
			o.LastSeen = yearEnd(g.lastSeen)
		}
		if len(g.ambiguous) > 0 {
			o.Description = "Ambiguous name; the reference data gives it to: " + strings.Join(g.ambiguous, ", ")
		}
		b.add(o)
		groupID[g] = id
	}

	// Sponsors and origins.
	sponsorID := map[*sponsor]string{}
	for _, k := range sortedKeys(a.sponsors) {
		s := a.sponsors[k]
		id := stix.NewID("threat-actor", s.name)
		b.add(&stix.Object{Type: "threat-actor", ID: id, Name: s.name, Aliases: bodyForms(s.name, s.country),
			ThreatActorTypes: []string{"nation-state"}, Evidence: b.ev(s.ev)})
		if s.country != "" {
			loc := b.location(s.country, s.ev)
			b.rel("located-at", id, loc, s.ev)
		}
		sponsorID[s] = id
	}
	for _, g := range a.groupList {
		gid, ok := groupID[g]
		if !ok {
			continue
		}
		for _, cc := range sortedKeys(g.origins) {
			loc := b.location(cc, g.origins[cc])
			b.rel("originates-from", gid, loc, g.origins[cc])
		}
	}

	// Claimants and claims.
	partyID := map[*party]string{}
	claimant := func(p *party, ev []Span) string {
		if id, ok := partyID[p]; ok {
			return id
		}
		id := stix.NewID("identity", p.name)
		class := "organization"
		if p.class == "individual" {
			class = "individual"
		}
		o := &stix.Object{Type: "identity", ID: id, Name: p.name, IdentityClass: class}
		if p.class == "government" {
			o.Sectors = []string{"government-national"}
		}
		b.add(o)
		o.Evidence = b.ev(ev)
		if p.country != "" {
			loc := b.location(p.country, ev)
			b.rel("located-at", id, loc, ev)
		}
		partyID[p] = id
		return id
	}
	for _, c := range a.claimList {
		gid, ok := groupID[c.group]
		if !ok {
			continue
		}
		sid := sponsorID[c.sponsor]
		by := claimant(c.by, c.ev)
		r := b.rel("attributed-to", gid, sid, c.ev, by, sha)
		r.CreatedByRef = by
		if c.confidence >= 0 {
			conf := c.confidence
			r.Confidence = &conf
		}
		r.Hedge = strings.Join(c.hedges, ", ")
		r.Description = fmt.Sprintf("%s attributes %s to %s", c.by.name, c.group.name, c.sponsor.name)
		if c.phrase != "" {
			r.Description += fmt.Sprintf(" (%q)", c.phrase)
		}
		// Claim evidence is kept whole: every sentence that makes it.
		r.Evidence = b.ev(c.ev)
	}

	// People.
	for _, k := range sortedKeys(a.people) {
		p := a.people[k]
		// A name the text gives to software is no one's: "Infamous Chisel,
		// a new mobile malware family".
		if len(p.ev) == 0 || slices.Contains(a.textSoftware, p.name) {
			continue
		}
		id := stix.NewID("identity", p.name)
		o := b.add(&stix.Object{Type: "identity", ID: id, Name: p.name, IdentityClass: "individual", Evidence: b.ev(p.ev)})
		if len(o.Evidence) == 0 {
			o.Evidence = b.ev(p.ev)
		}
		if p.country != "" {
			loc := b.location(p.country, p.ev)
			b.rel("located-at", id, loc, p.ev)
		}
	}
	// Claimant identities get their evidence from their claims.
	for _, c := range a.claimList {
		if id, ok := partyID[c.by]; ok {
			b.add(&stix.Object{Type: "identity", ID: id, Evidence: b.ev(c.ev)})
		}
	}

	// Victims, countries and sectors.
	for _, k := range sortedKeys(a.targets) {
		t := a.targets[k]
		gid, ok := groupID[t.group]
		if !ok {
			continue
		}
		var dst string
		switch t.kind {
		case "country":
			dst = b.location(t.name, t.ev)
		case "sector":
			dst = stix.NewID("identity", "sector:"+t.name)
			b.add(&stix.Object{Type: "identity", ID: dst, Name: t.name, IdentityClass: "class", Sectors: stixSector(t.name), Evidence: b.ev(t.ev)})
		case "org":
			v, _ := getFold(a.victims, t.name)
			dst = stix.NewID("identity", t.name)
			o := &stix.Object{Type: "identity", ID: dst, Name: t.name, IdentityClass: "organization", Evidence: b.ev(t.ev)}
			if v != nil {
				for _, s := range v.sectors {
					o.Sectors = append(o.Sectors, s)
				}
			}
			b.add(o)
		}
		r := b.rel("targets", gid, dst, t.ev)
		if t.from > 0 {
			r.StartTime = yearStart(t.from)
		}
		if t.to > 0 {
			r.StopTime = yearEnd(t.to)
		}
	}

	// Malware, tools and techniques.
	for _, k := range sortedKeys(a.uses) {
		u := a.uses[k]
		var id string
		switch u.kind {
		case kSoftware:
			if u.ref >= textSoftwareBase {
				name := a.textSoftware[u.ref-textSoftwareBase]
				if a.textTools[name] {
					id = stix.NewID("tool", name)
					b.add(&stix.Object{Type: "tool", ID: id, Name: name, Evidence: b.ev(u.ev)})
					break
				}
				id = stix.NewID("malware", name)
				t := true
				b.add(&stix.Object{Type: "malware", ID: id, Name: name, IsFamily: &t, Evidence: b.ev(u.ev)})
				break
			}
			s := &a.x.facts.Software[u.ref]
			typ := "malware"
			if s.Kind == "tool" {
				typ = "tool"
			}
			id = stix.NewID(typ, s.Name)
			o := &stix.Object{Type: typ, ID: id, Name: s.Name, Evidence: b.ev(u.ev)}
			// Other names: the data's, and the one the text used.
			o.Aliases = otherNames(otherNames(o.Aliases, s.Name, u.names), s.Name, s.Aliases)
			if typ == "malware" {
				t := true
				o.IsFamily = &t
			}
			if s.AttackID != "" {
				o.ExternalReferences = []stix.ExternalReference{{SourceName: "mitre-attack", ExternalID: s.AttackID}}
			}
			b.add(o)
		case kTechnique:
			t, ref := &a.x.facts.Techniques[u.ref], a.x.techRefs[u.ref]
			id = ref.id
			b.add(&stix.Object{Type: "attack-pattern", ID: id, Name: t.Name, Evidence: b.ev(u.ev),
				ExternalReferences: []stix.ExternalReference{{SourceName: "mitre-attack", ExternalID: t.ID, URL: ref.url}}})
		}
		if gid, ok := groupID[u.group]; ok && id != "" {
			b.rel("uses", gid, id, u.ev)
		}
	}

	// Campaigns: a dated wave of attacks by a group.
	for _, t := range a.times {
		if !t.campaign || t.group == nil {
			continue
		}
		gid, ok := groupID[t.group]
		if !ok {
			continue
		}
		name := fmt.Sprintf("%s campaign from %d", t.group.name, t.from)
		if t.to > 0 {
			name = fmt.Sprintf("%s campaign %d-%d", t.group.name, t.from, t.to)
		}
		id := stix.NewID("campaign", name)
		o := &stix.Object{Type: "campaign", ID: id, Name: name, FirstSeen: yearStart(t.from), Evidence: b.ev([]Span{t.ev})}
		if t.to > 0 {
			o.LastSeen = yearEnd(t.to)
		}
		b.add(o)
		r := b.rel("attributed-to", id, gid, []Span{t.ev})
		by := t.by
		if by == nil {
			by = a.publisher()
		}
		r.CreatedByRef = claimant(by, []Span{t.ev})
	}

	// Indicators.
	b.indicators(a.text)

	// The report.
	rep := &stix.Object{Type: "report", ID: b.reportID, Name: reportName(doc, a.text), Published: b.ts,
		ReportTypes: []string{"threat-report"}, SHA256: sha}
	if doc.URL != "" {
		rep.ExternalReferences = []stix.ExternalReference{{SourceName: hostOf(doc.URL), URL: doc.URL}}
	} else {
		rep.ExternalReferences = []stix.ExternalReference{{SourceName: "document", Description: "no URL given"}}
	}
	rep.ObjectRefs = append(make([]string, 0, len(b.order)), b.order...)
	rep = b.add(rep)

	// Objects by type rank, in the order they were added within a rank: a
	// stable sort with four keys, done as four passes.
	bundle := &stix.Bundle{Type: "bundle", ID: "bundle--" + stix.NewID("bundle", sha)[len("bundle--"):],
		Objects: make([]*stix.Object, 0, len(b.order))}
	ranks := make([]int8, len(b.order))
	for i, id := range b.order {
		ranks[i] = int8(typeRank(stix.IDType(id)))
	}
	for _, r := range [...]int8{0, 1, 5, 9} {
		for i, id := range b.order {
			if ranks[i] == r {
				bundle.Objects = append(bundle.Objects, b.objs[id])
			}
		}
	}
	return &Result{Report: rep, Bundle: bundle, Text: a.text}
}

// bodyForms returns the other names the reference table gives the body
// called name in country cc ("IRGC" for the Islamic Revolutionary Guard
// Corps), or nil.
func bodyForms(name, cc string) []string {
	for _, b := range bodies {
		if b.Name == name && b.Country == cc {
			return append([]string(nil), b.Forms...)
		}
	}
	return nil
}

// typeRank orders the objects of a bundle: 0, 1, 5 or 9.
func typeRank(t string) int {
	switch t {
	case "marking-definition":
		return 0
	case "report":
		return 1
	case "relationship":
		return 9
	}
	return 5
}

// stixSector returns the STIX industry-sector vocabulary value for a sector
// name, or nil when the vocabulary has none.
func stixSector(name string) []string {
	switch name {
	case "agriculture", "aerospace", "automotive", "chemical", "commercial", "communications", "construction",
		"defense", "education", "energy", "entertainment", "financial-services", "government",
		"government-local", "government-national", "government-regional", "healthcare", "hospitality-leisure",
		"infrastructure", "dams", "nuclear", "water", "insurance", "manufacturing", "mining", "non-profit",
		"pharmaceuticals", "retail", "technology", "telecommunications", "transportation", "utilities":
		return []string{name}
	}
	return nil
}

func reportName(doc *aptgraph.Document, text string) string {
	if t := strings.TrimSpace(doc.Title); t != "" {
		return t
	}
	line := text
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	if len(line) > 200 {
		line = line[:200]
	}
	if line == "" {
		return "Untitled report"
	}
	return line
}

func hostOf(u string) string {
	s := u
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return "document"
	}
	return s
}

// indicators adds the observables and indicators found in the text.
func (b *builder) indicators(text string) {
	matches := ioc.Scan(text)
	type key struct {
		typ   ioc.Type
		value string
	}
	seen := make(map[key]bool, len(matches))
	for _, m := range matches {
		key := key{m.Type, m.Value}
		if seen[key] {
			continue
		}
		seen[key] = true
		ev := []Span{b.a.sentenceOf(m.Start, m.End)}
		if m.Type == ioc.CVE {
			id := stix.NewID("vulnerability", m.Value)
			b.add(&stix.Object{Type: "vulnerability", ID: id, Name: m.Value, Evidence: b.ev(ev),
				ExternalReferences: []stix.ExternalReference{{SourceName: "cve", ExternalID: m.Value}}})
			continue
		}
		sco := ioc.Observable(m)
		if sco == nil {
			continue
		}
		sco.Evidence = b.ev(ev)
		b.add(sco)
		pat, ok := ioc.Pattern(m)
		if !ok {
			continue
		}
		id := stix.NewID("indicator", pat)
		b.add(&stix.Object{Type: "indicator", ID: id, Name: m.Value, Pattern: pat, PatternType: "stix",
			ValidFrom: b.ts, IndicatorTypes: maliciousActivity[:1:1], Evidence: b.ev(ev)})
	}
}

// maliciousActivity is every indicator's type list, shared: the slice
// handed out has no room, so an append copies it.
var maliciousActivity = []string{"malicious-activity"}

// sentenceOf returns the sentence span around [s, e), or the span itself.
func (a *analysis) sentenceOf(s, e int) Span {
	i := sort.Search(len(a.sents), func(i int) bool { return a.sents[i].End >= e })
	if i < len(a.sents) && a.sents[i].Start <= s {
		return a.sents[i].Span
	}
	return Span{s, e}
}

// otherNames appends to xs each of names that is not empty, not name and not
// already in xs, all up to case. The lists are short: a scan costs less than
// the lower-case copies a set would need.
func otherNames(xs []string, name string, names []string) []string {
	for _, n := range names {
		if n != "" && !strings.EqualFold(n, name) {
			xs = appendUniq(xs, n)
		}
	}
	return xs
}
