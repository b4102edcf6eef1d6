package extract

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// govHeads follow a country to name its government or one of its organs.
var govHeads = []struct {
	words string // space-separated lower-case words after the country
	kind  string // "gov" (the state itself), "ministry", "organ"
	name  string // canonical: %s is replaced by the country name
}{
	{"foreign ministry", "ministry", "Ministry of Foreign Affairs of %s"},
	{"ministry of foreign affairs", "ministry", "Ministry of Foreign Affairs of %s"},
	{"foreign affairs ministry", "ministry", "Ministry of Foreign Affairs of %s"},
	{"defense ministry", "ministry", "Ministry of Defense of %s"},
	{"defence ministry", "ministry", "Ministry of Defense of %s"},
	{"ministry of defense", "ministry", "Ministry of Defense of %s"},
	{"government", "gov", "Government of %s"},
	{"'s government", "gov", "Government of %s"},
	{"governments", "gov", "Government of %s"},
	{"state", "gov", "Government of %s"},
	{"regime", "gov", "Government of %s"},
	{"authorities", "gov", "Government of %s"},
	{"officials", "gov", "Government of %s"},
	{"leadership", "gov", "Government of %s"},
	{"communist party", "gov", "Government of %s"},
	{"cabinet", "gov", "Government of %s"},
	{"administration", "gov", "Government of %s"},
	{"intelligence services", "organ", "%s intelligence services"},
	{"intelligence service", "organ", "%s intelligence services"},
	{"intelligence agencies", "organ", "%s intelligence services"},
	{"intelligence agency", "organ", "%s intelligence services"},
	{"intelligence community", "organ", "%s intelligence services"},
	{"intelligence", "organ", "%s intelligence services"},
	{"security services", "organ", "%s intelligence services"},
	{"spy agency", "organ", "%s intelligence services"},
	{"spies", "organ", "%s intelligence services"},
	{"military", "organ", "%s military"},
	{"armed forces", "organ", "%s military"},
	{"police", "organ", "%s police"},
	{"prosecutors", "organ", "%s prosecutors"},
	{"federal prosecutors", "organ", "%s prosecutors"},
	{"cyber agency", "organ", "%s cyber agency"},
	{"cybersecurity agency", "organ", "%s cyber agency"},
	{"embassy", "organ", "Embassy of %s"},
	{"parliament", "organ", "Parliament of %s"},
	{"federal agencies", "organ", "Government of %s"},
	{"cybersecurity and intelligence agencies", "organ", "Government of %s"},
	{"security and intelligence agencies", "organ", "Government of %s"},
	{"intelligence and law enforcement agencies", "organ", "Government of %s"},
	{"law enforcement agencies", "organ", "Government of %s"},
	{"cybersecurity agencies", "organ", "Government of %s"},
	{"government agencies", "organ", "Government of %s"},
	{"agencies", "organ", "Government of %s"},
}

// sponsorSuffixes after a country with a hyphen say the state stands behind
// a group: China-nexus, Russia-backed, Iran-linked, state-sponsored.
var sponsorSuffixes = []string{"-nexus", "-backed", "-sponsored", "-linked", "-affiliated", "-aligned", "-directed", "-controlled", "-tasked", "-supported", "-led"}

// govPhrase is a country with a head that names its state or an organ of it.
type govPhrase struct {
	Span
	country string // ISO2
	kind    string
	name    string
	suffix  bool // country-backed form: always a sponsor
}

// govPhrases finds "Japan's Foreign Ministry", "the Chinese government",
// "the government of China", "China-nexus", "Russian state-sponsored".
func (a *analysis) govPhrases(v *sview) []govPhrase {
	if !v.govDone {
		v.gov = a.govPhrasesOnce(v)
		v.govDone = true
	}
	return v.gov
}

func (a *analysis) govPhrasesOnce(v *sview) []govPhrase {
	var out []govPhrase
	text := a.text
	for _, m := range v.ents {
		if m.kind != kCountry {
			continue
		}
		c := a.x.dict.countries[m.ref]
		lrest := a.lowerOf(Span{m.End, min(v.s.End, m.End+40)})
		for _, suf := range sponsorSuffixes {
			if strings.HasPrefix(lrest, suf) && (len(lrest) == len(suf) || !isWordByte(lrest[len(suf)])) {
				out = append(out, govPhrase{Span{m.Start, m.End + len(suf)}, c.ISO2, "gov", govName(c.Name), true})
			}
		}
		for _, p := range []string{" state-sponsored", " state-backed", " government-backed", " government-sponsored", " state sponsored", " state-linked", " government-linked", " state-affiliated", " state-aligned"} {
			if strings.HasPrefix(lrest, p) {
				out = append(out, govPhrase{Span{m.Start, m.End + len(p)}, c.ISO2, "gov", govName(c.Name), true})
			}
		}
		l := lrest
		skip := 0
		if strings.HasPrefix(l, "'s ") {
			skip = 3
		} else if strings.HasPrefix(l, " ") {
			skip = 1
		}
		l = l[skip:]
		for _, h := range govHeads {
			if strings.HasPrefix(l, h.words) && (len(l) == len(h.words) || !isWordByte(l[len(h.words)])) {
				end := m.End + skip + len(h.words)
				name := strings.Replace(h.name, "%s", theName(c.Name, h.name), 1)
				// "Norway's police security service", which the text
				// also writes as a name: "Norwegian Police Security
				// Service (PST)".
				if h.kind == "organ" {
					if full, e := a.writtenAsName(end-len(h.words), v.s.End); full != "" {
						name, end = full, e
					}
				}
				out = append(out, govPhrase{Span{m.Start, end}, c.ISO2, h.kind, name, false})
				// "the UK and US governments": each country of a list before
				// the head has it.
				for _, o := range a.countriesListedBefore(v, m) {
					oc := a.x.dict.countries[o.ref]
					out = append(out, govPhrase{o.Span, oc.ISO2, h.kind, strings.Replace(h.name, "%s", theName(oc.Name, h.name), 1), false})
				}
				break
			}
		}
		// "the government of China"
		before := strings.ToLower(text[max(v.s.Start, m.Start-20):m.Start])
		for _, p := range []string{"government of ", "government of the ", "governments of ", "state of ", "regime of ", "authorities of ",
			"officials in ", "authorities in ", "officials from ", "government in ", "prosecutors in ", "officials of "} {
			if strings.HasSuffix(before, p) {
				// "officials in Seoul" speak for a state; they do not sponsor.
				kind := "gov"
				if strings.Contains(p, " in ") || strings.HasPrefix(p, "officials") || strings.HasPrefix(p, "prosecutors") {
					kind = "organ"
				}
				out = append(out, govPhrase{Span{m.Start - len(p), m.End}, c.ISO2, kind, govName(c.Name), false})
				break
			}
		}
	}
	return out
}

// sponsorOf is a candidate sponsor in a sentence.
type sponsorCand struct {
	Span
	name, country string
	short         string // an acronym the sponsor goes by ("PLA"), if any
	strong        bool   // the wording itself links it to the group ("Iran's APT42")
}

// readClaims reads attribution claims: who says which group is behind whom.
func (a *analysis) readClaims(v *sview, groups []*group, groupSpans []Span, coref bool) {
	// "Microsoft said X ..., while Google warned that Y ...": each clause
	// makes its own claims.
	if subs := a.clauses(v, groups, groupSpans); subs != nil {
		for _, c := range subs {
			a.readClaimsClause(c.v, c.groups, c.spans, coref)
		}
		// The sentence's own view keeps the subjects, for what follows.
		for _, c := range subs {
			v.claimantSpans = append(v.claimantSpans, c.v.claimantSpans...)
			v.claimWindows = append(v.claimWindows, c.v.claimWindows...)
			v.claimants = append(v.claimants, c.v.claimants...)
		}
		return
	}
	a.readClaimsClause(v, groups, groupSpans, coref)
}

type clause struct {
	v      *sview
	groups []*group
	spans  []Span
}

// clauses cuts a sentence with two claims joined by ", while", "; " or ",
// whereas" into its clauses, each with its own groups. It returns nil for a
// sentence that is one clause, or whose groups sit in one clause only.
func (a *analysis) clauses(v *sview, groups []*group, spans []Span) []clause {
	if len(groups) < 2 || len(spans) < len(groups) {
		return nil
	}
	seg := a.text[v.s.Start:v.s.End]
	cut := -1
	for _, sep := range []string{", while ", "; ", ", whereas ", " while "} {
		if i := strings.Index(seg, sep); i > 0 {
			cut = v.s.Start + i
			break
		}
	}
	if cut < 0 {
		return nil
	}
	var out []clause
	for _, span := range []Span{{v.s.Start, cut}, {cut, v.s.End}} {
		sub := &sview{i: v.i, s: sentence{span, v.s.Para}, tokBuf: new([]token)}
		for _, m := range v.ents {
			if m.Start >= span.Start && m.End <= span.End {
				sub.ents = append(sub.ents, m)
			}
		}
		for _, c := range v.cues {
			if c.Start >= span.Start && c.End <= span.End {
				sub.cues = append(sub.cues, c)
			}
		}
		cl := clause{v: sub}
		for i, sp := range spans {
			if sp.Start >= span.Start && sp.End <= span.End {
				sub.groupSpans = append(sub.groupSpans, sp)
				g := groups[min(i, len(groups)-1)]
				if !slices.Contains(cl.groups, g) {
					cl.groups = append(cl.groups, g)
				}
				cl.spans = append(cl.spans, sp)
			}
		}
		if len(cl.groups) == 0 {
			return nil
		}
		out = append(out, cl)
	}
	return out
}

func (a *analysis) readClaimsClause(v *sview, groups []*group, groupSpans []Span, coref bool) {
	gov := a.govPhrases(v)
	claimants, claimantSpans := a.claimants(v, gov)
	if !coref {
		a.completePending(v, groups, claimants)
	}
	v.claimantSpans = claimantSpans
	v.claimants = claimants
	a.confidenceAfter(v, claimants)
	// One who denies is not the source of the claims that follow.
	if len(claimants) > 0 && !a.hasCue(v, kNegation) {
		a.lastClaimant = claimants
		a.lastClaimPar = v.s.Para
	}
	// Nothing to attribute: no group, no group noun to hold a claim for, no
	// concurrence to copy.
	if len(groups) == 0 && !a.hasCue(v, kGroupHead) && !(a.hasCue(v, kAttribution) && activityNoun(v.low(a))) {
		a.concurAcross(v, gov, claimants)
		return
	}
	var cands []sponsorCand
	var akas []Span // sponsors the text names the group by
	inClaimant := func(sp Span) bool {
		for _, c := range claimantSpans {
			if sp.Start < c.End && c.Start < sp.End {
				return true
			}
		}
		// Nor is anything in the subject of the reporting verb a sponsor.
		for _, w := range v.claimWindows {
			if sp.Start >= w.Start && sp.End <= w.End {
				return true
			}
		}
		return false
	}
	for _, m := range v.ents {
		if m.kind != kBody {
			continue
		}
		b := bodies[m.ref]
		if !b.Sponsor || inClaimant(m.Span) {
			continue
		}
		short := ""
		for _, f := range b.Forms {
			if isAcronym(f) {
				short = f
				break
			}
		}
		// "North Korea's Ministry of State Security": a body of that name
		// in another state than the one the reference data knows.
		if c, at := a.ownerCountry(v, m.Span); c != nil && c.ISO2 != b.Country {
			cands = append(cands, sponsorCand{Span{at, m.End}, b.Name + " of " + theName(c.Name, "of %s"), c.ISO2, "", a.actorsOf(v, m.End)})
			continue
		}
		// "SVR cyber actors, also known as APT29": the service's own actors.
		aka := a.akaGroup(v, m.End)
		if aka {
			akas = append(akas, m.Span)
		}
		cands = append(cands, sponsorCand{m.Span, b.Name, b.Country, short, aka || a.actorsOf(v, m.End)})
	}
	for _, u := range a.securityBureaus(v) {
		if !inClaimant(u.Span) {
			cands = append(cands, u)
		}
	}
	for _, u := range a.units(v) {
		if !inClaimant(u.Span) {
			cands = append(cands, u)
		}
	}
	for _, g := range gov {
		// "Taiwanese government agencies" were hit; they sponsor nothing.
		if g.kind == "gov" && !inClaimant(g.Span) && !a.victimNounAfter(v, g.End) {
			cands = append(cands, sponsorCand{g.Span, g.name, g.country, "", false})
		}
		// "the Russian military was responsible for the attack": an organ
		// of force or intelligence blamed stands for its state.
		if g.kind == "organ" && stateOrgan(g.name) && !inClaimant(g.Span) && blameAfter(a.lowerOf(Span{g.End, min(v.s.End, g.End+60)})) {
			cands = append(cands, sponsorCand{g.Span, govName(a.countryName(g.country)), g.country, "", false})
		}
	}
	for _, c := range a.stateAfterCue(v) {
		if !inClaimant(c.Span) {
			cands = append(cands, c)
		}
	}
	// A sponsor named inside a longer one ("Unit 61419 of the PLA") folds into it.
	cands = foldSponsors(cands)
	// "unit 29155 ..., and unit 74455, known as Sandworm": a sponsor that
	// the text names the group by stands for it alone.
	if len(akas) > 0 {
		cands = slices.DeleteFunc(cands, func(c sponsorCand) bool { return !overlapsAny(akas, c.Span) })
	}
	if len(cands) == 0 {
		// "state-sponsored actor based in China": the state of the country named.
		if a.hasCue(v, kAttribution) && stateWords(v.low(a)) {
			for _, m := range v.ents {
				if m.kind == kCountry && !inClaimant(m.Span) {
					c := a.x.dict.countries[m.ref]
					cands = append(cands, sponsorCand{m.Span, govName(c.Name), c.ISO2, "", false})
					break
				}
			}
		}
	}
	if len(groups) == 0 || len(cands) == 0 {
		a.concurAcross(v, gov, claimants)
		if len(groups) == 0 && len(cands) > 0 {
			a.holdClaim(v, gov, claimants, cands)
		}
		return
	}
	// Origin: the sponsor's country is also the group's.
	// A claim needs a cue that links group and sponsor, and no negation.
	strong := false
	for _, c := range cands {
		strong = strong || c.strong
	}
	if !a.hasCue(v, kAttribution) && !hasSuffixSponsor(gov) && !strong {
		return
	}
	if a.negatedFor(v, cands) {
		return
	}
	// Claimants: the sentence's own, else the last one in this paragraph or the one before.
	by := claimants
	// "We assess ...": the report's own voice, not the last source quoted.
	if len(by) == 0 && weSubject(v.low(a)) {
		by = []*party{a.publisher()}
	}
	// "... is attributed by Western governments to ...": the sentence names
	// its source, though none the claimant rules know; the report carries
	// it, not whoever spoke last.
	if len(by) == 0 && a.lastClaimant != nil && v.s.Para-a.lastClaimPar <= 3 && !passiveAgent(v.low(a)) {
		by = a.lastClaimant
	}
	if len(by) == 0 {
		by = a.publishers()
	}
	conf, phrase := a.confidence(v)
	hedges := a.hedges(v)
	// Concurrence copies the claim to the bodies named after the cue.
	concur := a.concurring(v, gov)

	// Pair sponsors with groups: one side single, all pairs; else nearest.
	pairs := pairSponsors(groups, groupSpans, cands, coref)
	a.pending = nil
	for _, p := range pairs {
		// A sponsor from another country than the one the reference data
		// gives the group is a misreading ("the FBI, NSA and NCSC assess
		// that SVR actors ..."), not a claim, unless the text ties the two
		// outright ("linked Ghostwriter to the Russian state").
		if p.g.kbIndex >= 0 && p.s.country != "" {
			if cc := a.x.facts.Groups[p.g.kbIndex].Country; cc != "" && cc != p.s.country && !a.tiedTo(v, p.s.Span) {
				continue
			}
		}
		sp := a.sponsor(p.s)
		sp.ev = appendEv(sp.ev, v.s.Span)
		if sp.country != "" {
			p.g.origins[sp.country] = appendEv(p.g.origins[sp.country], v.s.Span)
		}
		pconf, pphrase := a.confidenceFor(v, p.s.Span, cands, conf, phrase)
		for _, c := range by {
			a.addClaim(c, p.g, sp, pconf, pphrase, hedges, v.s.Span)
		}
		for _, c := range concur {
			a.addClaim(c, p.g, sp, -1, "", hedges, v.s.Span)
		}
	}
}

func hasSuffixSponsor(gov []govPhrase) bool {
	for _, g := range gov {
		if g.suffix {
			return true
		}
	}
	return false
}

type groupSponsor struct {
	g *group
	s sponsorCand
}

func pairSponsors(groups []*group, spans []Span, cands []sponsorCand, coref bool) []groupSponsor {
	var out []groupSponsor
	if len(groups) == 1 || len(cands) == 1 || coref || len(spans) < len(groups) {
		for _, g := range groups {
			for _, c := range cands {
				out = append(out, groupSponsor{g, c})
			}
		}
		return out
	}
	for _, c := range cands {
		best, bestD := 0, 1<<30
		for i, sp := range spans {
			d := sp.Start - c.Start
			if d < 0 {
				d = -d
			}
			if d < bestD && i < len(groups) {
				best, bestD = i, d
			}
		}
		out = append(out, groupSponsor{groups[min(best, len(groups)-1)], c})
	}
	return out
}

// foldSponsors drops candidates inside or right after a more specific one,
// so "Unit 61419 of the Chinese People's Liberation Army" is one sponsor.
func foldSponsors(cands []sponsorCand) []sponsorCand {
	var out []sponsorCand
	for i, c := range cands {
		drop := false
		// "Russia's GRU": the organ, not also the state as a whole.
		if strings.HasPrefix(c.name, "Government of ") {
			for j, o := range cands {
				if i != j && o.country == c.country && !strings.HasPrefix(o.name, "Government of ") {
					drop = true
				}
			}
		}
		for j, o := range cands {
			if i == j {
				continue
			}
			inside := o.Start <= c.Start && c.End <= o.End && (o.End-o.Start > c.End-c.Start)
			// "Unit 61419 of the PLA": the army folds into the unit.
			ofUnit := strings.Contains(o.name, "Unit ") && !strings.Contains(c.name, "Unit ") && c.country == o.country &&
				(c.Start > o.End && c.Start-o.End <= 12 || c.short != "" && strings.HasPrefix(o.name, c.short+" "))
			if inside || ofUnit {
				drop = true
				break
			}
		}
		if !drop {
			dup := false
			for _, x := range out {
				if x.name == c.name {
					dup = true
				}
			}
			if !dup {
				out = append(out, c)
			}
		}
	}
	return out
}

// units finds numbered military units: "Unit 61419", with their army's
// country from the words around them.
func (a *analysis) units(v *sview) []sponsorCand {
	var out []sponsorCand
	seg := a.text[v.s.Start:v.s.End]
	for s := range indexes(seg, "Unit ") {
		d := s + len("Unit ")
		j := d
		for j < len(seg) && seg[j] >= '0' && seg[j] <= '9' {
			j++
		}
		if j-d < 4 || j-d > 6 {
			continue
		}
		num := seg[d:j]
		span := Span{v.s.Start + s, v.s.Start + j}
		// Known units come from the bodies table.
		known := false
		for _, m := range v.ents {
			if m.kind == kBody && m.Start <= span.Start && span.End <= m.End {
				known = true
			}
		}
		if known {
			continue
		}
		cc, army := a.nearbyArmy(v, span)
		name := "Unit " + num
		if army != "" {
			name = army + " Unit " + num
		}
		out = append(out, sponsorCand{span, name, cc, "", false})
	}
	return out
}

// nearbyArmy finds the country and short army name of a unit from the words
// near it: "of the Chinese People's Liberation Army (PLA)", "GRU".
func (a *analysis) nearbyArmy(v *sview, sp Span) (string, string) {
	best, bestD := "", 1<<30
	short := ""
	for _, m := range v.ents {
		var cc, nm string
		switch m.kind {
		case kBody:
			b := bodies[m.ref]
			if !b.Sponsor {
				continue
			}
			cc = b.Country
			nm = b.Name
			if len(b.Forms) > 0 && isAcronym(b.Forms[0]) {
				nm = b.Forms[0]
			}
		case kCountry:
			cc = a.x.dict.countries[m.ref].ISO2
		default:
			continue
		}
		d := m.Start - sp.End
		if d < 0 {
			d = sp.Start - m.End + 40
		}
		if d < bestD && d < 80 {
			best, bestD, short = cc, d, nm
		}
	}
	return best, short
}

func isAcronym(s string) bool {
	if len(s) < 2 || len(s) > 6 {
		return false
	}
	for _, r := range s {
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func (a *analysis) sponsor(c sponsorCand) *sponsor {
	key := strings.ToLower(c.name)
	s := a.sponsors[key]
	if s == nil {
		s = &sponsor{name: c.name, country: c.country}
		a.sponsors[key] = s
	}
	return s
}

func (a *analysis) addClaim(by *party, g *group, s *sponsor, conf int, phrase string, hedges []string, ev Span) {
	if by == nil {
		return
	}
	key := strings.ToLower(by.name) + "|" + g.key + "|" + strings.ToLower(s.name)
	c := a.claims[key]
	if c == nil {
		c = &claim{by: by, group: g, sponsor: s, confidence: -1}
		a.claims[key] = c
		a.claimList = append(a.claimList, c)
	}
	if conf > c.confidence {
		c.confidence, c.phrase = conf, phrase
	}
	for _, h := range hedges {
		c.hedges = appendUniq(c.hedges, h)
	}
	c.ev = appendEv(c.ev, ev)
}

// attributionRefs name, in a later sentence, an attribution made before.
var attributionRefs = []string{"the attribution", "this attribution", "that attribution", "the assessment",
	"this assessment", "that assessment", "the judgment", "this judgment", "the judgement", "this judgement",
	"the conclusion", "this conclusion", "the determination", "this determination", "the finding"}

// confidenceOfSponsor gives the confidence of a sentence whose claimants
// speak again of the sponsor they named before, by name or as "the unit",
// to their claims about it that carry no estimative wording yet: "APT28 is
// operated by the GRU's unit 26165. The NCSC said it was almost certain
// that the unit deployed the malware."
func (a *analysis) confidenceOfSponsor(v *sview, claimants []*party, conf int, phrase string) {
	// A sentence that names a group makes its own claims.
	if len(claimants) == 0 || len(v.groupSpans) > 0 {
		return
	}
	low := v.low(a)
	unit := strings.Contains(low, "the unit ")
	for _, c := range a.claimList {
		if c.confidence >= 0 || !slices.Contains(claimants, c.by) {
			continue
		}
		if unit && strings.Contains(c.sponsor.name, "Unit ") || containsWord(low, strings.ToLower(c.sponsor.name)) {
			c.confidence, c.phrase = conf, phrase
			c.ev = appendEv(c.ev, v.s.Span)
		}
	}
}

// confidenceAfter gives the confidence of a sentence that speaks of an
// attribution made before ("the attribution was made with high
// confidence") to the claims it speaks of: those of its own claimants, or
// else the latest claims, when they carry no estimative wording yet.
func (a *analysis) confidenceAfter(v *sview, claimants []*party) {
	if len(a.claimList) == 0 || a.hasCue(v, kNegation) {
		return
	}
	conf, phrase := a.confidence(v)
	if conf < 0 {
		return
	}
	low := v.low(a)
	refers := false
	for _, r := range attributionRefs {
		if strings.Contains(low, r) {
			refers = true
			break
		}
	}
	if !refers {
		a.confidenceOfSponsor(v, claimants, conf, phrase)
		return
	}
	var target []*claim
	for _, c := range a.claimList {
		if slices.Contains(claimants, c.by) {
			target = append(target, c)
		}
	}
	if len(target) == 0 {
		last := a.claimList[len(a.claimList)-1].by
		for _, c := range a.claimList {
			if c.by == last {
				target = append(target, c)
			}
		}
	}
	for _, c := range target {
		if c.confidence < 0 {
			c.confidence, c.phrase = conf, phrase
			c.ev = appendEv(c.ev, v.s.Span)
		}
	}
}

// confidence returns the estimative wording of a sentence, mapped to 0-100.
func (a *analysis) confidence(v *sview) (int, string) {
	best, bestLen, phrase := -1, 0, ""
	for _, c := range v.cues {
		if c.kind != kEstimative {
			continue
		}
		// The longest phrase wins: "highly likely" over "likely".
		if n := c.End - c.Start; n > bestLen {
			best, bestLen, phrase = estimative[c.ref].Confidence, n, a.text[c.Start:c.End]
		}
	}
	return best, phrase
}

// confidenceFor returns the confidence of the claim on the sponsor at s. A
// sentence with several estimative phrases gives each sponsor the phrase
// nearest before it with no other sponsor between: "with high confidence
// that APT44 is sponsored by the GRU, and is likely operated by Unit 74455".
// Otherwise every claim of the sentence has the sentence's (conf, phrase).
func (a *analysis) confidenceFor(v *sview, s Span, cands []sponsorCand, conf int, phrase string) (int, string) {
	var ests []mention
	for _, c := range v.cues {
		if c.kind == kEstimative {
			ests = append(ests, c)
		}
	}
	if len(ests) < 2 {
		return conf, phrase
	}
	best := -1
	for i, e := range ests {
		if e.End > s.Start {
			break
		}
		// "likely" inside "highly likely" is not a phrase of its own.
		if slices.ContainsFunc(ests, func(o mention) bool { return o != e && o.Start <= e.Start && e.End <= o.End }) {
			continue
		}
		if !slices.ContainsFunc(cands, func(c sponsorCand) bool { return c.Start >= e.End && c.End <= s.Start }) {
			best = i
		}
	}
	if best < 0 {
		return conf, phrase
	}
	e := ests[best]
	return estimative[e.ref].Confidence, a.text[e.Start:e.End]
}

func (a *analysis) hedges(v *sview) []string {
	var out []string
	for _, c := range v.cues {
		if c.kind == kHedge {
			out = appendUniq(out, a.lowerOf(Span{c.Start, c.End}))
		}
	}
	return out
}

// publisher is the claimant of last resort: the document's own source.
func (a *analysis) publisher() *party {
	name := a.x.publisherName(a.doc(), a.vendor)
	if name == unknownSource {
		if r := a.issuer(); r >= 0 {
			b := bodies[r]
			return a.party(b.Name, b.Country, "government", false)
		}
	}
	return a.party(name, "", "organization", true)
}

// issuer returns the government body that issues the text, as a press
// release says in its first sentences ("The Justice Department today
// unsealed", "Today, the Department of the Treasury's Office of Foreign
// Assets Control is sanctioning"), or -1. A news story tells of a weekday.
func (a *analysis) issuer() int32 {
	if a.issuerDone {
		return a.issuerRef
	}
	a.issuerDone, a.issuerRef = true, -1
	for _, s := range a.sents[:min(3, len(a.sents))] {
		// Or a dateline of its own: "Department of Justice, Office of
		// Public Affairs, July 25, 2024". Or the text speaks of itself:
		// "The FBI, DC3 and NPA are releasing this statement", and every
		// body that releases it issues it.
		self := selfReference(a.lowerOf(s.Span))
		if !self && !containsWord(a.lowerOf(s.Span), "today") && !a.dateline(s.Span) {
			continue
		}
		for _, m := range a.entsIn(s.Span) {
			if m.kind == kBody && !bodies[m.ref].Vendor && !bodies[m.ref].Sponsor && bodies[m.ref].Country != "" {
				if a.issuerRef < 0 {
					a.issuerRef = m.ref
				}
				if !self {
					return m.ref
				}
				if !slices.Contains(a.coIssuers, m.ref) {
					a.coIssuers = append(a.coIssuers, m.ref)
				}
			}
		}
		if a.issuerRef >= 0 {
			return a.issuerRef
		}
	}
	return -1
}

// selfReference reports whether a sentence, in lower case, speaks of the
// text it opens: "are releasing this statement", "is issuing this advisory".
func selfReference(low string) bool {
	for _, v := range [...]string{"releasing this ", "issuing this ", "publishing this ", "released this ", "issued this "} {
		if i := strings.Index(low, v); i >= 0 {
			rest := low[i+len(v):]
			for _, n := range [...]string{"statement", "advisory", "alert", "announcement", "report", "joint"} {
				if strings.HasPrefix(rest, n) {
					return true
				}
			}
		}
	}
	return false
}

// publishers is the claimants of last resort: the document's source, or
// every body a text names as releasing it.
func (a *analysis) publishers() []*party {
	p := a.publisher()
	if len(a.coIssuers) < 2 || a.x.publisherName(a.doc(), a.vendor) != unknownSource {
		return []*party{p}
	}
	out := make([]*party, 0, len(a.coIssuers))
	for _, r := range a.coIssuers {
		b := bodies[r]
		out = append(out, a.party(b.Name, b.Country, "government", false))
	}
	return out
}

// accusedPassive reports whether the lower-case text, a verb of accusing
// and what follows it, is that verb in the passive: "charged with",
// "indicted for", "sanctioned over".
func accusedPassive(s string) bool {
	for _, v := range []string{"charged", "indicted", "sanctioned", "accused", "convicted", "sentenced", "blamed"} {
		if rest, ok := strings.CutPrefix(s, v+" "); ok {
			for _, p := range []string{"for ", "with ", "of ", "over ", "in connection"} {
				if strings.HasPrefix(rest, p) {
					return true
				}
			}
		}
	}
	return false
}

// dateline reports whether sp is a short line that dates the text and
// says nothing: no full stop ends it.
func (a *analysis) dateline(sp Span) bool {
	t := strings.TrimSpace(a.text[sp.Start:sp.End])
	return len(t) < 120 && hasYear(t) && !strings.HasSuffix(t, ".") && !strings.ContainsAny(t, "\n")
}

func (a *analysis) party(name, country, class string, vendor bool) *party {
	key := strings.ToLower(name)
	p := a.parties[key]
	if p == nil {
		p = &party{name: name, country: country, class: class, vendor: vendor}
		a.parties[key] = p
	}
	if p.country == "" {
		p.country = country
	}
	return p
}

// bodyParty returns the party for a body the sentence names. A state's body
// whose name other states' bodies share is that state's only where no other
// country owns it: "New Zealand's National Cyber Security Centre" is not the
// British one, and becomes "National Cyber Security Centre of New Zealand".
func (a *analysis) bodyParty(v *sview, m mention) *party {
	b := bodies[m.ref]
	if b.Country == "" || b.Vendor {
		return a.party(b.Name, b.Country, "organization", b.Vendor)
	}
	// "New Zealand's ...", "the Dutch ...", or "... of Lithuania".
	c, _ := a.ownerCountry(v, m.Span)
	if c == nil {
		c = a.ownerAfter(v, m.Span)
	}
	// "The Foreign Office" under a Berlin dateline is Germany's: its own
	// body of that name ("Federal Foreign Office") when the table has one.
	// A text that names the body's own state may mean that state's.
	if surface := a.text[m.Start:m.End]; c == nil && genericBodyForm(surface) && !a.namesCountry(b.Country) {
		if h := a.homeCountry(); h != nil && h.ISO2 != b.Country {
			if o := bodyEndingIn(h.ISO2, surface); o != nil {
				return a.party(o.Name, o.Country, "government", false)
			}
			return a.party(surface+" of "+theName(h.Name, "of %s"), h.ISO2, "government", false)
		}
	}
	if c != nil && c.ISO2 != b.Country {
		return a.party(b.Name+" of "+theName(c.Name, "of %s"), c.ISO2, "government", false)
	}
	return a.party(b.Name, b.Country, "government", false)
}

// namesCountry reports whether the text names the country cc anywhere.
func (a *analysis) namesCountry(cc string) bool {
	if a.named == nil {
		a.named = map[string]bool{}
		for _, m := range a.ents {
			if m.kind == kCountry {
				a.named[a.x.dict.countries[m.ref].ISO2] = true
			}
		}
	}
	return a.named[cc]
}

// bodyEndingIn returns the body of the country cc whose name ends in the
// words of name ("Federal Foreign Office" for "Foreign Office"), or nil.
func bodyEndingIn(cc, name string) *body {
	for i := range bodies {
		if b := &bodies[i]; b.Country == cc && len(b.Name) > len(name) && b.Name[len(b.Name)-len(name)-1] == ' ' &&
			strings.EqualFold(b.Name[len(b.Name)-len(name):], name) {
			return b
		}
	}
	return nil
}

// writtenAsName reads the lower-case words from i ("police security
// service") and returns the proper name the text writes them as elsewhere,
// with up to two capitalised words before it ("Norwegian Police Security
// Service"), and where the words end; or "". Only a name of two words or
// more counts.
func (a *analysis) writtenAsName(i, end int) (string, int) {
	f := strings.Fields(a.text[i:min(end, i+60)])
	n := 0
	for n < len(f) && n < 4 && f[n][0] >= 'a' && f[n][0] <= 'z' && isLowerCase(f[n]) && isWordByte(f[n][len(f[n])-1]) {
		n++
	}
	for ; n >= 2; n-- {
		words := make([]string, n)
		for k := range words {
			words[k] = strings.ToUpper(f[k][:1]) + f[k][1:]
		}
		title := strings.Join(words, " ")
		at := strings.Index(a.text, title)
		if at < 0 || at+len(title) < len(a.text) && isWordByte(a.text[at+len(title)]) {
			continue
		}
		start := at
		for k := 0; k < 2; k++ {
			seg := a.text[max(0, start-30):start]
			if !strings.HasSuffix(seg, " ") {
				break
			}
			trimmed := strings.TrimRight(seg, " ")
			_, w := cutLastField(trimmed)
			if !isPlainCapWord(w) || isStopCap(w) {
				break
			}
			start = max(0, start-30) + len(trimmed) - len(w)
		}
		pos := i
		for k := 0; k < n; k++ {
			for pos < len(a.text) && asciiSpace(a.text[pos]) {
				pos++
			}
			pos += len(f[k])
		}
		return a.text[start : at+len(title)], pos
	}
	return "", 0
}

// bareOrgan returns the party for the organ of state, named with no country
// ("officials", "police"), that is the subject of the verb at i, when the
// text's dateline gives the country; or nil.
func (a *analysis) bareOrgan(v *sview, i int) (*party, Span) {
	c := a.homeCountry()
	if c == nil {
		return nil, Span{}
	}
	before := strings.TrimRight(a.text[max(v.s.Start, i-40):i], " ")
	for {
		rest, w := cutLastField(before)
		if !adverbsBeforeVerb[strings.ToLower(w)] {
			break
		}
		before = strings.TrimRight(rest, " ")
	}
	heads := govHeads
	if strings.HasSuffix(strings.ToLower(before), "the country") {
		heads = countryHead // "Last year the country said": the state itself
	}
	for _, h := range heads {
		if !bareOrganHeads[h.words] || len(before) < len(h.words) || !strings.EqualFold(before[len(before)-len(h.words):], h.words) {
			continue
		}
		rest := before[:len(before)-len(h.words)]
		if rest != "" && !strings.HasSuffix(rest, " ") && !strings.HasSuffix(rest, ",") {
			continue
		}
		// "Seoul police", "South Korean officials": a country the other
		// rules read.
		if w := lastField(rest); w != "" && w[0] >= 'A' && w[0] <= 'Z' && !strings.EqualFold(w, "the") && !strings.EqualFold(w, "government") {
			return nil, Span{}
		}
		at := max(v.s.Start, i-40) + len(before) - len(h.words)
		return a.party(strings.Replace(h.name, "%s", theName(c.Name, h.name), 1), c.ISO2, "government", false), Span{at, at + len(h.words)}
	}
	return nil, Span{}
}

// countryHead reads "the country" as its state's government.
var countryHead = []struct{ words, kind, name string }{{"country", "gov", "Government of %s"}}

// bareOrganHeads are the organs of state a text names without their
// country when its dateline gives it.
var bareOrganHeads = map[string]bool{"officials": true, "government": true, "police": true, "prosecutors": true, "authorities": true,
	"country": true}

// adverbsBeforeVerb may stand between a subject and its verb.
var adverbsBeforeVerb = map[string]bool{"later": true, "also": true, "previously": true, "have": true, "has": true,
	"had": true, "now": true, "since": true, "publicly": true, "formally": true, "officially": true}

// genericBodyForm reports whether a body's name as written could be any
// state's: "the Foreign Office", "the National Cyber Security Centre".
func genericBodyForm(s string) bool {
	for _, w := range strings.Fields(s) {
		if !genericBodyWords[strings.ToLower(w)] {
			return false
		}
	}
	return s != ""
}

var genericBodyWords = map[string]bool{"foreign": true, "office": true, "ministry": true, "defence": true, "defense": true,
	"interior": true, "home": true, "federal": true, "national": true, "cyber": true, "security": true, "centre": true,
	"center": true, "of": true, "for": true, "the": true, "affairs": true, "police": true, "intelligence": true, "service": true,
	"agency": true, "justice": true, "department": true, "state": true, "company": true, "commission": true,
	"council": true, "committee": true, "bureau": true, "government": true, "administration": true, "authority": true}

// homeCountry returns the country of the text's dateline ("Berlin, 12
// December 2025", "OSLO, Aug 14 (Reuters) -"): a place at the start of one
// of the first lines, with a date right after it. It returns nil when there
// is none.
func (a *analysis) homeCountry() *country {
	if a.homeDone {
		return a.home
	}
	a.homeDone = true
	for _, s := range a.sents[:min(4, len(a.sents))] {
		for _, m := range a.entsIn(s.Span) {
			if m.kind != kCountry || m.Start != s.Start {
				continue
			}
			rest := a.text[m.End:min(s.End, m.End+24)]
			if r, ok := strings.CutPrefix(rest, ", "); ok && (hasYear(r) || startsWithMonth(r)) {
				a.home = &a.x.dict.countries[m.ref]
				return a.home
			}
		}
	}
	return nil
}

// startsWithMonth reports whether s starts with a month's name or its
// abbreviation ("Aug", "Nov.").
func startsWithMonth(s string) bool {
	w := s[:wordEnd(s)]
	if len(w) < 3 {
		return false
	}
	for _, mo := range monthNames {
		if strings.HasPrefix(mo, w) || strings.EqualFold(mo, w) {
			return true
		}
	}
	return false
}

// ownerAfter returns the country named right after sp as its owner ("of
// Lithuania", "of the Netherlands"), or nil; see ownerCountry for the one
// named before.
func (a *analysis) ownerAfter(v *sview, sp Span) *country {
	for _, m := range v.ents {
		if m.kind != kCountry || m.Start < sp.End || m.Start > sp.End+8 {
			continue
		}
		switch a.text[sp.End:m.Start] {
		case " of ", " of the ":
			return &a.x.dict.countries[m.ref]
		}
	}
	return nil
}

// claimants finds the sources of the claims in a sentence: "according to
// X", the subject of a reporting verb, or the speaker of a quote.
func (a *analysis) claimants(v *sview, gov []govPhrase) ([]*party, []Span) {
	var out []*party
	var spans []Span
	add := func(p *party, sp Span) {
		for _, x := range out {
			if x == p {
				return
			}
		}
		out = append(out, p)
		spans = append(spans, sp)
	}
	text := a.text
	at, phrase := -1, ""
	if a.hasCue(v, kSource) {
		at, phrase = sourcePhrase(v.low(a))
	}
	if !a.hasCue(v, kReporting) && at < 0 {
		return nil, nil
	}
	// A claimant is a body, a country, a titled or already met person, or
	// a named organisation; a sentence with none of these in reach has none.
	if !a.mayHaveClaimant(v) {
		return nil, nil
	}
	// "according to X", "according to a joint advisory from X, Y and Z"
	if at >= 0 {
		from := v.s.Start + at + len(phrase)
		w := Span{from, min(v.s.End, from+100)}
		// The source nearest the phrase and those listed with it; anything
		// after a comma that ends the list does not belong. The source
		// stands in the phrase's own clause: in "According to the SSU, the
		// group is a project of the FSB" the FSB is what is said, not who
		// says it.
		clauseEnd := w.End
		if k := strings.IndexByte(a.text[from:w.End], ','); k >= 0 {
			clauseEnd = from + k
		}
		if listed := a.firstListed(a.claimantCands(v, gov, w)); len(listed) > 0 && listed[0].Start <= clauseEnd {
			for _, c := range listed {
				add(c.p, c.Span)
			}
		}
	}
	// Subjects of reporting verbs.
	for _, rv := range v.cues {
		if rv.kind != kReporting {
			continue
		}
		// "which Microsoft tracks as Forest Blizzard": naming, not claiming.
		if a.namingVerb(v, rv) {
			continue
		}
		// "The defendants are alleged to ...": a passive verb's subject is
		// the one accused, not the one who says it ("are releasing" is no
		// passive).
		if !strings.HasSuffix(a.text[rv.Start:rv.End], "ing") && passiveBefore(a.text[max(v.s.Start, rv.Start-20):rv.Start]) {
			continue
		}
		// A headline drops the "was": in "Hacker Charged for Ransomware
		// Attacks" the subject is the one charged.
		if accusedPassive(a.lowerOf(Span{rv.Start, min(v.s.End, rv.End+16)})) {
			continue
		}
		// Window: back to the sentence start, a closing quote or a clause mark.
		ws := v.s.Start
		seg := text[max(v.s.Start, rv.Start-150):rv.Start]
		segStart := rv.Start - len(seg)
		if k := strings.LastIndexAny(seg, "\";:"); k >= 0 {
			ws = segStart + k + 1
		}
		wsBase := max(ws, rv.Start-300)
		if k := lastClauseWord(seg); k >= 0 && segStart+k > ws {
			ws = segStart + k
		}
		ws = max(ws, rv.Start-300)
		cs := a.claimantCands(v, gov, Span{ws, rv.Start})
		// "Researchers at Mandiant, which tracks them as UNC1151, have
		// said": a relative clause between commas; the subject is before it.
		if len(cs) == 0 {
			if at := relativeClauseBefore(seg); at >= 0 && segStart+at > wsBase {
				cs = a.claimantCands(v, gov, Span{wsBase, segStart + at})
			}
		}
		// "..., Microsoft said": the speaker after the last comma.
		if k := strings.LastIndex(a.text[ws:rv.Start], ", "); k >= 0 {
			var after, before []claimantCand
			for _, c := range cs {
				if c.Start >= ws+k {
					after = append(after, c)
				} else {
					before = append(before, c)
				}
			}
			// Unless the comma is inside a list of speakers: "CISA, the FBI and the NSA".
			// A source right after an attribution cue ("controlled by the
			// North Korean government, the NCSC said") is what is said.
			inList := false
			for _, b := range before {
				if a.cueRightBefore(v, b.Span, kAttribution) {
					continue
				}
				for _, c := range after {
					gap := a.between(b.End, c.Start)
					// "Service (SKW), CERT Polska": skip an acronym in parentheses.
					if strings.HasPrefix(gap, " (") {
						if j := strings.IndexByte(gap, ')'); j > 0 {
							gap = gap[j+1:]
						}
					}
					if isListGap(gap) {
						inList = true
					}
				}
			}
			// Speakers listed before the comma too ("The FBI, CISA, NSA, ...
			// and the NCSC assess"): one long subject.
			sort.Slice(before, func(i, j int) bool { return before[i].Start < before[j].Start })
			for i := 1; i < len(before); i++ {
				gap := a.between(before[i-1].End, before[i].Start)
				if strings.HasPrefix(gap, " (") {
					if j := strings.IndexByte(gap, ')'); j > 0 {
						gap = gap[j+1:]
					}
				}
				if isListGap(gap) {
					inList = true
				}
			}
			if len(after) > 0 && !inList {
				cs = after
			}
			// "... has ties to the Chinese government, he said": the
			// pronoun after the comma speaks, not what stands before it.
			if len(after) == 0 {
				switch strings.ToLower(strings.TrimSpace(a.text[ws+k+1 : rv.Start])) {
				case "he", "she":
					cs = a.claimantCands(v, gov, Span{ws + k + 2, rv.Start})
				}
			}
		}
		if len(cs) == 0 {
			// "..., said Grossman."
			if rv.Start > v.s.Start && strings.Contains(text[max(v.s.Start, rv.Start-3):rv.Start], ",") {
				cs = a.firstListed(a.claimantCands(v, gov, Span{rv.End, min(v.s.End, rv.End+60)}))
			}
		}
		// Keep the candidates nearest the verb and those coordinated with them.
		// The subject, from the first of them to the verb, names no sponsor.
		first := rv.Start
		for _, c := range cs {
			add(c.p, c.Span)
			if c.Start < first && c.End <= rv.Start {
				first = c.Start
			}
		}
		if first < rv.Start {
			v.claimWindows = append(v.claimWindows, Span{first, rv.Start})
		}
		if len(cs) > 0 {
			break
		}
	}
	// Passive: "linked to the MSS by the Justice Department". A "by" that
	// ends an attribution phrase ("controlled by", "run by") names the
	// sponsor, not the claimant.
	if len(out) == 0 && a.hasCue(v, kReporting) {
		low := v.low(a)
		for off := 0; ; {
			i := strings.Index(low[off:], " by ")
			if i < 0 {
				break
			}
			at := off + i
			off = at + 4
			if sponsorBy(low[:at]) {
				continue
			}
			from := v.s.Start + at + 4
			// "a campaign by OilRig, an Iranian state-sponsored group": a
			// group right after "by" is the actor, and what follows it
			// describes the group.
			if a.groupAt(v, from) {
				continue
			}
			// "by the governments of the United States and the United Kingdom"
			rest := a.lowerOf(Span{from, min(v.s.End, from+40)})
			if strings.HasPrefix(rest, "the governments of") || strings.HasPrefix(rest, "the government of") || strings.HasPrefix(rest, "governments of") {
				for _, m := range v.ents {
					if m.kind == kCountry && m.Start >= from && m.Start-from <= 80 {
						c := a.x.dict.countries[m.ref]
						add(a.party(govName(c.Name), c.ISO2, "government", false), m.Span)
					}
				}
				break
			}
			// The first source after "by", and those listed with it ("by
			// the UK and US governments").
			var cs []claimantCand
			for _, c := range a.claimantCands(v, gov, Span{from, min(v.s.End, from+60)}) {
				if c.p.vendor || c.p.class != "individual" && !isSponsorBody(c.p.name) {
					cs = append(cs, c)
				}
			}
			for _, c := range a.firstListed(cs) {
				add(c.p, c.Span)
			}
			break
		}
	}
	// "..., government officials said" under a Seoul dateline: the
	// officials of the dateline's state.
	if len(out) == 0 {
		for _, rv := range v.cues {
			if rv.kind == kReporting || rv.kind == kAttribution {
				if p, sp := a.bareOrgan(v, rv.Start); p != nil {
					add(p, sp)
					break
				}
			}
		}
	}
	// "The National Cyber Security Centre (NCSC), a part of GCHQ, has
	// assessed": the body a speaker belongs to does not speak too.
	for i := len(out) - 1; i >= 0 && len(out) > 1; i-- {
		before := a.lowerOf(Span{max(v.s.Start, spans[i].Start-16), spans[i].Start})
		for _, w := range [...]string{"part of ", "arm of ", "division of ", "branch of ", "subsidiary of ", "component of "} {
			if strings.HasSuffix(before, w) || strings.HasSuffix(before, w+"the ") {
				out, spans = slices.Delete(out, i, i+1), slices.Delete(spans, i, i+1)
				break
			}
		}
	}
	return out, spans
}

// groupAt reports whether a group's name starts at i, or after "the".
func (a *analysis) groupAt(v *sview, i int) bool {
	if strings.HasPrefix(a.text[i:v.s.End], "the ") {
		i += 4
	}
	for _, m := range v.ents {
		if m.kind == kGroup && m.Start == i {
			return true
		}
	}
	return false
}

// lastClauseWord returns the offset in seg just after the last "that",
// "which" or "who" that opens a clause, or -1.
func lastClauseWord(seg string) int {
	l := seg // the clause words are written in lower case inside a sentence
	best := -1
	for _, w := range []string{" that ", " which ", " who ", " whom ", " while ", " after ", " as "} {
		if i := strings.LastIndex(l, w); i >= 0 && i+len(w) > best {
			best = i + len(w)
		}
	}
	// "as X put it": the speaker follows "as".
	if strings.HasSuffix(strings.TrimSpace(l), " put") {
		return best
	}
	return best
}

// relativeClauseBefore returns where ", which ..." or ", who ..." starts in
// seg, the words before a reporting verb, when the clause closes with a
// comma and only an auxiliary stands between it and the verb; else -1.
func relativeClauseBefore(seg string) int {
	end := strings.LastIndex(seg, ", ")
	if end < 0 {
		return -1
	}
	switch strings.TrimSpace(seg[end+2:]) {
	case "", "has", "have", "had", "has also", "have also":
	default:
		return -1
	}
	at := max(strings.LastIndex(seg[:end], ", which "), strings.LastIndex(seg[:end], ", who "))
	if at < 0 {
		return -1
	}
	return at
}

type claimantCand struct {
	Span
	p *party
}

// claimantCands lists the bodies, governments and people inside w.
func (a *analysis) claimantCands(v *sview, gov []govPhrase, w Span) []claimantCand {
	var out []claimantCand
	in := func(sp Span) bool { return sp.Start >= w.Start && sp.End <= w.End }
	covered := func(sp Span) bool {
		for _, c := range out {
			if sp.Start < c.End && c.Start < sp.End {
				return true
			}
		}
		return false
	}
	for _, g := range gov {
		if in(g.Span) && !g.suffix {
			cn := a.countryName(g.country)
			class := "government"
			if g.kind == "organ" {
				class = "organization"
			}
			name := g.name
			_ = cn
			out = append(out, claimantCand{g.Span, a.party(name, g.country, class, false)})
		}
	}
	for _, m := range v.ents {
		if !in(m.Span) || covered(m.Span) {
			continue
		}
		switch m.kind {
		case kBody:
			b := bodies[m.ref]
			// Intelligence services and armies are sponsors far more often
			// than sources: one counts as a claimant only right before the
			// verb, or in a list of claimants ("CISA, the NSA and the FBI").
			if b.Sponsor && len(strings.Fields(a.text[m.End:w.End])) > 3 && !a.inBodyList(v, m) {
				continue
			}
			out = append(out, claimantCand{m.Span, a.bodyParty(v, m)})
		case kCountry:
			// A bare country as subject, next to the verb: "Japan also
			// assesses", "Britain and the United States attributed".
			if !a.subjectCountry(v, m, w.End) {
				continue
			}
			c := a.x.dict.countries[m.ref]
			out = append(out, claimantCand{m.Span, a.party(govName(c.Name), c.ISO2, "government", false)})
		}
	}
	// Named organisations: "Israel's National Cyber Directorate said".
	for _, o := range a.namedOrgs(v, w) {
		if !covered(o.Span) {
			out = append(out, o)
		}
	}
	// People named in the window, and surnames of people met before.
	for _, p := range a.peopleIn(v, w) {
		if !covered(p.Span) {
			out = append(out, claimantCand{p.Span, a.party(p.person.name, p.person.country, "individual", false)})
		}
	}
	// "The services assess", "both agencies said": the bodies the sentence
	// before named together.
	if len(out) == 0 && v.i > 0 && pluralBodyRef(a.lowerOf(Span{w.Start, w.End})) {
		for _, m := range a.entsIn(a.sents[v.i-1].Span) {
			if m.kind == kBody && !bodies[m.ref].Vendor {
				b := bodies[m.ref]
				out = append(out, claimantCand{w, a.party(b.Name, b.Country, "government", false)})
			}
		}
		if len(out) < 2 {
			out = out[:0]
		}
	}
	// "the Foreign Ministry", "the ministry", "the statement": the last claimant of that kind.
	if len(out) == 0 {
		seg := a.lowerOf(Span{w.Start, w.End})
		for k, h := range claimantHeads {
			if k == 0 && !strings.Contains(seg, "the ") {
				break
			}
			// ("the h's" holds "the h".)
			if strings.Contains(seg, theClaimantHeads[k]) {
				for _, p := range a.partiesByRecency(h) {
					out = append(out, claimantCand{w, p})
					break
				}
				if len(out) == 0 && a.lastClaimant != nil {
					out = append(out, claimantCand{w, a.lastClaimant[0]})
				}
				break
			}
		}
	}
	// "..., he said": the person met last.
	if len(out) == 0 {
		if f := lastField(a.lowerOf(Span{w.Start, w.End})); f == "he" || f == "she" {
			if p := a.lastPerson(w.Start); p != nil {
				out = append(out, claimantCand{w, a.party(p.name, p.country, "individual", false)})
			}
		}
	}
	// Nearest the verb first.
	for i := 0; i < len(out); i++ {
		for j := i + 1; j < len(out); j++ {
			if out[j].End > out[i].End {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	// A government and an organ of the same country in one subject: keep the organ.
	return dedupeSameCountry(out)
}

// sourcePhrases name a claim's source after them, as "according to" does.
// All but the first begin with "based on ".
var sourcePhrases = []string{"according to ", "based on the findings of ", "based on findings by ", "based on the findings by ",
	"based on the assessment of ", "based on information from ", "based on intelligence from "}

// sourcePhrase returns where the first source phrase stands in the lower-case
// sentence low and which it is, or -1. It looks for the two openings alone
// and then at what follows them.
func sourcePhrase(low string) (int, string) {
	best, phrase := strings.Index(low, sourcePhrases[0]), sourcePhrases[0]
	for off := 0; ; {
		i := strings.Index(low[off:], "based on ")
		if i < 0 || best >= 0 && off+i > best {
			break
		}
		for _, p := range sourcePhrases[1:] {
			if strings.HasPrefix(low[off+i:], p) {
				return off + i, p
			}
		}
		off += i + len("based on ")
	}
	return best, phrase
}

// entsIn returns the entity mentions that lie inside sp: those from the
// first that starts in it up to the first that runs past its end.
func (a *analysis) entsIn(sp Span) []mention {
	k := sort.Search(len(a.ents), func(k int) bool { return a.ents[k].Start >= sp.Start })
	e := k
	for e < len(a.ents) && a.ents[e].End <= sp.End {
		e++
	}
	return a.ents[k:e:e]
}

// lastPerson returns the person whose last mention before at is the latest,
// or nil.
func (a *analysis) lastPerson(at int) *person {
	var best *person
	bestAt := -1
	for _, p := range a.people {
		for _, e := range p.ev {
			if e.Start < at && e.Start > bestAt || e.Start == bestAt && best != nil && p.name < best.name {
				best, bestAt = p, e.Start
			}
		}
	}
	return best
}

func dedupeSameCountry(cs []claimantCand) []claimantCand {
	var out []claimantCand
	for i, c := range cs {
		drop := false
		if strings.HasPrefix(c.p.name, "Government of ") {
			for j, o := range cs {
				if i != j && o.p.country == c.p.country && o.p != c.p {
					drop = true
				}
			}
		}
		if !drop {
			out = append(out, c)
		}
	}
	return out
}

// partiesByRecency returns known claimants whose name holds the word h,
// most recent first.
func (a *analysis) partiesByRecency(h string) []*party {
	var out []*party
	for i := len(a.lastClaimant) - 1; i >= 0; i-- {
		p := a.lastClaimant[i]
		if strings.Contains(strings.ToLower(p.name), h) {
			out = append(out, p)
		}
	}
	for _, p := range a.partyOrder() {
		if strings.Contains(strings.ToLower(p.name), strings.TrimSuffix(h, "foreign ")) {
			out = append(out, p)
		}
	}
	if h == "foreign ministry" {
		for _, p := range a.partyOrder() {
			if strings.Contains(p.name, "Foreign Affairs") {
				out = append([]*party{p}, out...)
			}
		}
	}
	return out
}

func (a *analysis) partyOrder() []*party {
	out := make([]*party, 0, len(a.parties))
	for _, p := range a.parties {
		out = append(out, p)
	}
	// Deterministic order.
	for i := 0; i < len(out); i++ {
		for j := i + 1; j < len(out); j++ {
			if out[j].name < out[i].name {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// concurring returns the bodies a sentence says the claimant agrees with:
// "concurred with the judgment of American, British and allied services".
func (a *analysis) concurring(v *sview, gov []govPhrase) []*party {
	var out []*party
	for _, c := range v.cues {
		if c.kind != kConcur {
			continue
		}
		w := Span{c.End, min(v.s.End, c.End+160)}
		if isSubjectConcur(a.lowerOf(c.Span)) {
			// "Australia and Japan issued statements backing the finding":
			// those before the verb, back to a clause mark.
			w = Span{max(v.s.Start, c.Start-200), c.Start}
			if k := strings.LastIndexAny(a.text[w.Start:w.End], ";:\""); k >= 0 {
				w.Start += k + 1
			}
		} else {
			// Stop at the clause that states the claim, or at the next verb phrase.
			seg := a.lowerOf(Span{w.Start, w.End})
			for _, stop := range []string{" that ", " in its ", " in their ", " in his ", " in her ", " and would", " and will", " and said", " to ", " which ", " who ", ";", " on "} {
				if i := strings.Index(seg, stop); i >= 0 && w.Start+i < w.End {
					w.End = w.Start + i
				}
			}
		}
		for _, m := range v.ents {
			if m.Start < w.Start || m.End > w.End {
				continue
			}
			switch m.kind {
			case kCountry:
				cn := a.x.dict.countries[m.ref]
				out = append(out, a.party(govName(cn.Name), cn.ISO2, "government", false))
			case kBody:
				out = append(out, a.bodyParty(v, m))
			}
		}
	}
	return out
}

// isSubjectConcur reports whether a concurrence cue (in lower case) takes
// the claim as its object, so its subjects concur.
func isSubjectConcur(cue string) bool {
	for _, o := range claimObjects {
		if strings.HasSuffix(cue, " "+o) {
			return true
		}
	}
	return false
}

func (a *analysis) countryName(iso string) string {
	if i, ok := a.x.dict.byISO[iso]; ok {
		return a.x.dict.countries[i].Name
	}
	return iso
}

func itoa10(i int) string { return strconv.Itoa(i) }

// govName names a country's government: "Government of the United Kingdom".
func govName(country string) string { return "Government of " + theName(country, "of %s") }

// theName puts "the" before country names that take it, when the name
// follows "of".
func theName(country, pattern string) string {
	if !strings.Contains(pattern, "of %s") {
		return country
	}
	switch {
	case strings.HasPrefix(country, "United "), strings.HasSuffix(country, "Republic"),
		strings.HasSuffix(country, " Islands"), country == "Netherlands", country == "Philippines",
		strings.HasPrefix(country, "Republic "), strings.HasPrefix(country, "Democratic "), country == "Russian Federation":
		return "the " + country
	}
	return country
}

// concurAcross handles a sentence that agrees with a claim made before it:
// "The CSE concurred with the assessment of the NCSC and the NSA." Each
// claimant of the sentence, and each body agreed with, takes on the claims
// of the bodies agreed with (or, when none is named, the latest claims).
func (a *analysis) concurAcross(v *sview, gov []govPhrase, claimants []*party) {
	if !a.hasCue(v, kConcur) || len(a.claimList) == 0 || a.hasCue(v, kNegation) {
		return
	}
	with := a.concurring(v, gov)
	var base []*claim
	for _, c := range a.claimList {
		for _, w := range with {
			if c.by == w {
				base = append(base, c)
			}
		}
	}
	if len(base) == 0 {
		last := a.claimList[len(a.claimList)-1]
		for _, c := range a.claimList {
			if c.group == last.group {
				base = append(base, c)
			}
		}
	}
	for _, c := range base {
		for _, p := range append(append([]*party{}, claimants...), with...) {
			if p != c.by {
				a.addClaim(p, c.group, c.sponsor, -1, "", nil, v.s.Span)
			}
		}
	}
}

// stateWords reports whether a sentence says a state stands behind a group
// without naming the state's organ.
func stateWords(l string) bool {
	return stateWordSet.containsAny(l) // in lower case, folding changes nothing
}

var stateWordSet = newMatcher([]string{"state-sponsored", "state sponsored", "nation-state", "nation state", "state-backed", "state-linked", "government-backed", "government-sponsored", "state actor", "state-affiliated"})

// securityBureaus finds provincial or city state-security offices: "Tianjin
// State Security Bureau", "Hainan Department of State Security".
func (a *analysis) securityBureaus(v *sview) []sponsorCand {
	var out []sponsorCand
	seg := a.text[v.s.Start:v.s.End]
	if !strings.Contains(seg, "State Security") {
		return nil
	}
	for _, suf := range []string{" State Security Bureau", " State Security Department", " Department of State Security", " Bureau of State Security"} {
		for s := range indexes(seg, suf) {
			e := s + len(suf)
			// The capitalised place name before it.
			j := s
			for j > 0 && isWordByte(seg[j-1]) {
				j--
			}
			if j == s || seg[j] < 'A' || seg[j] > 'Z' {
				continue
			}
			known := false
			for _, m := range v.ents {
				if m.kind == kBody && m.Start <= v.s.Start+j && v.s.Start+e <= m.End {
					known = true
				}
			}
			if !known {
				out = append(out, sponsorCand{Span{v.s.Start + j, v.s.Start + e}, seg[j:e], "CN", "", false})
			}
		}
	}
	return out
}

// weSubject reports whether a lower-case sentence speaks as "we": "we
// assess", "we believe", "in our assessment".
func weSubject(low string) bool {
	// In quoted speech "we" is the speaker: "\"We assess ...,\" the
	// directorate said".
	if strings.ContainsAny(low, "\"“”") {
		return false
	}
	low = strings.TrimLeft(low, " ")
	return strings.HasPrefix(low, "we ") || strings.Contains(low, " we assess") || strings.Contains(low, " we believe") ||
		strings.Contains(low, " we judge") || strings.Contains(low, " we attribute") || strings.Contains(low, "in our assessment")
}

// firstListed returns, of candidates after a verb or "by", the first in
// the text and those listed with it: "attributed by the UK and US
// governments" gives both.
func (a *analysis) firstListed(cs []claimantCand) []claimantCand {
	cs = append([]claimantCand(nil), cs...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].Start < cs[j].Start })
	var out []claimantCand
	for _, c := range cs {
		if len(out) > 0 {
			last := out[len(out)-1]
			if c.Start < last.End {
				continue // inside the one before
			}
			if !isListGap(a.between(last.End, c.Start)) {
				break
			}
		}
		out = append(out, c)
	}
	return out
}

// countriesListedBefore returns the countries listed right before the
// country m, joined to it by "and", "or" or commas: "the UK and US".
func (a *analysis) countriesListedBefore(v *sview, m mention) []mention {
	var out []mention
	next := m
	for i := len(v.ents) - 1; i >= 0; i-- {
		e := v.ents[i]
		if e.End > next.Start {
			continue
		}
		if e.kind != kCountry || !isListGap(a.between(e.End, next.Start)) {
			break
		}
		out = append(out, e)
		next = e
	}
	return out
}

// blameAfter reports whether the lower-case text after a name makes it
// the one to blame: " was responsible for", " is behind", " carried out".
func blameAfter(rest string) bool {
	// ", specifically the Russian military, was responsible": the subject
	// may close an apposition.
	rest = strings.TrimPrefix(rest, ",")
	for _, w := range []string{" had carried out", " carried out", " orchestrated"} {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	// A form of "be", estimative adverbs ("almost certainly", "highly
	// likely"), then the blame.
	w, rest := cutWord(rest)
	if !beForms[w] {
		return false
	}
	for k := 0; k < 3; k++ {
		w, r := cutWord(rest)
		if !blameAdverbs[w] {
			break
		}
		rest = r
	}
	rest = strings.TrimLeft(rest, " ")
	return strings.HasPrefix(rest, "responsible for") || strings.HasPrefix(rest, "behind") || strings.HasPrefix(rest, "to blame")
}

// cutWord returns the first space-separated word of s and what follows it.
func cutWord(s string) (string, string) {
	s = strings.TrimLeft(s, " ")
	i := strings.IndexByte(s, ' ')
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

var (
	beForms      = map[string]bool{"was": true, "is": true, "were": true, "are": true}
	blameAdverbs = map[string]bool{"almost": true, "certainly": true, "highly": true, "very": true, "likely": true,
		"probably": true, "most": true, "ultimately": true, "directly": true, "also": true, "possibly": true}
)

// ownerCountry returns the country that owns the name at sp ("North
// Korea's [Ministry of State Security]", "the Vietnamese [Ministry of Public
// Security]") and where it starts, or nil.
func (a *analysis) ownerCountry(v *sview, sp Span) (*country, int) {
	for _, m := range v.ents {
		if m.kind != kCountry || m.End > sp.Start {
			continue
		}
		if gap := a.text[m.End:sp.Start]; gap == "'s " || gap == " " {
			return &a.x.dict.countries[m.ref], m.Start
		}
	}
	return nil, 0
}

// cueRightBefore reports whether a cue of kind k ends right before sp, with
// at most "the" between. An attribution cue makes what follows a sponsor
// ("controlled by [the North Korean government]"); an attack cue makes it
// a victim, even a name that usually sponsors ("targeted [the Defense
// Intelligence Agency]").
func (a *analysis) cueRightBefore(v *sview, sp Span, k kind) bool {
	for _, c := range v.cues {
		if c.kind == k && c.End <= sp.Start && sp.Start-c.End <= 5 {
			if gap := strings.TrimSpace(a.text[c.End:sp.Start]); gap == "" || strings.EqualFold(gap, "the") {
				return true
			}
		}
	}
	return false
}

// tiedTo reports whether sp is the object of an attribution cue: right
// after it ("backed by the Russian state"), or after "to" or "with" in a
// sentence that holds one ("linked the campaign to the Russian state",
// "associated these with the Russian State").
func (a *analysis) tiedTo(v *sview, sp Span) bool {
	if a.cueRightBefore(v, sp, kAttribution) {
		return true
	}
	before := strings.TrimSuffix(a.lowerOf(Span{max(v.s.Start, sp.Start-8), sp.Start}), "the ")
	return (strings.HasSuffix(before, " to ") || strings.HasSuffix(before, " with ")) && a.hasCue(v, kAttribution)
}

// stateOrgan reports whether an organ of a state (see govHeads) acts with
// its force or its secrets: its military or its intelligence services.
func stateOrgan(name string) bool {
	return strings.HasSuffix(name, " military") || strings.HasSuffix(name, " intelligence services")
}

// stateAfterCue finds a country named right after an attribution cue, as a
// state: "associated with the DPRK", "under orders from Pyongyang", "linked
// to China". It also reads a nationality given to a group: "a suspected
// Chinese cyber espionage group", "Russian state hackers".
func (a *analysis) stateAfterCue(v *sview) []sponsorCand {
	var out []sponsorCand
	for _, m := range v.ents {
		if m.kind != kCountry {
			continue
		}
		c := a.x.dict.countries[m.ref]
		for _, cue := range v.cues {
			if cue.kind != kAttribution || cue.End > m.Start || !stateCues[a.lowerOf(Span{cue.Start, cue.End})] {
				continue
			}
			gap := strings.TrimSpace(a.text[cue.End:m.Start])
			if gap != "" && gap != "the" && !attributedActivity(a.lowerOf(Span{cue.Start, cue.End}), strings.ToLower(gap)) {
				continue
			}
			// "individuals linked to Taiwan": the cue tells about victims.
			if victimNounBefore(a.lowerOf(Span{max(v.s.Start, cue.Start-25), cue.Start})) || a.targetedOrgBefore(v, cue.Span) {
				continue
			}
			out = append(out, sponsorCand{m.Span, govName(c.Name), c.ISO2, "", false})
			break
		}
		// "Iran was responsible for the hack", "Russia was behind the
		// attacks": a country as the subject of blame.
		if rest := a.lowerOf(Span{m.End, min(v.s.End, m.End+40)}); blameAfter(rest) {
			out = append(out, sponsorCand{m.Span, govName(c.Name), c.ISO2, "", false})
			continue
		}
		// "Iran's APT42": a possessive country right before a group.
		if strings.HasPrefix(a.text[m.End:min(v.s.End, m.End+3)], "'s ") {
			for _, gs := range v.groupSpans {
				if gs.Start == m.End+3 {
					out = append(out, sponsorCand{m.Span, govName(c.Name), c.ISO2, "", true})
				}
			}
		}
		// "a China-based threat actor": a base given to a group.
		if rest := a.lowerOf(Span{m.End, min(v.s.End, m.End+30)}); strings.HasPrefix(rest, "-based ") {
			for _, h := range []string{"threat actor", "actor", "group", "hackers", "apt", "espionage", "hacking group", "nation-state"} {
				if strings.HasPrefix(rest[len("-based "):], h) {
					// The wording ties the state to the actor the noun names.
					out = append(out, sponsorCand{Span{m.Start, m.End + len("-based")}, govName(c.Name), c.ISO2, "", true})
					break
				}
			}
		}
		// "Storm-2372 is aligned with Russian interests": the state whose
		// interests a group serves.
		rest := a.lowerOf(Span{m.End, min(v.s.End, m.End+40)})
		if strings.HasPrefix(rest, " interests") || strings.HasPrefix(rest, " state interests") || strings.HasPrefix(rest, " national interests") {
			before := a.lowerOf(Span{max(v.s.Start, m.Start-30), m.Start})
			for _, w := range []string{"aligned with ", "in line with ", "serves ", "serving ", "in support of ", "supports ", "furthers ", "advance "} {
				if strings.HasSuffix(before, w) || strings.HasSuffix(before, w+"the ") {
					out = append(out, sponsorCand{m.Span, govName(c.Name), c.ISO2, "", true})
					break
				}
			}
		}
		// "Chinese cyber espionage group": a demonym before a group noun.
		for _, p := range []string{" cyber espionage group", " cyberespionage group", " espionage group", " espionage actor",
			" state hackers", " state-sponsored", " apt group", " apt actor", " nation-state", " government hackers",
			" military hackers", " intelligence hackers", " state actor", " state-backed", " cyber espionage actor",
			" threat actor", " hacking group", " hackers", " apt", " cyber actors", " espionage", " cyber operator",
			" cyber operators", " state actor", " operator", " group", " threat group", " actors"} {
			if strings.HasPrefix(rest, p) && (len(rest) == len(p) || !isWordByte(rest[len(p)])) {
				out = append(out, sponsorCand{m.Span, govName(c.Name), c.ISO2, "", false})
				break
			}
		}
	}
	return out
}

// subjectCountry reports whether the country mention m is (part of) the
// subject of a verb that starts at verb: only a few words such as "also" or
// a day stand between, and no preposition stands before it.
func (a *analysis) subjectCountry(v *sview, m mention, verb int) bool {
	if m.End > verb {
		return false
	}
	gap := strings.Fields(strings.NewReplacer(",", " ", "'s", " ").Replace(a.text[m.End:verb]))
	if len(gap) > 7 {
		// A list of countries before the verb: look for a country after m.
		for _, o := range v.ents {
			if o.kind == kCountry && o.Start > m.End && o.End <= verb && isListGap(a.between(m.End, o.Start)) {
				return a.subjectCountry(v, o, verb)
			}
		}
		return false
	}
	for _, w := range gap {
		switch strings.ToLower(w) {
		case "its", "their", "partners", "allies", "five", "eyes", "western", "international", "european",
			"also", "has", "have", "had", "jointly", "publicly", "formally", "officially", "previously", "today",
			"yesterday", "on", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
			"both", "now", "the", "and", "government", "itself", "further", "again", "first", "last", "week",
			"recently", "separately", "earlier", "same", "day", "month", "later":
		default:
			// Another country in a list between m and the verb is fine.
			return a.countryListTo(v, m, verb)
		}
	}
	prev := strings.ToLower(a.prevWords(m.Start, v.s.Start, 1))
	switch prev {
	case "in", "from", "to", "against", "of", "at", "on", "into", "by", "for", "with", "across", "including", "targeting":
		return false
	}
	return true
}

// countryListTo reports whether m starts a list of countries that reaches
// the verb: "the United Kingdom, the United States and Australia said".
func (a *analysis) countryListTo(v *sview, m mention, verb int) bool {
	for _, o := range v.ents {
		if o.kind == kCountry && o.Start > m.End && o.End <= verb && isListGap(a.between(m.End, o.Start)) {
			return a.subjectCountry(v, o, verb)
		}
	}
	return false
}

// namedOrgs finds organisations the tables do not know, inside w: a run of
// capitalised words that ends in an organisation word ("National Cyber
// Directorate"), with the country of a possessive or demonym before it.
func (a *analysis) namedOrgs(v *sview, w Span) []claimantCand {
	// In a headline every word has a capital: a run of them is no name
	// ("Treasury Sanctions Company and Hacker ...").
	if a.titleCase(v) {
		return nil
	}
	var out []claimantCand
	toks := v.tokens(a)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Start < w.Start || t.End > w.End || !t.isWord() || !t.isCap() || isStopCap(t.text) {
			continue
		}
		j, last := i, -1
		for j < len(toks) && toks[j].End <= w.End && toks[j].isWord() && (toks[j].isCap() || toks[j].text == "of" || toks[j].text == "for" || toks[j].text == "and") {
			if orgHeads[toks[j].text] {
				last = j
			}
			j++
		}
		if last <= i {
			i = j
			continue
		}
		sp := Span{t.Start, toks[last].End}
		// Skip runs that are known names (bodies, countries, groups).
		known := false
		for _, m := range v.ents {
			if m.Start < sp.End && sp.Start < m.End && (m.kind == kBody || m.kind == kGroup || m.kind == kSoftware) {
				known = true
			}
		}
		if known {
			i = j
			continue
		}
		cc := ""
		for _, m := range v.ents {
			if m.kind == kCountry && m.End <= sp.Start && sp.Start-m.End <= 4 {
				cc = a.x.dict.countries[m.ref].ISO2
			}
		}
		// A job title is not an organisation ("Chief Cabinet Secretary"),
		// and a short name with no country ("the Foreign Ministry") is left
		// to point back at a claimant already met.
		titled := last+1 < len(toks) && isTitleWord(toks[last+1].text)
		for k := i; k <= last; k++ {
			if isTitleWord(toks[k].text) || roleWords[strings.ToLower(toks[k].text)] {
				titled = true
			}
		}
		if titled || cc == "" && last-i+1 < 3 {
			i = j
			continue
		}
		name := a.text[sp.Start:sp.End]
		out = append(out, claimantCand{sp, a.party(name, cc, "organization", false)})
		i = j
	}
	return out
}

// inBodyList reports whether the body m stands in a list with another body
// that is not a sponsor: "CISA, the NSA, and the FBI".
func (a *analysis) inBodyList(v *sview, m mention) bool {
	for _, o := range v.ents {
		if o.kind != kBody || o.Span == m.Span || bodies[o.ref].Sponsor {
			continue
		}
		var gap string
		if o.End <= m.Start {
			gap = a.between(o.End, m.Start)
		} else if m.End <= o.Start {
			gap = a.between(m.End, o.Start)
		} else {
			continue
		}
		// Allow an acronym in parentheses: "Agency (CISA), the ...".
		if i := strings.Index(gap, ")"); i >= 0 && strings.HasPrefix(gap, " (") {
			gap = gap[i+1:]
		}
		if isListGap(gap) || gap == ", and the " || gap == ", and " {
			return true
		}
	}
	return false
}

// sponsorBy reports whether text ends with a verb whose "by" introduces a
// sponsor: "controlled", "run", "backed".
func sponsorBy(text string) bool {
	for _, w := range []string{"controlled", "run", "backed", "sponsored", "led", "directed", "operated", "tasked",
		"employed", "funded", "supported", "commanded", "overseen", "managed", "financed", "orchestrated", "hired", "paid"} {
		if strings.HasSuffix(text, " "+w) || strings.HasSuffix(text, "-"+w) {
			return true
		}
	}
	return false
}

// isSponsorBody reports whether name is a body that sponsors groups.
func isSponsorBody(name string) bool {
	for _, b := range bodies {
		if b.Name == name {
			return b.Sponsor
		}
	}
	return false
}

// pendingClaim is a claim about a group the sentence does not name yet: "a
// hacking group tied to Iran's IRGC sent fake requests ..., Google said."
// The next sentence that names a group and points back to it ("The group,
// which Google tracks as APT42, ...") completes it.
type pendingClaim struct {
	by     []*party
	cands  []sponsorCand
	conf   int
	phrase string
	hedges []string
	ev     Span
	para   int
	// activity marks a claim about an intrusion ("Iran was responsible
	// for the hack").
	activity bool
}

// holdClaim keeps a claim about an unnamed group for the next sentence.
func (a *analysis) holdClaim(v *sview, gov []govPhrase, claimants []*party, cands []sponsorCand) {
	if !a.hasCue(v, kGroupHead) && !activityNoun(v.low(a)) || !a.hasCue(v, kAttribution) && !hasSuffixSponsor(gov) || a.hasCue(v, kNegation) {
		return
	}
	by := claimants
	if len(by) == 0 {
		by = []*party{a.publisher()}
	}
	conf, phrase := a.confidence(v)
	if a.pending != nil { // an earlier claim the text never completed
		a.unnamed = append(a.unnamed, a.pending)
	}
	a.pending = &pendingClaim{by: by, cands: cands, conf: conf, phrase: phrase, hedges: a.hedges(v), ev: v.s.Span, para: v.s.Para,
		activity: activityNoun(v.low(a))}
}

// completePending attaches a held claim to the group a sentence names when
// the sentence begins by pointing back ("The group", "The actor", "It"), or
// when those who made the claim are the ones who speak.
func (a *analysis) completePending(v *sview, groups []*group, claimants []*party) {
	p := a.pending
	if p == nil || len(groups) == 0 {
		return
	}
	a.pending = nil
	if v.s.Para-p.para > 1 {
		a.unnamed = append(a.unnamed, p)
		return
	}
	start := a.lowerOf(Span{v.s.Start, min(v.s.End, v.s.Start+16)})
	back := false
	for _, w := range []string{"the group", "the actor", "the hackers", "the threat actor", "it ", "they ", "the attackers", "this group", "the gang", "the operators", "the unit", "this unit"} {
		if strings.HasPrefix(start, w) {
			back = true
		}
	}
	// "Researchers track the group as APT31": a group noun before the
	// name points back too. "We track them as A, B and C" points back to
	// several actors, and the claim goes to each group named.
	plural := false
	if !back && len(v.groupSpans) > 0 {
		before := a.lowerOf(Span{v.s.Start, v.groupSpans[0].Start})
		for _, w := range []string{"the group as", "the group,", "this group as", "the actors as", "the hackers as", "the group is", "the group, "} {
			if strings.Contains(before, w) {
				back = true
			}
		}
		for _, w := range []string{"them as", "these actors as", "these groups as", "the actors as"} {
			if strings.HasSuffix(before, w+" ") {
				back, plural = true, true
			}
		}
	}
	// Those who made the claim go on to name the group: "The U.S.
	// authoring agencies have confirmed that Volt Typhoon has ...".
	for _, c := range claimants {
		back = back || slices.Contains(p.by, c)
	}
	if !back {
		a.unnamed = append(a.unnamed, p)
		return
	}
	named := groups[:1]
	if plural {
		named = groups
	}
	for _, g := range named {
		for _, c := range p.cands {
			sp := a.sponsor(c)
			sp.ev = appendEv(sp.ev, p.ev)
			if sp.country != "" {
				g.origins[sp.country] = appendEv(g.origins[sp.country], p.ev)
			}
			for _, by := range p.by {
				a.addClaim(by, g, sp, p.conf, p.phrase, p.hedges, p.ev)
				a.addClaim(by, g, sp, -1, "", nil, v.s.Span)
			}
		}
	}
}

// mayHaveClaimant reports whether a sentence holds anything that can be a
// claimant, so that the costlier search for one is worth it.
func (a *analysis) mayHaveClaimant(v *sview) bool {
	for _, m := range v.ents {
		if m.kind == kBody || m.kind == kCountry {
			return true
		}
	}
	if a.hasCue(v, kTitle) || len(a.people) > 0 {
		return true
	}
	// Named organisations and people: two capitalised words in a row.
	seg := a.text[v.s.Start:v.s.End]
	for i := 1; i < len(seg)-2; i++ {
		if seg[i] == ' ' && seg[i+1] >= 'A' && seg[i+1] <= 'Z' {
			j := strings.IndexByte(seg[i+1:], ' ')
			if j > 0 && i+2+j < len(seg) && seg[i+2+j] >= 'A' && seg[i+2+j] <= 'Z' {
				return true
			}
		}
	}
	return false
}

// stateCues, right before a country, make the country's state the sponsor:
// "associated with the DPRK", "on behalf of Russia".
var stateCues = map[string]bool{
	"associated with": true, "linked to": true, "linked with": true, "tied to": true, "on behalf of": true,
	"working for": true, "works for": true, "work for": true, "backed by": true, "sponsored by": true,
	"under orders": true, "orders from": true, "on orders": true, "directed by": true, "controlled by": true,
	"in the service of": true, "at the behest of": true, "at the direction of": true, "attributed to": true,
	"acting for": true, "operating for": true, "affiliated with": true, "run by": true, "led by": true,
	"tasked by": true, "with ties to": true, "with links to": true, "proxy for": true, "instrument of": true,
	"agents of": true, "in association with": true, "supported by": true, "traced to": true, "traced back to": true,
	"in support of": true, "in the interests of": true, "in the interest of": true, "attributable to": true,
	"blamed": true, "blames": true, "blaming": true, "attributed": true, "attributes": true, "attributing": true,
	"operate from": true, "operates from": true, "operating from": true, "operating out of": true, "operates out of": true,
	"based in": true, "operations for": true, "spying for": true, "hacking for": true, "espionage for": true,
}

// attributedActivity reports whether gap, between an attribution verb and a
// country, names the intrusion given to it: "attributes [the massive
// WannaCry cyberattack to] North Korea".
func attributedActivity(cue, gap string) bool {
	switch cue {
	case "attributed", "attributes", "attribute", "attributing", "publicly attributed":
	default:
		return false
	}
	head, ok := strings.CutSuffix(gap, " to the")
	if !ok {
		head, ok = strings.CutSuffix(gap, " to")
	}
	if !ok || len(head) > 80 || strings.ContainsAny(head, ",;:") {
		return false
	}
	return activityNoun(" " + head + " ")
}

// victimNounBefore reports whether text ends with a noun for victims, so a
// cue after it describes them: "individuals linked to", "targets tied to".
func victimNounBefore(text string) bool {
	text = strings.TrimSpace(text)
	for _, w := range []string{"individuals", "people", "organizations", "organisations", "companies", "entities",
		"users", "targets", "victims", "dissidents", "activists", "journalists", "accounts", "interests", "groups and individuals"} {
		if strings.HasSuffix(text, w) {
			return true
		}
	}
	return false
}

// targetedOrgBefore reports whether the cue at sp follows a noun for an
// organisation that a targeting verb before it governs: "compromised an
// Israeli logistics company and a shipping firm based in the United Arab
// Emirates" places the victim, not the actor.
func (a *analysis) targetedOrgBefore(v *sview, sp Span) bool {
	w := lastField(a.lowerOf(Span{max(v.s.Start, sp.Start-20), sp.Start}))
	switch w {
	case "company", "companies", "firm", "firms", "organization", "organisation", "provider", "providers",
		"operator", "operators", "agency", "ministry", "university", "bank", "banks", "utility", "manufacturer", "contractor":
	default:
		return false
	}
	for _, c := range v.cues {
		if c.kind == kTarget && c.End <= sp.Start {
			return true
		}
	}
	return false
}

// namingVerb reports whether a reporting verb only gives a name: "tracks
// as", "calls", "dubbed", "refers to it as" followed by a group name.
func (a *analysis) namingVerb(v *sview, rv mention) bool {
	switch a.lowerOf(Span{rv.Start, rv.End}) {
	case "tracks", "tracked", "calls", "called", "dubbed", "dubs", "names", "named":
	default:
		return false
	}
	rest := a.text[rv.End:min(v.s.End, rv.End+40)]
	rest = strings.TrimPrefix(strings.TrimPrefix(rest, " it"), " them")
	rest = strings.TrimPrefix(rest, " as")
	rest = strings.TrimLeft(rest, " \"'")
	for _, m := range v.ents {
		if m.kind == kGroup && m.Start >= rv.End && m.Start-rv.End <= len(a.text[rv.End:min(v.s.End, rv.End+40)])-len(rest)+2 {
			return true
		}
	}
	// A name the tables do not know: a capitalised word right there.
	return rest != "" && rest[0] >= 'A' && rest[0] <= 'Z'
}

// passiveBefore reports whether text ends with a form of "to be" (and an
// adverb or two), so that the verb after it is passive.
func passiveBefore(text string) bool {
	for k := 0; k < 3; k++ {
		var w string
		if text, w = cutLastField(text); w == "" {
			return false
		}
		var buf [16]byte
		low, ok := appendLowerASCII(buf[:0], w)
		if !ok {
			return false // none of the words below
		}
		switch string(low) {
		case "is", "are", "was", "were", "been", "be", "being":
			return true
		case "widely", "also", "publicly", "previously", "reportedly", "now", "often", "long", "not":
			continue
		}
		return false
	}
	return false
}

// cutLastField returns the last of the words strings.Fields would split s
// into, and what comes before it; w is "" when s holds only white space.
func cutLastField(s string) (before, w string) {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	i := strings.LastIndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return "", s
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return s[:i], s[i+n:]
}

// victimNounAfter reports whether a noun for victims follows position i:
// "government agencies", "government networks".
func (a *analysis) victimNounAfter(v *sview, i int) bool {
	w := a.nextWord(i, v.s.End)
	switch strings.ToLower(w) {
	case "agencies", "networks", "officials", "ministries", "websites", "systems", "employees", "entities",
		"organizations", "organisations", "departments", "bodies", "offices", "servers", "computers", "institutions":
		return true
	}
	return false
}

// claimUnnamed gives the held claims whose group the text never names to the
// report's unattributed activity, when the report makes no claim about a
// named group at all: "Chinese state-sponsored hackers breached a military
// network", the MIVD said.
func (a *analysis) claimUnnamed() {
	if a.pending != nil {
		a.unnamed = append(a.unnamed, a.pending)
		a.pending = nil
	}
	if len(a.unnamed) == 0 {
		return
	}
	// In a report that names groups, an unnamed claim stands only where a
	// named source, that names no group itself and sponsors none, attributes
	// an intrusion ("the agencies said Iran was responsible for the hack")
	// outside the headline: a held claim about "hackers" most likely meant
	// a group the report names, and a headline repeats the body.
	named := map[*party]bool{}
	for _, c := range a.claimList {
		named[c.by] = true
	}
	namesGroups := len(a.claimList) > 0
	pub := a.publisher()
	sole := a.soleGroup()
	for _, p := range a.unnamed {
		for _, c := range p.cands {
			for _, by := range p.by {
				// A report about one group: what it says of "the attack" it
				// says of that group's work, unless the group is known to
				// come from another country than the one blamed.
				var g *group
				switch {
				case sole != nil && !isSponsorBody(by.name) && a.groupCountryAgrees(sole, c.country):
					g = sole
				case namesGroups && (!p.activity || by == pub || named[by] || isSponsorBody(by.name) || p.ev.Start == 0):
					continue
				default:
					g = a.unattributedGroup()
				}
				g.ev = appendEv(g.ev, p.ev)
				sp := a.sponsor(c)
				sp.ev = appendEv(sp.ev, p.ev)
				a.addClaim(by, g, sp, p.conf, p.phrase, p.hedges, p.ev)
			}
		}
	}
}

// soleGroup returns the one group the report names, or nil when it names
// none or several. A group named once in passing ("tools like those of
// Volt Typhoon") and in no claim is not what the report is about.
func (a *analysis) soleGroup() *group {
	var sole *group
	for _, g := range a.groups {
		if sole != nil {
			return nil
		}
		sole = g
	}
	if sole == nil || len(sole.ev) >= 2 {
		return sole
	}
	for _, c := range a.claimList {
		if c.group == sole {
			return sole
		}
	}
	return nil
}

// groupCountryAgrees reports whether group g may act for country cc: the
// reference data gives g no country, or cc.
func (a *analysis) groupCountryAgrees(g *group, cc string) bool {
	if g.kbIndex < 0 || cc == "" {
		return true
	}
	gc := a.x.facts.Groups[g.kbIndex].Country
	return gc == "" || gc == cc
}

// claimantHeads are nouns that, after "the", point back to a claimant of
// their kind ("the ministry").
var (
	claimantHeads = []string{"foreign ministry", "ministry", "police", "department", "indictment", "statement", "agency", "government", "advisory", "report", "prosecutors", "researchers", "company", "firm", "officials", "bureau", "centre", "center", "office", "service", "security firm"}

	theClaimantHeads = func() []string {
		out := make([]string, len(claimantHeads))
		for k, h := range claimantHeads {
			out[k] = "the " + h
		}
		return out
	}()
)

// activityNoun reports whether the lower-case sentence speaks of an
// intrusion rather than a group: "responsible for the hack", "behind the
// attacks".
func activityNoun(low string) bool {
	return activityNouns.containsAny(low) // in lower case, folding changes nothing
}

var activityNouns = newMatcher([]string{" hack ", " hack.", " hacks", " hacking of", " attack ", " attack.", " attacks", " breach", " intrusion",
	" cyberattack", " cyber attack", " cyber-attack", " compromise of", " campaign", " operation "})

// negatedFor reports whether a negation or withholding cue governs the
// sponsors of a sentence. A negation in a clause that "but" closes before
// them ("The agencies did not name the group, but ... is run by the MSS")
// does not.
func (a *analysis) negatedFor(v *sview, cands []sponsorCand) bool {
	for _, c := range v.cues {
		if c.kind != kNegation {
			continue
		}
		closed := false
		for _, sp := range cands {
			if sp.Start <= c.End {
				closed = false
				break
			}
			between := a.text[c.End:sp.Start]
			if strings.Contains(between, ", but ") || strings.Contains(between, "; ") {
				closed = true
			} else {
				closed = false
				break
			}
		}
		if !closed {
			return true
		}
	}
	return false
}

// akaGroup reports whether a group's name follows the sponsor ending at i
// as the sponsor's other name: "GRU Unit 74455, also known as Sandworm".
func (a *analysis) akaGroup(v *sview, i int) bool {
	rest := a.lowerOf(Span{i, min(v.s.End, i+24)})
	for _, w := range []string{", known as ", ", also known as ", ", better known as ", ", publicly known as ", ", aka "} {
		if strings.HasPrefix(rest, w) && a.groupAt(v, i+len(w)) {
			return true
		}
	}
	return false
}

// actorsOf reports whether the words after position i name a body's own
// actors: "(SVR) cyber actors", "hackers", "APT actors".
func (a *analysis) actorsOf(v *sview, i int) bool {
	rest := a.text[i:min(v.s.End, i+30)]
	if strings.HasPrefix(rest, " (") {
		if j := strings.IndexByte(rest, ')'); j > 0 {
			rest = rest[j+1:]
			i += j + 1
		}
	}
	rest = strings.ToLower(rest)
	for _, w := range []string{" cyber actors", " actors", " hackers", " cyber operators", " operators", " apt actors", " threat actors", " cyber unit", " hacking unit", " hacking group"} {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

// lastField is the last of strings.Fields(s), or "".
func lastField(s string) string {
	_, w := cutLastField(s)
	return w
}

// passiveAgent reports whether a sentence names who made its attribution
// in the passive: "is attributed by", "were blamed by". ("Linked by" and
// "tied by" as often take the evidence: "linked by shared infrastructure".)
func passiveAgent(low string) bool {
	return strings.Contains(low, " attributed by ") || strings.Contains(low, " blamed by ")
}

// pluralBodyRef reports whether the subject right before a reporting verb
// points back to several bodies at once: "the services", "both agencies
// also", "the two agencies".
func pluralBodyRef(low string) bool {
	for _, n := range []string{" services", " agencies"} {
		i := strings.LastIndex(low, n)
		if i < 0 || len(strings.Fields(low[i+len(n):])) > 2 {
			continue
		}
		// A determiner at most two words before the noun: "the services",
		// "the two agencies", "the U.S. authoring agencies".
		before := strings.Fields(low[:i])
		for k := len(before) - 1; k >= 0 && k >= len(before)-3; k-- {
			if w := before[k]; w == "the" || w == "both" || w == "all" {
				return true
			}
		}
	}
	return false
}

// asciiSpace reports whether c is an ASCII white-space byte, as
// strings.Fields splits on.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
