package extract

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aptgraph/aptgraph/internal/swar"
)

// readTargets reads victims: organisations, countries and sectors named in a
// sentence that says something was hit.
func (a *analysis) readTargets(v *sview, groups []*group) {
	if a.hasCue(v, kTarget) {
		a.lastTargetSent = v.i
	} else if !(v.i > 0 && a.lastTargetSent == v.i-1 && includesVictims(v.low(a))) {
		// "This includes schools, municipal governments, ...": the
		// victims of the sentence before, listed.
		return
	}
	if len(groups) == 0 && a.focus != nil {
		groups = []*group{a.focus}
	}
	if len(groups) == 0 && a.isHeadline(v) {
		// A headline with no group: its victims belong to the group the
		// body names first (see headlineTargets).
		if a.headline == nil {
			a.headline = &group{key: "headline", name: "headline", kbIndex: -1, origins: map[string][]Span{}}
		}
		groups = []*group{a.headline}
	}
	if len(groups) == 0 {
		// No group named yet: the report's activity itself is the source.
		g := a.unattributedGroup()
		g.ev = appendEv(g.ev, v.s.Span)
		groups = []*group{g}
	}
	sponsorCountries := map[string]bool{}
	for _, g := range a.govPhrases(v) {
		// "Dutch government agencies": the phrase names whose agencies
		// were hit, not a sponsor.
		switch w := strings.Trim(a.nextWord(g.End, v.s.End), ",.;:"); {
		case plainVictimNouns[w], w == "agencies", w == "departments", w == "ministries", w == "systems":
			continue
		}
		// "targeted the Albanian government", "attacks on the Albanian
		// government": the government was hit.
		if a.govHit(v, g.Span) {
			continue
		}
		sponsorCountries[g.country] = true
	}
	for _, g := range groups {
		if g.kbIndex >= 0 {
			if cc := a.x.facts.Groups[g.kbIndex].Country; cc != "" {
				sponsorCountries[cc] = true
			}
		}
		for cc := range g.origins {
			sponsorCountries[cc] = true
		}
	}
	years := a.sentenceYears(v)

	// Sectors.
	var sectors []string
	ents := v.ents
	for i, m := range ents {
		if m.kind != kSector {
			continue
		}
		next := a.nextWord(m.End, v.s.End)
		prevIsSector := i > 0 && ents[i-1].kind == kSector && a.between(ents[i-1].End, m.Start) == " "
		if prevIsSector && sectorHeads[a.lowerOf(Span{m.Start, m.End})] {
			continue // a head, as in "transportation infrastructure"
		}
		// "social media accounts", "news reports": what the sector words
		// qualify is no body of that sector.
		switch strings.ToLower(next) {
		case "accounts", "account", "posts", "profiles", "pages", "reports", "report", "coverage":
			continue
		case "control":
			// "industrial control systems": a kind of system.
			if a.lowerOf(m.Span) == "industrial" {
				continue
			}
		case "network", "networks", "system", "systems", "channel", "channels", "equipment", "platform", "platforms":
			// "the office communications network": what the network
			// does, not whose it is.
			if a.lowerOf(m.Span) == "communications" {
				continue
			}
		}
		ok := sectorHeads[strings.ToLower(next)] || strings.Contains(a.text[m.Start:m.End], " ") || selfHeadedSectors[a.lowerOf(m.Span)]
		// A modifier between the sector and its head: "software development
		// companies", "computer hardware manufacturers".
		if !ok {
			after := strings.Fields(a.lowerOf(Span{m.End, min(v.s.End, m.End+40)}))
			if len(after) >= 2 && sectorHeads[strings.Trim(after[1], ",.;")] && !sectorHeads[after[0]] && !determiners[after[0]] {
				ok = true
			}
		}
		if !ok {
			// In a list with another sector: "aviation, defense, and maritime technology".
			if i+1 < len(ents) && ents[i+1].kind == kSector && isListGap(a.between(m.End, ents[i+1].Start)) {
				ok = true
			}
			if i > 0 && ents[i-1].kind == kSector && isListGap(a.between(ents[i-1].End, m.Start)) {
				ok = true
			}
		}
		// "law enforcement agencies said": the sector speaks.
		if ok && a.sectorSpeaks(v, m) {
			ok = false
		}
		if !ok {
			continue
		}
		name := a.x.dict.sectors[m.ref]
		sectors = appendUniq(sectors, name)
		for _, g := range groups {
			a.addTarget(g, "sector", name, v.s.Span, years)
		}
	}
	for _, name := range a.listedSectors(v) {
		sectors = appendUniq(sectors, name)
		for _, g := range groups {
			a.addTarget(g, "sector", name, v.s.Span, years)
		}
	}

	// Countries: "Japanese companies", "against Japan", "including the United States".
	for i, m := range ents {
		if m.kind != kCountry {
			continue
		}
		iso := a.x.dict.countries[m.ref].ISO2
		// "the FBI and cyber agencies in Britain and Canada said": in the
		// subject of a reporting verb, a country after "agencies in" says
		// where a source sits ("..., the agency said" puts the subject
		// after a comma, and what comes before it is no subject).
		last := a.listEdge(ents, i, +1, isCountryMention)
		if w, ok := windowOf(v.claimWindows, m.Span); ok && ents[last].End <= w.End && !strings.Contains(a.text[ents[last].End:w.End], ",") {
			k := a.listEdge(ents, i, -1, isCountryMention)
			before := strings.TrimSuffix(a.lowerOf(Span{max(v.s.Start, ents[k].Start-40), ents[k].Start}), "the ")
			if b, ok := strings.CutSuffix(before, " in "); ok && slices.ContainsFunc(provenanceNouns, func(n string) bool { return endsWithWord(b, n) }) {
				continue
			}
		}
		next := strings.ToLower(a.nextWord(m.End, v.s.End))
		prev := strings.ToLower(a.prevWords(m.Start, v.s.Start, 2))
		victimHead := victimHeads[next]
		// "a Saudi petrochemical firm": a sector word between.
		if !victimHead {
			after := strings.Fields(a.lowerOf(Span{m.End, min(v.s.End, m.End+50)}))
			if len(after) >= 2 {
				if _, ok := sectorWords[after[0]]; ok {
					w := strings.Trim(after[1], ",.;:")
					victimHead = victimHeads[w] || sectorHeads[w]
				}
			}
		}
		// "the Czech Republic, whose institutions were hit": a victim
		// named by what it lost.
		if rest := a.lowerOf(Span{m.End, min(v.s.End, m.End+60)}); strings.HasPrefix(rest, ", whose ") {
			for _, c := range v.cues {
				if c.kind == kTarget && c.Start > m.End && c.Start-m.End <= 50 {
					victimHead = true
				}
			}
		}
		if next == "'s" || next == "s" {
			// "Japan's space agency JAXA", "Tokyo's Narita Airport"
			after := a.lowerOf(Span{m.End, min(v.s.End, m.End+40)})
			victimHead = i+1 < len(ents) && ents[i+1].kind == kSector || strings.Contains(after, "airport") || strings.Contains(after, "agency")
		}
		prep := false
		for _, p := range []string{"against", "in", "targeting", "targeted", "including", "on", "into", "at", "hit", "from", "across", "attacked", "attacking", "breached", "compromised", "include", "includes", "included", "targets", "victims", "entities", "organizations", "inside", "throughout"} {
			if endsWithWord(prev, p) || strings.HasSuffix(prev, " the") && endsWithWord(prev[:len(prev)-4], p) {
				prep = true
				break
			}
		}
		// "in at least 17 countries, among them Taiwan", "countries such as Japan".
		if listIntro(prev) {
			prep = true
		}
		// "agencies from the United States": a source's origin.
		if prep && provenanceNounBefore(a.lowerOf(Span{max(v.s.Start, m.Start-40), m.Start})) {
			prep = false
		}
		// "coordinated actions against the DPRK": the law acts on it.
		if lawAgainst(a.lowerOf(Span{max(v.s.Start, m.Start-40), m.Start})) {
			continue
		}
		// "against Chinese cyber espionage": a country's own actors.
		if rest := a.lowerOf(Span{m.End, min(v.s.End, m.End+12)}); strings.HasPrefix(rest, " it worker") {
			continue // "North Korean IT workers"
		}
		switch next {
		case "cyber", "espionage", "hackers", "hacking", "state-sponsored", "state-backed", "spies", "attackers",
			"operatives", "threat", "apt", "actors", "intrusion", "intrusions", "cyberattacks", "campaign":
			continue
		}
		// "blamed the breach on Russia": the accused, not a victim.
		if strings.Contains(prev, "on") || strings.Contains(prev, "to") {
			back := a.lowerOf(Span{max(v.s.Start, m.Start-80), m.Start})
			if strings.Contains(back, "blame") || strings.Contains(back, "attribut") || strings.Contains(back, "accus") || strings.Contains(back, "pinned") {
				continue
			}
		}
		if sponsorCountries[iso] {
			// The group's own country is a victim only with a plain victim
			// noun: "Chinese dissidents", not "Chinese citizens" or "officials".
			if !plainVictimNouns[next] {
				victimHead = false
			}
			if !victimHead {
				continue
			}
		}
		// "the power grid of Ukraine", "networks of Japan"
		if !prep && strings.HasSuffix(prev, "of") {
			w := strings.Fields(strings.TrimSuffix(prev, "of"))
			if len(w) > 0 && (victimHeads[w[len(w)-1]] || sectorHeads[w[len(w)-1]] || w[len(w)-1] == "grid") {
				prep = true
			}
		}
		// "organizations tied to Cambodia": a cue after a victim noun.
		if !prep {
			back := a.lowerOf(Span{max(v.s.Start, m.Start-45), m.Start})
			for _, c := range []string{" tied to ", " linked to ", " connected to ", " associated with ", " based in ", " located in "} {
				if i := strings.LastIndex(back, c); i >= 0 && strings.TrimSpace(strings.TrimPrefix(back[i+len(c):], "the ")) == "" && victimNounBefore(back[:i]) {
					prep = true
				}
			}
		}
		// "in Europe, Asia and the U.S.": the list's first item has the preposition.
		if !victimHead && !prep {
			k := a.listEdge(ents, i, -1, func(m mention) bool { return m.kind == kCountry || m.kind == kRegion })
			if k < i {
				first := strings.ToLower(a.prevWords(ents[k].Start, v.s.Start, 1))
				switch first {
				case "in", "against", "across", "targeting", "including", "from", "throughout":
					prep = !provenanceNounBefore(a.lowerOf(Span{max(v.s.Start, ents[k].Start-40), ents[k].Start}))
				}
				if listIntro(strings.ToLower(a.prevWords(ents[k].Start, v.s.Start, 2))) {
					prep = true
				}
			}
		}
		if !victimHead && !prep && i > 0 && ents[i-1].kind == kCountry && isListGap(a.between(ents[i-1].End, m.Start)) {
			prevISO := a.x.dict.countries[ents[i-1].ref].ISO2
			for _, g := range groups {
				if _, ok := a.targets[g.key+"|country|"+strings.ToLower(prevISO)]; ok {
					prep = true
				}
			}
		}
		if !victimHead && !prep {
			continue
		}
		if a.isGovPhrase(v, m) && !victimHead && !a.govHitAt(v, m) {
			continue
		}
		for _, g := range groups {
			a.addTarget(g, "country", iso, v.s.Span, years)
		}
	}

	// Organisations: capitalised names that end in an organisation word, or
	// acronyms, that are not sponsors, claimants, groups or software. A
	// headline in title case says nothing by its capitals.
	if a.titleCase(v) {
		return
	}
	orgs := a.orgs(v)
	orgs = append(orgs, a.namedAfterVictimNoun(v, orgs)...)
	orgs = append(orgs, a.namedAfterCompanyHead(v, orgs)...)
	orgs = append(orgs, a.organsHit(v)...)
	orgs = append(orgs, a.selfReported(v)...)
	orgs = append(orgs, a.victimsListed(v, orgs)...)
	orgs = append(orgs, a.robbedNames(v, orgs)...)
	orgs = append(orgs, a.networkOwners(v, orgs)...)
	orgs = append(orgs, a.includedVictims(v, orgs)...)
	orgs = append(orgs, a.hitAppositive(v, orgs)...)
	for _, o := range orgs {
		// A person is no organisation, and those sanctioned or charged are
		// the actors: "sanctioning Sichuan Silence ... for their roles in
		// the compromise of ...".
		// Nor are outlets documents went to, or the agents of a passive:
		// "identified by the Australian Signals Directorate and the
		// Australian Federal Police as the person who broke into".
		before := a.text[max(v.s.Start, o.Start-80):o.Start]
		if a.people[strings.ToLower(o.name)] != nil || accusedBefore(a.lowerOf(Span{max(v.s.Start, o.Start-20), o.Start})) ||
			listAfter(before, recipientWords) || listAfter(before, agentWords) || a.analystOf(v, o.Span) ||
			masterBefore(a.lowerOf(Span{max(v.s.Start, o.Start-30), o.Start})) || sourceBefore(a.lowerOf(Span{max(v.s.Start, o.Start-50), o.Start})) ||
			productName(o.name) || negatedHit(a.lowerOf(Span{max(v.s.Start, o.Start-30), o.Start})) ||
			makerBefore(a.lowerOf(Span{max(v.s.Start, o.Start-40), o.Start})) {
			continue
		}
		// "DFS" where the text wrote "Deutsche Flugsicherung (DFS)" is one
		// victim.
		if full := a.acronymFor(o.name); full != "" {
			o.name = full
		}
		// "UK Electoral Commission", "Finnish parliament": the country
		// named in the victim's name is hit too.
		for _, m := range v.ents {
			if m.kind == kCountry && m.Start == o.Start {
				for _, g := range groups {
					a.addTarget(g, "country", a.x.dict.countries[m.ref].ISO2, v.s.Span, years)
				}
			}
		}
		key := strings.ToLower(o.name)
		vi := a.victims[key]
		if vi == nil {
			vi = &victim{name: o.name}
			a.victims[key] = vi
		}
		vi.ev = appendEv(vi.ev, v.s.Span)
		for _, s := range sectors {
			vi.sectors = appendUniq(vi.sectors, s)
		}
		for _, s := range o.sectors {
			vi.sectors = appendUniq(vi.sectors, s)
		}
		for _, s := range sectorsOfName(o.name) {
			vi.sectors = appendUniq(vi.sectors, s)
		}
		for _, g := range groups {
			a.addTarget(g, "org", o.name, v.s.Span, years)
		}
	}
}

// includedVictims reads the names listed after "including" or "such as"
// when a plural word for victims stands before it in the clause: "nine
// telecommunications companies, including Verizon and AT&T". Names the
// dictionary knows as actors, places or software, and people, are left to
// the other rules.
func (a *analysis) includedVictims(v *sview, found []orgName) []orgName {
	toks := v.tokens(a)
	var out []orgName
	var foundSpans []Span
	for i, t := range toks {
		// The tokens say where a list may start: cheaper than searching.
		end := 0
		switch {
		case t.text == "including" || t.text == "include" || t.text == "includes" || t.text == "included":
			end = t.End
		case t.text == "such" && i+1 < len(toks) && toks[i+1].text == "as":
			end = toks[i+1].End
		default:
			continue
		}
		// The nearest plural word before the list is what it lists:
		// "companies last year, including", not "organisations, and
		// ransomware families such as".
		before := a.lowerOf(Span{max(v.s.Start, t.Start-60), t.Start})
		if c := strings.LastIndexAny(before, ";:."); c >= 0 {
			before = before[c+1:]
		}
		if !pluralVictimNouns[nearestPlural(before)] {
			continue
		}
		seg := a.text[v.s.Start:v.s.End]
		for _, nm := range readNames(seg, end-v.s.Start+1) {
			sp := Span{v.s.Start + nm.Start, v.s.Start + nm.End}
			// "AT&T": a name goes on past an ampersand.
			if e := nm.End; e+1 < len(seg) && seg[e] == '&' && seg[e+1] >= 'A' && seg[e+1] <= 'Z' {
				sp.End = v.s.Start + swar.AlnumEnd(seg, e+1)
			}
			name := a.text[sp.Start:sp.End]
			if foundSpans == nil {
				foundSpans = spansOf(found)
			}
			if name == "" || !isUpperASCII(name[0]) || overlapsAny(foundSpans, sp) || a.actorNameAt(v, sp) || a.people[strings.ToLower(name)] != nil || isStopCap(name) {
				continue
			}
			out = append(out, orgName{Span: sp, name: name})
		}
	}
	return out
}

// nearestPlural returns the last word of the lower-case text that looks
// like a plural noun (four letters or more, ending in "s"), or "".
func nearestPlural(s string) string {
	f := strings.Fields(s)
	for i := len(f) - 1; i >= 0; i-- {
		if w := strings.Trim(f[i], ",;"); len(w) >= 4 && strings.HasSuffix(w, "s") && isLowerCase(w) {
			return w
		}
	}
	return ""
}

// hitAppositive finds a name right after a targeting cue that an
// apposition calls a company: "had hit Synnovis, a pathology company".
func (a *analysis) hitAppositive(v *sview, found []orgName) []orgName {
	toks := v.tokens(a)
	var out []orgName
	var foundSpans []Span
	// From each ", a" or ", an" back over the name before it.
	for j := 1; j+2 < len(toks); j++ {
		if toks[j].text != "," || toks[j+1].text != "a" && toks[j+1].text != "an" {
			continue
		}
		i := j
		for i > 0 && j-i < 3 && toks[i-1].isWord() && toks[i-1].isCap() && !isStopCap(toks[i-1].text) {
			i--
		}
		if i == j || i > 0 && toks[i-1].isWord() && toks[i-1].isCap() {
			continue
		}
		company := false
		for k := j + 2; k < min(len(toks), j+7); k++ {
			if isCompanyHead(toks[k].text) {
				company = true
				break
			}
		}
		sp := Span{toks[i].Start, toks[j-1].End}
		if !company || !a.cueRightBefore(v, sp, kTarget) || a.actorNameAt(v, sp) {
			continue
		}
		if foundSpans == nil {
			foundSpans = spansOf(found)
		}
		if overlapsAny(foundSpans, sp) {
			continue
		}
		out = append(out, orgName{Span: sp, name: a.text[sp.Start:sp.End]})
	}
	return out
}

// pluralVictimNouns are plural words for the bodies a list of victims names.
var pluralVictimNouns = map[string]bool{"companies": true, "firms": true, "carriers": true, "providers": true,
	"operators": true, "organizations": true, "organisations": true, "agencies": true, "institutions": true,
	"hospitals": true, "banks": true, "universities": true, "businesses": true, "entities": true, "exchanges": true,
	"ministries": true, "departments": true, "manufacturers": true, "contractors": true, "insurers": true,
	"victims": true}

// theftWords say something was taken; the name after a "from" that follows
// one lost it: "stole 44.5 billion won from Upbit", "the theft of $1.5
// billion from Bybit".
var theftWords = map[string]bool{"stole": true, "stolen": true, "steal": true, "steals": true, "stealing": true,
	"theft": true, "thefts": true, "drained": true, "siphoned": true, "looted": true, "exfiltrated": true, "heist": true}

// holdingWords are what a victim's name owns when intruders reach it: "the
// networks of the Bundestag", "Upbit's hot wallets".
var holdingWords = map[string]bool{"network": true, "networks": true, "systems": true, "servers": true,
	"wallet": true, "wallets": true, "accounts": true, "mailboxes": true, "databases": true}

// actorNameAt reports whether sp overlaps a name the dictionary knows that
// is no victim's: a group, software, a country or region (read as places
// elsewhere), a sponsor, a vendor or an international body. A state's
// organ can be a victim.
func (a *analysis) actorNameAt(v *sview, sp Span) bool {
	for _, m := range v.ents {
		if m.Start >= sp.End || sp.Start >= m.End {
			continue
		}
		switch m.kind {
		case kBody:
			if b := bodies[m.ref]; b.Sponsor || b.Vendor || b.Country == "" {
				return true
			}
		case kCountry, kGroup, kSoftware, kRegion:
			return true
		}
	}
	return false
}

// storeNouns are kinds of store a product's name can modify.
var storeNouns = map[string]bool{"database": true, "databases": true, "server": true, "servers": true,
	"environment": true, "tenant": true, "domain": true, "controller": true, "instance": true, "vault": true,
	"store": true, "service": true, "services": true, "cloud": true, "platform": true, "app": true, "application": true}

// modifierWord reports whether a capitalised word is a compound that
// modifies ("Dubai-based", "Russia-linked"): a hyphen, then lower case.
func modifierWord(w string) bool {
	i := strings.IndexByte(w, '-')
	return i > 0 && i+1 < len(w) && w[i+1] >= 'a' && w[i+1] <= 'z'
}

// robbedNames finds the names of those robbed or intruded on that no
// organisation word marks: a capitalised name of up to three words after a
// theft word's "from", or owning the networks or wallets reached. Names the
// dictionary knows (groups, bodies, countries, software) and people are not
// among them.
// networkOwners finds the owner named before a network that a verb of
// attack hits: "disrupted the Kyivstar mobile network", "breached the
// Viasat network". A name the dictionary knows (a country, a group,
// software) is no owner of this kind.
func (a *analysis) networkOwners(v *sview, found []orgName) []orgName {
	if !a.hasCue(v, kTarget) {
		return nil
	}
	toks := v.tokens(a)
	var out []orgName
	var foundSpans []Span
	for i := 2; i < len(toks); i++ {
		if toks[i].text != "network" && toks[i].text != "networks" {
			continue
		}
		end := i - 1
		for m := 0; m < 2 && end > 0 && toks[end].isWord() && isLowerCase(toks[end].text); m++ {
			end--
		}
		k := end
		for k > 0 && end-k < 3 && toks[k].isWord() && toks[k].isCap() && !isStopCap(toks[k].text) && !modifierWord(toks[k].text) {
			k--
		}
		if k == end || toks[k].text != "the" {
			continue
		}
		sp := Span{toks[k+1].Start, toks[end].End}
		if foundSpans == nil {
			foundSpans = spansOf(found)
		}
		if !slices.ContainsFunc(v.cues, func(c mention) bool { return c.kind == kTarget && c.End <= toks[k].Start }) ||
			slices.ContainsFunc(v.ents, func(m mention) bool { return m.Start < sp.End && sp.Start < m.End }) ||
			overlapsAny(foundSpans, sp) || a.actorNameAt(v, sp) {
			continue
		}
		out = append(out, orgName{Span: sp, name: a.text[sp.Start:sp.End]})
	}
	return out
}

func (a *analysis) robbedNames(v *sview, found []orgName) []orgName {
	theft := -1 // where the first theft word ends
	for _, c := range v.cues {
		if c.kind == kTarget && theftWords[a.lowerOf(c.Span)] {
			theft = c.End
			break
		}
	}
	toks := v.tokens(a)
	var out []orgName
	var foundSpans []Span
	for i := 0; i+1 < len(toks); i++ {
		start := -1
		switch w := toks[i].text; {
		case w == "from" && theft >= 0 && toks[i].Start >= theft:
			start = i + 1
			// "from one of Upbit's hot wallets", "from the ..."
			for k := 0; k < 3 && start < len(toks) && (toks[start].text == "the" || toks[start].text == "one" || toks[start].text == "of"); k++ {
				start++
			}
		case i+2 < len(toks) && toks[i+1].text == "of" && holdingWords[w]:
			start = i + 2
			if toks[start].text == "the" {
				start++
			}
		default:
			continue
		}
		j := start
		for j < len(toks) && j-start < 3 && toks[j].isWord() && toks[j].isCap() && !isStopCap(toks[j].text) && !modifierWord(toks[j].text) {
			j++
		}
		// Not a bare organisation word ("the network of the Ministry"),
		// nor what names a kind of store ("from the Active Directory
		// database").
		if j == start || j == start+1 && genericBodyWords[strings.ToLower(toks[start].text)] || j < len(toks) && storeNouns[toks[j].text] {
			continue
		}
		sp := Span{toks[start].Start, toks[j-1].End}
		name := a.text[sp.Start:sp.End]
		if foundSpans == nil {
			foundSpans = spansOf(found)
		}
		if a.people[strings.ToLower(name)] != nil || a.isClaimantName(name) || v.inClaimant(sp) || overlapsAny(foundSpans, sp) {
			continue
		}
		if !a.actorNameAt(v, sp) {
			out = append(out, orgName{Span: sp, name: name})
		}
		i = j - 1
	}
	return out
}

// acronymFor returns the name the text defines the acronym acr for, as in
// "Deutsche Flugsicherung (DFS)", or "". The name is the run of capitalised
// words (with "of", "for", "and" and "the" inside) right before the
// bracket, and starts with the acronym's letter.
func (a *analysis) acronymFor(acr string) string {
	if len(acr) < 2 || len(acr) > 6 || strings.ToUpper(acr) != acr {
		return ""
	}
	if a.acronymNames == nil {
		a.acronymNames = map[string]string{}
		for from := 0; ; {
			i := strings.Index(a.text[from:], " (")
			if i < 0 {
				break
			}
			i += from
			from = i + 2
			e := strings.IndexByte(a.text[i+2:min(len(a.text), i+10)], ')')
			if e < 2 {
				continue
			}
			x := a.text[i+2 : i+2+e]
			if strings.ToUpper(x) != x || strings.ContainsAny(x, " .,-") {
				continue
			}
			f := strings.Fields(a.text[max(0, i-80):i])
			k := len(f)
			for k > 0 && (isPlainCapWord(f[k-1]) || k < len(f) && (f[k-1] == "of" || f[k-1] == "for" || f[k-1] == "and" || f[k-1] == "the")) {
				k--
			}
			for k < len(f) && !isPlainCapWord(f[k]) {
				k++
			}
			if k < len(f) && f[k][0] == x[0] {
				if _, seen := a.acronymNames[x]; !seen {
					a.acronymNames[x] = strings.Join(f[k:], " ")
				}
			}
		}
	}
	return a.acronymNames[acr]
}

// includesVictims reports whether a lower-case sentence opens by listing
// what the one before spoke of: "This includes ...", "These included ...".
func includesVictims(low string) bool {
	for _, p := range [...]string{"this includes ", "this included ", "these include ", "these included ", "they include ", "they included "} {
		if strings.HasPrefix(low, p) {
			return true
		}
	}
	// "Most of the organisations were in Italy, Spain ...", "Victims
	// publicly reported include ...": the victims of the sentence before,
	// placed or named.
	rest := strings.TrimPrefix(strings.TrimPrefix(low, "most of "), "the ")
	noun, rest, ok := strings.Cut(rest, " ")
	if !ok || !pluralVictimNouns[noun] {
		return false
	}
	if i := strings.IndexAny(rest, ",;"); i >= 0 {
		rest = rest[:i]
	}
	for _, p := range [...]string{"were in ", "are in ", "were located in ", "are located in ", "were based in ", "include ", "included "} {
		if j := strings.Index(rest, p); j >= 0 && j <= 30 {
			return true
		}
	}
	return false
}

// masterBefore reports whether the lower-case text before a name makes it
// the actors' master, not their victim: "on the orders of the", "belonged
// to the", "working for".
func masterBefore(before string) bool {
	before = strings.TrimSuffix(before, "the ")
	for _, w := range [...]string{"on the orders of ", "at the behest of ", "on behalf of ", "belonged to ", "belong to ",
		"belongs to ", "working for ", "work for ", "worked for ", "works for ", "employed by ", "backed by ",
		"controlled by ", "directed by ", "tasked by "} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return false
}

// sourceBefore reports whether the lower-case text before a name puts it
// in "according to" with nothing between that ends the phrase: "according
// to blockchain analytics firm Elliptic".
func sourceBefore(before string) bool {
	i := strings.LastIndex(before, "according to ")
	return i >= 0 && !strings.ContainsAny(before[i:], ",;.")
}

// lawAgainst reports whether the lower-case text before a name ends in a
// measure of law or policy set against it: "actions against the", "charges
// against".
func lawAgainst(before string) bool {
	rest, ok := strings.CutSuffix(strings.TrimSuffix(before, "the "), " against ")
	if !ok {
		return false
	}
	switch lastField(rest) {
	case "action", "actions", "measures", "sanctions", "charges", "case", "cases", "steps", "crackdown",
		"enforcement", "indictment", "indictments", "countermeasures", "retaliation", "lawsuit":
		return true
	}
	return false
}

func isListGap(s string) bool {
	// "Colombia and, to a lesser extent, Ecuador": a list goes on past a
	// hedge between commas.
	for _, h := range listHedges {
		if i := strings.Index(s, h); i >= 0 {
			s = s[:i] + " " + s[i+len(h):]
			s = strings.Replace(s, "  ", " ", 1)
			if s == " and " || s == " " || s == ", " {
				return true
			}
		}
	}
	switch s {
	case ", ", " and ", ", and ", " or ", ", or ", " & ", "/", ", the ", " and the ", ", and the ", " and in ", ", in ":
		return true
	}
	return false
}

func (a *analysis) isGovPhrase(v *sview, m mention) bool {
	for _, g := range a.govPhrases(v) {
		if g.Start <= m.Start && m.End <= g.End && g.kind == "gov" {
			return true
		}
	}
	return false
}

func (a *analysis) between(s, e int) string {
	if s > e || e > len(a.text) {
		return ""
	}
	return a.text[s:e]
}

// nextWord returns the word that follows position i (or "'s").
func (a *analysis) nextWord(i, end int) string {
	t := a.text
	if strings.HasPrefix(t[i:end], "'s") {
		return "'s"
	}
	for i < end && t[i] == ' ' {
		i++
	}
	j := i
	for j < end && (isWordByte(t[j]) || t[j] == '-') {
		j++
	}
	return t[i:j]
}

// prevWords returns up to n words before position i.
func (a *analysis) prevWords(i, start, n int) string {
	t := a.text
	j := i
	for k := 0; k < n; k++ {
		for j > start && (t[j-1] == ' ' || t[j-1] == ',') {
			j--
		}
		for j > start && isWordByte(t[j-1]) {
			j--
		}
	}
	return strings.TrimSpace(t[j:i])
}

func (a *analysis) sentenceYears(v *sview) [2]int {
	// Time ranges of this sentence are the last ones read.
	for i := len(a.times) - 1; i >= 0 && a.times[i].ev.Start >= v.s.Start; i-- {
		if a.times[i].ev == v.s.Span {
			return [2]int{a.times[i].from, a.times[i].to}
		}
	}
	return [2]int{}
}

func (a *analysis) addTarget(g *group, kind, name string, ev Span, years [2]int) {
	key := g.key + "|" + kind + "|" + strings.ToLower(name)
	if kind == "country" {
		key = g.key + "|country|" + strings.ToLower(name)
	}
	t := a.targets[key]
	if t == nil {
		t = &targetRel{group: g, kind: kind, name: name}
		a.targets[key] = t
	}
	t.ev = appendEv(t.ev, ev)
	if years[0] > 0 && (t.from == 0 || years[0] < t.from) {
		t.from = years[0]
	}
	if years[1] > t.to {
		t.to = years[1]
	}
}

type orgName struct {
	Span
	name    string
	sectors []string
}

// commonAcronyms are upper-case words in reports that are not organisations.
var commonAcronyms = map[string]bool{
	"APT": true, "IOC": true, "IOCS": true, "TTP": true, "TTPS": true, "RAT": true, "DLL": true, "VPN": true,
	"RDP": true, "SMB": true, "HTTP": true, "HTTPS": true, "DNS": true, "IP": true, "URL": true, "PDF": true,
	"ZIP": true, "RAR": true, "CVE": true, "API": true, "AI": true, "IT": true, "OT": true, "ICS": true,
	"SCADA": true, "MFA": true, "SSO": true, "EDR": true, "XDR": true, "AV": true, "PE": true, "OS": true,
	"UI": true, "ID": true, "CEO": true, "CTO": true, "CISO": true, "USB": true, "LNK": true, "ISO": true,
	"HTML": true, "JS": true, "VBS": true, "PS": true, "CMD": true, "WMI": true, "LSASS": true, "NTLM": true,
	"SAM": true, "AD": true, "DC": true, "GPO": true, "SQL": true, "SSH": true, "FTP": true, "SMTP": true,
	"IMAP": true, "TLS": true, "SSL": true, "XOR": true, "AES": true, "RSA": true, "RC4": true, "MD5": true,
	"SHA": true, "UAC": true, "BITS": true, "COM": true, "OLE": true, "RTF": true, "DOC": true, "XLS": true,
	"NGO": true, "NGOS": true, "UN": true, "GDP": true, "COVID": true, "TCP": true, "UDP": true, "ICMP": true,
	"C2": true, "CNC": true, "OSINT": true, "HUMINT": true, "SIGINT": true, "CTI": true, "SOC": true,
	"CERT": true, "CSIRT": true, "ISP": true, "ISPS": true, "MSP": true, "MSPS": true, "SAAS": true,
	"IAAS": true, "AWS": true, "GCP": true, "VM": true, "VPS": true, "CPU": true, "GPU": true, "RAM": true,
	"JSON": true, "XML": true, "CSV": true, "EXE": true, "MSI": true, "BAT": true, "PHP": true, "ASP": true,
	"ASPX": true, "JSP": true, "IIS": true, "OWA": true, "EWS": true, "LDAP": true, "SMS": true, "OTP": true,
	"PIN": true, "PII": true, "FAQ": true, "NOTE": true, "UPDATE": true, "TLP": true, "CLEAR": true,
	"AMBER": true, "GREEN": true, "RED": true, "WHITE": true, "BRI": true, "AM": true, "PM": true, "ET": true,
	"PT": true, "UTC": true, "GMT": true, "EST": true, "PST": true, "USD": true, "EUR": true, "II": true,
	"III": true, "IV": true, "VI": true, "ATT": true, "CK": true, "MITRE": true, "STIX": true, "TAXII": true,
	"YARA": true, "SIGMA": true, "RCE": true, "LPE": true, "POC": true, "POCS": true, "AKA": true, "DDOS": true,
	"DOS": true, "OK": true, "TV": true, "CNN": true, "BBC": true, "NBC": true, "CBS": true, "AP": true,
	"PR": true, "HR": true, "R&D": true, "IPO": true, "PRC": true, "DPRK": true, "ROK": true, "USA": true,
	"UK": true, "US": true, "EU": true, "UAE": true, "NATO": true, "COMMENTS": true, "LLC": true, "INC": true,
	"LTD": true, "PLC": true, "GMBH": true, "WHO": true, "VIP": true, "SDK": true, "IDE": true, "GUI": true,
	"CLI": true, "RSS": true, "WAN": true, "LAN": true, "NAS": true, "SAN": true, "UEFI": true, "BIOS": true,
	"MBR": true, "NTFS": true, "FAT": true, "GPS": true, "SIM": true, "IMEI": true, "APK": true, "IOS": true,
}

// orgs finds organisation names in a sentence: capitalised words ending in
// an organisation word ("Narita Airport", "Japan Aerospace Exploration
// Agency"), and acronyms that are not common technical terms ("JAXA").
func (a *analysis) orgs(v *sview) []orgName {
	var out []orgName
	toks := v.tokens(a)
	taken := func(sp Span) bool {
		for _, m := range v.ents {
			if m.Start < sp.End && sp.Start < m.End {
				switch m.kind {
				case kGroup, kBody, kSoftware, kCountry, kTechnique, kTechCue, kRegion:
					if m.Start <= sp.Start && sp.End <= m.End {
						return true
					}
					if m.kind == kBody || m.kind == kGroup || m.kind == kSoftware {
						return true
					}
				}
			}
		}
		return false
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !t.isWord() {
			continue
		}
		// A name right after an organisation noun: "energy company Ukrenergo".
		if i > 0 && t.isCap() && !t.isAllCaps() && orgNouns[toks[i-1].text] && !taken(t.Span) && !isStopCap(t.text) {
			j := i
			for j+1 < len(toks) && toks[j+1].isWord() && toks[j+1].isCap() && !isStopCap(toks[j+1].text) {
				j++
			}
			sp := Span{t.Start, toks[j].End}
			if !v.inClaimant(sp) && !taken(sp) {
				out = append(out, orgName{Span: sp, name: a.text[sp.Start:sp.End]})
			}
			i = j
			continue
		}
		// Acronyms.
		if t.isAllCaps() && len(t.text) >= 3 && len(t.text) <= 6 && !strings.Contains(t.text, ".") && !commonAcronyms[strings.ToUpper(t.text)] && !taken(t.Span) && !hasDigit(t.text) && !a.abbreviates(toks, i) {
			// Not a whole line of capitals (a heading), nor a dateline ("OSLO -"),
			// and only where the words around make it a victim ("JAXA was
			// among the targets", "breached NASA"), not any brand ("a BMW car").
			dateline := t.Start == v.s.Start && strings.HasPrefix(a.text[t.End:min(v.s.End, t.End+3)], " -")
			if !a.capsHeading(v) && !dateline && a.victimContext(v, t.Span) {
				out = append(out, orgName{Span: t.Span, name: t.text})
			}
			continue
		}
		if !t.isCap() {
			continue
		}
		// A run of capitalised words (with "of", "and", "for", "the" inside).
		j := i
		last := -1
		for j < len(toks) {
			w := toks[j]
			if w.isWord() && (w.isCap() || isDigitWord(w.text)) {
				if orgHeads[w.text] {
					last = j
				}
				j++
				continue
			}
			if (w.text == "of" || w.text == "and" || w.text == "for" || w.text == "&" || w.text == "de") && j+1 < len(toks) && toks[j+1].isCap() {
				j++
				continue
			}
			// "King's College Hospital": a possessive inside a name, not a
			// country's ("Japan's Narita Airport").
			if w.text == "'" && j > i && j+2 < len(toks) && toks[j+1].text == "s" && toks[j+2].isWord() && toks[j+2].isCap() &&
				toks[j-1].End == w.Start && !a.actorNameAt(v, toks[j-1].Span) {
				j += 2
				continue
			}
			// "Organisation for the Prohibition of Chemical Weapons"
			if (w.text == "of" || w.text == "for") && j+2 < len(toks) && toks[j+1].text == "the" && toks[j+2].isCap() && last >= 0 {
				j += 2
				continue
			}
			break
		}
		if last < 0 {
			i = j - 1
			continue
		}
		// "Ministry of Foreign Affairs", "Department of Energy": the name
		// goes on after its organisation word.
		if last+2 < j && (toks[last+1].text == "of" || toks[last+1].text == "for") && toks[j-1].isCap() {
			last = j - 1
		}
		// A name that starts with its organisation word runs to its end:
		// "Organisation for the Prohibition of Chemical Weapons".
		if last == i && j-1 > last && toks[j-1].isCap() && (toks[i+1].text == "for" || toks[i+1].text == "of") {
			last = j - 1
		}
		// Trim function words and country possessives at the start.
		s := i
		for s < last && (isStopCap(toks[s].text) || toks[s].text == "'s" || toks[s+1].text == "'s") {
			s++
		}
		if s < last && toks[s].text == "'s" {
			s++
		}
		// "Bank Sepah": an organisation word, then one proper name.
		if s == last && last == i && j == i+2 && toks[i+1].isWord() && !isStopCap(toks[i+1].text) && !isTitleWord(toks[i+1].text) && !toks[i+1].isAllCaps() {
			last = i + 1
		}
		sp := Span{toks[s].Start, toks[last].End}
		name := a.text[sp.Start:sp.End]
		if s == last && !orgHeads[name] || s == last {
			i = j - 1
			continue // a bare head word ("Agency") is not a name
		}
		followedByTitle := last+1 < len(toks) && isTitleWord(toks[last+1].text)
		// "Randy Grossman of the Southern District": an affiliation, not a victim.
		if pre := a.text[max(v.s.Start, sp.Start-30):sp.Start]; strings.HasSuffix(pre, " of the ") {
			for _, p := range a.people {
				if strings.HasSuffix(strings.TrimSuffix(pre, " of the "), p.name) {
					followedByTitle = true
				}
			}
		}
		// "... of the General Staff of the Armed Forces of ...": part of a
		// longer name already known.
		if pre := a.text[max(v.s.Start, sp.Start-8):sp.Start]; strings.HasSuffix(pre, " of the ") || strings.HasSuffix(pre, " of ") {
			for _, m := range v.ents {
				if m.kind == kBody && m.End <= sp.Start && sp.Start-m.End <= 8 {
					followedByTitle = true
				}
			}
		}
		if taken(sp) || a.isClaimantName(name) && !a.cueRightBefore(v, sp, kTarget) || followedByTitle || v.inClaimant(sp) || a.sourceContext(v, sp) {
			i = j - 1
			continue
		}
		out = append(out, orgName{Span: sp, name: name})
		i = j - 1
	}
	return out
}

func (a *analysis) capsHeading(v *sview) bool {
	seg := a.text[v.s.Start:v.s.End]
	for _, r := range seg {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}

func (a *analysis) isClaimantName(name string) bool {
	l := strings.ToLower(name)
	for _, w := range []string{"state security", "intelligence", "liberation army", "security bureau", "security service", "revolutionary guard"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	if bodyNames[l] {
		return true
	}
	return strings.Contains(l, "department of justice") || strings.Contains(l, "district of") || strings.Contains(l, "attorney")
}

// bodyNames holds the names of the known bodies in lower case.
var bodyNames = func() map[string]bool {
	m := map[string]bool{}
	for _, b := range bodies {
		m[strings.ToLower(b.Name)] = true
	}
	return m
}()

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

func isDigitWord(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// personMention is a person named in a sentence.
type personMention struct {
	Span
	person *person
}

// readPeople finds people: names after a title ("Chief Cabinet Secretary
// Kato Katsunobu"), names before a reporting verb ("Randy Grossman said"),
// and names listed with them.
// negatedHit reports whether the words before a name, in lower case, deny
// that it was hit: "did not breach Snowflake's own environment".
func negatedHit(before string) bool {
	for _, v := range [...]string{"not breach ", "not compromise ", "not hack ", "not access ", "not target ", "not attack "} {
		if i := strings.LastIndex(before, v); i >= 0 && !strings.ContainsAny(before[i:], ",;") {
			return true
		}
	}
	return false
}

// makerBefore reports whether the words before a name, in lower case, make
// it the maker of what was exploited: "a flaw in software from U.S.
// company Ivanti".
func makerBefore(before string) bool {
	i := strings.LastIndex(before, " from ")
	if i < 0 {
		return false
	}
	for _, n := range [...]string{"software", "devices", "products", "appliances", "equipment", "firmware"} {
		if strings.HasSuffix(before[:i], n) {
			return true
		}
	}
	return false
}

// productName reports whether a name ends in a word for a product, which
// a flaw or an implant is in, not a victim: "Cisco NX-OS Software".
func productName(name string) bool {
	switch lastField(name) {
	case "Software", "Server", "Servers", "Appliance", "Appliances", "Switch", "Switches", "Firewall", "Firewalls", "Gateway", "Client":
		return true
	}
	return false
}

// ageAfter reports whether the tokens from j give an age set off by
// commas, as news and court texts write after a person's name: ", 22,".
func ageAfter(toks []token, j int) bool {
	if j+2 >= len(toks) || toks[j].text != "," || toks[j+2].text != "," {
		return false
	}
	n := toks[j+1].text
	return len(n) == 2 && isDigit(n[0]) && isDigit(n[1])
}

// bylineName reports whether before, the byline's text from after "By " up
// to a name, leaves the name first or after other names and "and": "By
// Raphael Satter and David Shepardson".
func bylineName(before string) bool {
	if before == "" {
		return true
	}
	rest, ok := strings.CutSuffix(before, " and ")
	if !ok {
		rest, ok = strings.CutSuffix(before, ", ")
	}
	if !ok || len(rest) > 60 {
		return false
	}
	for _, w := range strings.FieldsFunc(rest, func(r rune) bool { return r == ' ' || r == ',' }) {
		if w != "and" && (w[0] < 'A' || w[0] > 'Z') {
			return false
		}
	}
	return true
}

// creditLine reports whether a sentence is a news agency's credit line:
// "(Reporting by Chen Wei; Editing by Ana Ruiz)", "Additional reporting by".
func creditLine(seg string) bool {
	seg = strings.TrimPrefix(seg, "(")
	if seg == "" {
		return false
	}
	// Most sentences fail on their first letter.
	switch seg[0] {
	case 'R':
		return strings.HasPrefix(seg, "Reporting by ")
	case 'A':
		return strings.HasPrefix(seg, "Additional reporting by ")
	case 'W':
		return strings.HasPrefix(seg, "Writing by ")
	case 'E':
		return strings.HasPrefix(seg, "Editing by ")
	}
	return false
}

// creditBefore reports whether before, the text up to a name, ends with the
// words of a news agency's credit line.
func creditBefore(before string) bool {
	for _, c := range [...]string{"Reporting by ", "reporting by ", "Editing by ", "Writing by ", "Edited by ", "Written by "} {
		if strings.HasSuffix(before, c) {
			return true
		}
	}
	return false
}

// deskWords name a newsroom's desks and roles in bylines.
var deskWords = map[string]bool{"Staff": true, "Reporter": true, "Reporters": true, "Desk": true, "Editor": true,
	"Editors": true, "Newsroom": true, "Correspondent": true, "Correspondents": true, "Writer": true, "Writers": true,
	"News": true, "Wire": true, "Agencies": true, "Agency": true, "Bureau": true}

// kinWords name a person by kin: "the family of Yulia Skripal". The
// dictionary finds them as list words.
var kinWords = []string{"family of ", "wife of ", "husband of ", "son of ", "daughter of ", "widow of "}

// kinCue reports whether the dictionary found a word of kin in the sentence.
func (a *analysis) kinCue(v *sview) bool {
	for _, c := range v.cues {
		if c.kind == kListWord && a.text[c.End-2:c.End] == "of" {
			return true
		}
	}
	return false
}

func (a *analysis) readPeople(v *sview) {
	for _, pm := range a.findPeople(v) {
		pm.person.ev = appendEv(pm.person.ev, v.s.Span)
	}
}

func (a *analysis) peopleIn(v *sview, w Span) []personMention {
	var out []personMention
	for _, pm := range a.findPeople(v) {
		if pm.Start >= w.Start && pm.End <= w.End {
			out = append(out, pm)
		}
	}
	return out
}

func (a *analysis) findPeople(v *sview) []personMention {
	// Only sentences with a title, a reporting verb, or a list that may
	// hold people are read.
	if !a.hasCue(v, kTitle) && !a.hasCue(v, kReporting) && !(len(a.people) > 0 && strings.Contains(a.text[v.s.Start:v.s.End], ", ")) &&
		!a.namesList(v) && !a.kinCue(v) && !strings.HasPrefix(a.text[v.s.Start:v.s.End], "By ") && !creditLine(a.text[v.s.Start:v.s.End]) {
		return nil
	}
	if v.peopleDone {
		return v.people
	}
	v.people = a.findPeopleOnce(v)
	v.peopleDone = true
	return v.people
}

func (a *analysis) findPeopleOnce(v *sview) []personMention {
	var out []personMention
	toks := v.tokens(a)
	isEntity := func(t token) bool {
		for _, m := range v.ents {
			if m.Start <= t.Start && t.End <= m.End && (m.kind == kCountry || m.kind == kBody || m.kind == kGroup || m.kind == kSoftware || m.kind == kRegion) {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !t.isWord() || !t.isCap() || t.text == "By" && t.Start == v.s.Start {
			continue
		}
		// A run of capitalised words.
		j := i
		for j < len(toks) && toks[j].isWord() && toks[j].isCap() && !strings.HasSuffix(toks[j].text, ".") || j < len(toks) && j > i && isInitial(toks[j].text) {
			j++
			// A nickname in quotes inside the name: Zhenxing "Danny" Wang.
			if j+3 < len(toks) && isQuoteTok(toks[j].text) && toks[j+1].isCap() && isQuoteTok(toks[j+2].text) && toks[j+3].isCap() && toks[j+3].isWord() {
				j += 3
			}
		}
		if j == i {
			continue
		}
		run := toks[i:j]
		// Split off a title: the last title word in the run.
		titleEnd := -1
		for k := range run {
			if isTitleWord(run[k].text) {
				titleEnd = k
			}
		}
		// "Secretary of the Treasury Wally Adeyemo", "Director of National
		// Intelligence Avril Haines": a title, "of", its office, then the
		// name, which is the last two words (three with an initial).
		if titleEnd < 0 && len(run) >= 3 && titleOfBefore(toks, i) {
			titleEnd = len(run) - 3
			if len(run) >= 4 && isInitial(run[len(run)-2].text) {
				titleEnd = len(run) - 4
			}
		}
		// "the German rail operator Deutsche Bahn": a company, not a person.
		if titleEnd < 0 && i > 0 && isCompanyHead(toks[i-1].text) {
			i = j - 1
			continue
		}
		// A title just before the run: "Secretary Kato", "spokesperson Wang Wenbin".
		hasTitle := titleEnd >= 0
		if !hasTitle && i > 0 && (isTitleWord(toks[i-1].text) || isTitleWord(lastField(a.text[max(v.s.Start, t.Start-12):t.Start]))) {
			// "spokesperson Wang Wenbin", and a title cut short: "Rep. Kim".
			hasTitle = true
		}
		names := run[titleEnd+1:]
		// "Justice Department Announces Nationwide Actions": a title word
		// that starts a body's name, and more than a name after it.
		nick := 0 // the tokens of a nickname in quotes
		for _, t := range names {
			if isQuoteTok(t.text) {
				nick = 3
			}
		}
		if titleEnd >= 0 && len(names)-nick > 3 {
			i = j - 1
			continue
		}
		if len(names)-nick > 3 && !(len(names) <= 5 && ageAfter(toks, j)) {
			// A long run with no title in it ends with the name: "...
			// Financial Intelligence Brian E. Nelson". Not when an age
			// follows: "Ahmed Salah Yousif Omer, 22," is one name.
			k := 2
			if isInitial(names[len(names)-2].text) {
				k = 3
			}
			names = names[len(names)-k:]
		}
		i = j - 1
		if len(names) == 0 {
			continue
		}
		// Verb after: "Grossman said".
		next := ""
		if j < len(toks) {
			next = strings.ToLower(toks[j].text)
		}
		verb := next == "said" || next == "says" || next == "told" || next == "wrote" || next == "added" || next == "explained" || next == "noted" || next == "stated" || next == "announced" || next == "warned"
		if len(names) == 1 {
			// A surname alone: someone already met.
			if p := a.personByLast[names[0].text]; p != nil {
				out = append(out, personMention{names[0].Span, p})
			}
			continue
		}
		// A date after a name ends it: "Kevin Collier | July 15".
		for len(names) > 2 && isMonthOrDay(names[len(names)-1].text) {
			names = names[:len(names)-1]
		}
		// A byline: "By Kevin Collier | July 15, 2025", not "By Staff
		// Reporter".
		if strings.HasPrefix(a.text[v.s.Start:], "By ") && bylineName(a.text[v.s.Start+3:names[0].Start]) && !slices.ContainsFunc(names, func(n token) bool {
			return teamWords[n.text] || deskWords[n.text]
		}) {
			hasTitle = true
		}
		// A news agency's credit line: "(Reporting by Chen Wei; Editing by
		// Ana Ruiz)".
		if creditBefore(a.text[max(v.s.Start, names[0].Start-24):names[0].Start]) && !slices.ContainsFunc(names, func(n token) bool {
			return teamWords[n.text] || deskWords[n.text]
		}) {
			hasTitle = true
		}
		if !hasTitle && !verb && (a.titleCase(v) || !a.listedWithPerson(v, names) && !a.personFrame(v, names)) {
			continue
		}
		// With a title or a speaking frame, a surname may also be a country
		// ("Lisa Monaco"); bodies and groups still are not people.
		framed := hasTitle || verb || a.personFrame(v, names)
		// ... but a name must have at least one word that is no entity.
		plain := 0
		for _, n := range names {
			if !isEntity(n) {
				plain++
			}
		}
		if plain == 0 {
			framed = false
		}
		bad := false
		for _, n := range names {
			// "Operation Dream Job" names a campaign.
			if isEntity(n) && !(framed && a.onlyCountry(v, n)) || isStopCap(n.text) || orgHeads[n.text] || placeWords[n.text] ||
				isMonthOrDay(n.text) || n.isAllCaps() && !isInitial(n.text) || n.text == "Operation" {
				bad = true
			}
		}
		if bad {
			continue
		}
		sp := Span{names[0].Start, names[len(names)-1].End}
		name := a.text[sp.Start:sp.End]
		if strings.ContainsAny(name, "\"“”") {
			name = withoutNickname(names)
		}
		// The person's country from the title words: "Japanese", "U.S.".
		cc := ""
		for _, m := range v.ents {
			if m.kind == kCountry && m.End <= sp.Start && sp.Start-m.End <= 40 && m.Start >= run[0].Start-20 {
				cc = a.x.dict.countries[m.ref].ISO2
			}
			if m.kind == kBody && m.End <= sp.Start && sp.Start-m.End <= 40 && m.Start >= run[0].Start-20 {
				cc = bodies[m.ref].Country
			}
		}
		key := strings.ToLower(name)
		p := a.people[key]
		if p == nil {
			p = &person{name: name, country: cc}
			a.people[key] = p
		}
		if p.country == "" {
			p.country = cc
		}
		a.personByLast[names[len(names)-1].text] = p
		out = append(out, personMention{sp, p})
	}
	return out
}

func isQuoteTok(s string) bool { return s == "\"" || s == "“" || s == "”" }

// withoutNickname joins the words of a name, leaving out a nickname in
// quotes: Zhenxing "Danny" Wang is Zhenxing Wang.
func withoutNickname(names []token) string {
	var words []string
	quoted := false
	for _, t := range names {
		switch {
		case isQuoteTok(t.text):
			quoted = !quoted
		case !quoted:
			words = append(words, t.text)
		}
	}
	return strings.Join(words, " ")
}

func isInitial(s string) bool {
	return len(s) == 2 && s[1] == '.' && s[0] >= 'A' && s[0] <= 'Z'
}

// listedWithPerson reports whether names stand in a list ("A, B and C")
// next to a person already known, or in a list of defendants.
func (a *analysis) listedWithPerson(v *sview, names []token) bool {
	s, e := names[0].Start, names[len(names)-1].End
	before := a.text[max(v.s.Start, s-40):s]
	after := a.text[e:min(v.s.End, e+40)]
	listBefore := strings.HasSuffix(before, ", ") || strings.HasSuffix(before, " and ")
	listAfter := strings.HasPrefix(after, ", ") || strings.HasPrefix(after, " and ")
	if !listBefore && !listAfter {
		return false
	}
	// The list's neighbour: the capitalised words just before the comma or
	// just after it, looked up among the people already met.
	if listBefore && a.people[strings.ToLower(lastCapRun(before))] != nil ||
		listAfter && a.people[strings.ToLower(firstCapRun(after))] != nil {
		return true
	}
	return a.namesList(v)
}

// listWords announce a list of people: "charged A, B and C", "named the
// officers as ...".
var listWords = []string{"defendants", "charged", "charges", "charging", "indicted", "indictment", "nationals",
	"officers", "named", "sanctioned", "sanctioning", "designated", "designating", "suspects", "accused", "identified",
	"identities", "members"}

// namesList reports whether v is a list ("A, B and C") in a sentence that
// announces people: defendants, suspects, officers named.
func (a *analysis) namesList(v *sview) bool {
	return a.hasCue(v, kListWord) && strings.Contains(a.text[v.s.Start:v.s.End], ", ")
}

var titleWords = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range personTitles {
		f := strings.Fields(t)
		m[f[len(f)-1]] = true
	}
	// Honorifics as British and Australian texts write them, with no full
	// stop: "the Hon Richard Marles", "Mr Marles".
	for _, w := range []string{"Acting", "Secretary", "Attorney", "Minister", "Spokesperson", "Spokesman", "Spokeswoman", "Hon", "Mr", "Mrs", "Ms", "Dr"} {
		m[w] = true
	}
	return m
}()

func isTitleWord(s string) bool { return titleWords[s] }

// monthNames are the months, in order.
var monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"}

func isMonthOrDay(s string) bool {
	switch s {
	case "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday":
		return true
	}
	return slices.Contains(monthNames[:], s)
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// placeWords cannot be part of a person's name.
var placeWords = map[string]bool{"Technology": true, "Development": true, "Expo": true, "Trading": true,
	"Consulting": true, "Research": true, "Science": true, "Sciences": true, "Information": true, "Network": true,
	"District": true, "County": true, "State": true, "City": true, "Province": true,
	"Region": true, "Street": true, "Island": true, "Islands": true, "Valley": true, "Bay": true, "Road": true}

// orgNouns are lower-case nouns after which a capitalised word names an
// organisation: "energy company Ukrenergo", "space agency JAXA".
var orgNouns = map[string]bool{"company": true, "firm": true, "agency": true, "operator": true, "provider": true,
	"utility": true, "contractor": true, "manufacturer": true, "maker": true, "giant": true, "bank": true,
	"university": true, "hospital": true, "airline": true, "carrier": true, "ministry": true, "organization": true,
	"organisation": true, "institute": true, "developer": true, "vendor": true, "retailer": true, "insurer": true,
	"newspaper": true, "broadcaster": true, "corporation": true, "conglomerate": true, "subsidiary": true,
	"exchange": true, "platform": true, "marketplace": true, "bridge": true, "startup": true, "lab": true}

// roleWords begin a lower-case description of someone's job after their
// name: "Charles Carmakal, chief technology officer at Mandiant".
var roleWords = map[string]bool{"chief": true, "spokesperson": true, "spokesman": true, "spokeswoman": true,
	"director": true, "head": true, "analyst": true, "researcher": true, "minister": true, "officer": true,
	"founder": true, "president": true, "vice": true, "senior": true, "principal": true, "professor": true,
	"ambassador": true, "secretary": true, "deputy": true, "assistant": true, "special": true, "lead": true,
	"manager": true, "general": true, "executive": true, "co-founder": true, "partner": true, "fellow": true,
	"a": true, "an": true, "the": true, "who": true, "aged": true}

// personFrame reports whether the words around names frame them as a
// person: right after a reporting verb ("said Charles Carmakal"), before a
// job description (", chief technology officer"), or between commas before
// a reporting verb (", Mao Ning, said").
func (a *analysis) personFrame(v *sview, names []token) bool {
	s, e := names[0].Start, names[len(names)-1].End
	before := a.text[max(v.s.Start, s-14):s]
	// A speaking verb, or what the law does to a person and the words
	// that class one: "charged Denis Denisenko", "civilian Amin Stigal",
	// "Chinese national Xu Zewei".
	for _, w := range []string{"said ", "says ", "told ", "added ", "wrote ", "according to ", "charged ", "indicted ",
		"sanctioned ", "sanctioning ", "arrested ", "extradited ", "civilian ", "national ", "defendant ", "suspect "} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	for _, w := range kinWords {
		if strings.HasSuffix(before, w) {
			return true
		}
	}

	after := a.text[e:min(v.s.End, e+80)]
	if !strings.HasPrefix(after, ", ") {
		return false
	}
	// "The Foreign Secretary, David Lammy, said": a title set off before.
	if t, ok := strings.CutSuffix(a.text[max(v.s.Start, s-30):s], ", "); ok && isTitleWord(lastField(t)) {
		return true
	}
	rest := after[2:]
	w := rest[:wordEnd(rest)]
	if roleWords[w] || w == "said" || w == "says" || w == "told" {
		return true
	}
	if i, err := strconv.Atoi(w); err == nil && i > 15 && i < 100 { // ", 35,": an age
		return true
	}
	// "Paul Chichester, NCSC Director of Operations, said": a title
	// set off after, and a speaking verb.
	if role, said, ok := strings.Cut(rest, ", "); ok && len(role) < 50 {
		for _, f := range strings.Fields(role) {
			switch lw := strings.ToLower(f); {
			case lw == "a" || lw == "an" || lw == "the" || lw == "who" || lw == "aged":
			case isTitleWord(f) || roleWords[lw]:
				w := said[:wordEnd(said)]
				return w == "said" || w == "says" || w == "told" || w == "added"
			}
		}
	}
	return false
}

// wordEnd returns the length of the run of letters, digits and hyphens
// that starts s.
func wordEnd(s string) int {
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' })
	if i < 0 {
		return len(s)
	}
	return i
}

// lastCapRun returns the last run of two or three capitalised words of s,
// before its trailing list punctuation.
func lastCapRun(s string) string {
	s = strings.TrimSuffix(strings.TrimSuffix(s, ", "), " and")
	f := strings.Fields(s)
	n := 0
	for n < 3 && n < len(f) && isPlainCapWord(f[len(f)-1-n]) {
		n++
	}
	return strings.Join(f[len(f)-n:], " ")
}

// firstCapRun returns the first run of up to three capitalised words of s,
// after its leading list punctuation.
func firstCapRun(s string) string {
	s = strings.TrimPrefix(strings.TrimPrefix(s, ", "), " and ")
	f := strings.Fields(s)
	n := 0
	for n < 3 && n < len(f) && isPlainCapWord(strings.TrimRight(f[n], ",.")) {
		n++
	}
	out := make([]string, n)
	for i := 0; i < n; i++ {
		out[i] = strings.TrimRight(f[i], ",.")
	}
	return strings.Join(out, " ")
}

// abbreviates reports whether the acronym toks[i] stands in parentheses
// after the words it abbreviates: "Threat Analysis Group (TAG)".
func (a *analysis) abbreviates(toks []token, i int) bool {
	if i < 2 || toks[i-1].text != "(" {
		return false
	}
	acr := toks[i].text
	k := i - 2
	n := len(acr)
	initials := make([]byte, 0, n)
	for k >= 0 && len(initials) < n+2 && toks[k].isWord() {
		if toks[k].isCap() {
			initials = append([]byte{toks[k].text[0]}, initials...)
		}
		k--
	}
	return strings.HasSuffix(string(initials), acr) || strings.HasPrefix(acr, string(initials))
}

// titleCase reports whether most words of a sentence are capitalised, as in
// a headline.
func (a *analysis) titleCase(v *sview) bool {
	// A headline does not end with a full stop; a sentence that lists
	// names ("named A, B and C.") does.
	if a.endsWithStop(v) {
		return false
	}
	words, caps := 0, 0
	for _, t := range v.tokens(a) {
		if !t.isWord() || len(t.text) < 4 {
			continue
		}
		words++
		if t.isCap() {
			caps++
		}
	}
	return words >= 4 && caps*10 >= words*7
}

// onlyCountry reports whether the entities over token t are countries only,
// or software named by a plain word.
func (a *analysis) onlyCountry(v *sview, t token) bool {
	for _, m := range v.ents {
		// A plain word that names some software ("Kevin") is a name too.
		if m.Start <= t.Start && t.End <= m.End && m.kind != kCountry && !(m.kind == kSoftware && isPlainCapWord(t.text)) {
			return false
		}
	}
	return true
}

// victimContext reports whether the words around sp make it the one hit:
// the object of a targeting verb or preposition, or the subject of a
// passive one.
func (a *analysis) victimContext(v *sview, sp Span) bool {
	before := a.lowerOf(Span{max(v.s.Start, sp.Start-30), sp.Start})
	after := a.lowerOf(Span{sp.End, min(v.s.End, sp.End+30)})
	// "agencies from the United States": who speaks, not who was hit.
	if provenanceNounBefore(before) {
		return false
	}
	for _, w := range []string{"against ", "on ", "targeted ", "targeting ", "targets ", "hacked ", "breached ",
		"compromised ", "into ", "infiltrated ", "attacked ", "from ", "victims ", "victim ", "including ", "hit ",
		"penetrated ", "at ", "breaching ", "hacking ", "compromising ", "attacking ", "infiltrating ", "penetrating ",
		// The nouns: "the breach of the Dutch police", "the hack of TV5Monde".
		"hack of ", "hacking of ", "breach of ", "compromise of ", "infiltration of ", "penetration of ",
		"sabotage of "} {
		if strings.HasSuffix(before, w) || strings.HasSuffix(before, w+"the ") {
			return true
		}
	}
	for _, w := range []string{" was among", " were among", " was targeted", " was hacked", " was breached",
		" was compromised", " was attacked", " was hit", " confirmed", " said it", " disclosed", " was one of",
		"'s network", "'s systems", "'s servers", " networks", " systems"} {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	return false
}

// sourceContext reports whether the words before sp make it the source of
// what is said, not a victim: "a report by the National ... Center",
// "researchers at Example Labs".
// sectorSpeaks reports whether the sector word m heads the subject of a
// reporting verb: "law enforcement agencies said", "government officials
// told reporters".
func (a *analysis) sectorSpeaks(v *sview, m mention) bool {
	f := strings.Fields(a.lowerOf(Span{m.End, min(v.s.End, m.End+40)}))
	if len(f) < 2 || !sectorHeads[f[0]] {
		return false
	}
	switch f[1] {
	case "said", "say", "says", "told", "warned", "confirmed", "announced", "stated", "reported", "added", "disclosed":
		return true
	}
	return false
}

// namedAfterVictimNoun reads the names set in apposition after a plural
// noun for victims: "two pharmaceutical manufacturers, Daewoong
// Pharmaceutical and Hanmi Science". Names the orgs pass already found,
// known entities and single words of the sentence's own frame are left.
func (a *analysis) namedAfterVictimNoun(v *sview, found []orgName) []orgName {
	seg := a.text[v.s.Start:v.s.End]
	var out []orgName
	for i := 0; i+2 < len(seg); i++ {
		if seg[i] != ',' || seg[i+1] != ' ' || seg[i+2] < 'A' || seg[i+2] > 'Z' {
			continue
		}
		// The word before the comma: a plural victim noun.
		w := i
		for w > 0 && isWordByte(seg[w-1]) {
			w--
		}
		noun := strings.ToLower(seg[w:i])
		if !victimHeads[noun] && noun != "manufacturers" && noun != "makers" && noun != "providers" && noun != "operators" && noun != "contractors" {
			continue
		}
		if !strings.HasSuffix(noun, "s") {
			continue
		}
		for _, nm := range readNames(seg, i+2) {
			sp := Span{v.s.Start + nm.Start, v.s.Start + nm.End}
			name := a.text[sp.Start:sp.End]
			if !strings.Contains(name, " ") || insideName(v.ents, sp) || overlapsAny(spansOf(found), sp) || a.actorNameAt(v, sp) {
				continue
			}
			out = append(out, orgName{Span: sp, name: name})
		}
	}
	return out
}

// isCompanyHead reports whether w ends a description set before a
// company's name: "the shipping company FedEx", "the drug maker Merck". A
// switch: it is asked of every word of sentences about attacks.
func isCompanyHead(w string) bool {
	switch w {
	case "firm", "company", "maker", "carmaker", "automaker", "drugmaker", "operator", "giant", "conglomerate",
		"provider", "insurer", "retailer", "manufacturer", "airline", "utility", "producer", "supplier",
		"broadcaster", "newspaper", "chain", "lender", "shipper", "carrier", "channel", "station", "outlet":
		return true
	}
	return false
}

// sourceModifiers before a company head make it a source, not a victim:
// "the security firm", "the research company".
var sourceModifiers = map[string]bool{"security": true, "cybersecurity": true, "cyber-security": true, "antivirus": true,
	"research": true, "intelligence": true, "consulting": true, "consultancy": true, "forensics": true, "analytics": true,
	"parent": true}

// namedAfterCompanyHead reads the names a description of a company stands
// before: "the shipping group Maersk, the drug maker Merck and the delivery
// firm TNT Express", in a sentence about who was hit. A "group" counts after
// a word for its business only, as the word also heads hacking groups.
func (a *analysis) namedAfterCompanyHead(v *sview, found []orgName) []orgName {
	toks := v.tokens(a)
	var out []orgName
	var foundSpans []Span
	for i := 1; i+1 < len(toks); i++ {
		head := toks[i].text
		// A plural head takes a list: "retailers Marks & Spencer, Co-op
		// and Harrods", "the casino operators MGM Resorts and Caesars".
		plural := false
		if !isCompanyHead(head) && head != "group" {
			switch {
			case head == "companies":
				plural = true
			case strings.HasSuffix(head, "s") && isCompanyHead(head[:len(head)-1]):
				plural = true
			default:
				continue
			}
		}
		prev := strings.ToLower(toks[i-1].text)
		if head == "group" && !businessWords[prev] || sourceModifiers[prev] {
			continue
		}
		for start := i + 1; start < len(toks); {
			// Up to three capitalised words, "&" between them: one name.
			j := start
			for j < len(toks) && j-start < 3 && toks[j].isWord() && toks[j].isCap() && !isStopCap(toks[j].text) {
				if j++; j+1 < len(toks) && toks[j].text == "&" && toks[j+1].isCap() {
					j++
				}
			}
			if j == start {
				break
			}
			sp := Span{toks[start].Start, toks[j-1].End}
			name := a.text[sp.Start:sp.End]
			if foundSpans == nil {
				foundSpans = spansOf(found)
			}
			if !(insideName(v.ents, sp) || overlapsAny(foundSpans, sp) || a.isClaimantName(name) || v.inClaimant(sp) || a.sourceContext(v, sp) || a.speaksAfter(v, sp)) {
				out = append(out, orgName{Span: sp, name: name})
			}
			i = j - 1
			// The next item of the list.
			if !plural || j+1 >= len(toks) {
				break
			}
			switch {
			case toks[j].text == "and":
				start = j + 1
			case toks[j].text == "," && j+2 < len(toks) && toks[j+1].text == "and":
				start = j + 2
			case toks[j].text == ",":
				start = j + 1
			default:
				start = len(toks)
			}
		}
	}
	return out
}

// speaksAfter reports whether the name at sp is the subject of speech:
// "Broadcom did not comment", "Maersk said".
// analystOf reports whether the name at sp speaks about a group, as an
// analyst does ("blockchain firm Elliptic said the group behind ..."), not
// of what befell it ("Ukrenergo said the attack had affected ...").
func (a *analysis) analystOf(v *sview, sp Span) bool {
	if !a.speaksAfter(v, sp) {
		return false
	}
	// "the Ministry of Defence says the attackers could not reach its
	// wider systems": a victim tells of its own breach.
	after := a.lowerOf(Span{sp.End, v.s.End})
	if containsWord(after, "its") || containsWord(after, "our") || containsWord(after, "we") {
		return false
	}
	for _, g := range v.groupSpans {
		if g.Start >= sp.End {
			return true
		}
	}
	for _, c := range v.cues {
		if c.kind == kCoref && c.Start >= sp.End && actorRefs[a.lowerOf(c.Span)] {
			return true
		}
	}
	return false
}

// actorRefs are the phrases that point back to a group, not to its deeds.
var actorRefs = map[string]bool{"the group": true, "the hackers": true, "the actor": true, "the threat actor": true,
	"the attackers": true, "the gang": true, "the operators": true, "the adversary": true, "the hacking group": true,
	"the crew": true, "the intruders": true, "these hackers": true, "those hackers": true, "the actors": true,
	"these actors": true, "the threat actors": true, "this group": true, "this actor": true, "the spies": true}

func (a *analysis) speaksAfter(v *sview, sp Span) bool {
	for _, c := range v.cues {
		if c.kind == kReporting && c.Start >= sp.End && c.Start-sp.End <= 2 {
			return true
		}
	}
	after := a.lowerOf(Span{sp.End, min(v.s.End, sp.End+30)})
	for _, w := range []string{" did not comment", " declined to comment", " did not respond", " declined to", " told "} {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	return false
}

// businessWords say what a company group does: "the shipping group".
var businessWords = map[string]bool{"shipping": true, "media": true, "industrial": true, "energy": true, "engineering": true,
	"financial": true, "banking": true, "insurance": true, "retail": true, "defence": true, "defense": true, "telecoms": true,
	"telecommunications": true, "car": true, "steel": true, "chemical": true, "chemicals": true, "mining": true, "hotel": true,
	"travel": true, "pharmaceutical": true, "healthcare": true, "technology": true, "logistics": true, "food": true,
	"construction": true, "aerospace": true, "publishing": true, "entertainment": true, "utilities": true, "oil": true}

// organsHit returns the state organs a sentence says were hit, named as
// written: "breaching the Finnish parliament", "the Czech foreign
// ministry's network was targeted". An organ that speaks or sponsors is
// not among them.
// actsAfter reports whether the lower-case words after a subject make it
// act rather than suffer: "were likely to keep probing", "will target",
// "continue to", not "were targeted".
func actsAfter(after string) bool {
	f := strings.Fields(after)
	if len(f) == 0 {
		return false
	}
	switch f[0] {
	case "will", "would", "continue", "continues", "continued", "keep", "keeps", "kept":
		return true
	case "were", "are", "is", "was", "have", "has", "had":
	default:
		return false
	}
	for _, w := range f[1:min(len(f), 5)] {
		w = strings.Trim(w, ",.;:")
		switch {
		case w == "by":
			return false
		case strings.HasSuffix(w, "ing") || w == "to":
			return true
		}
	}
	return false
}

func (a *analysis) organsHit(v *sview) []orgName {
	var out []orgName
	for _, g := range a.govPhrases(v) {
		if g.kind != "organ" && g.kind != "ministry" || v.inClaimant(g.Span) {
			continue
		}
		after := a.lowerOf(Span{g.End, min(v.s.End, g.End+50)})
		ownSystems := false
		if strings.HasPrefix(after, "'s ") {
			for _, w := range []string{"network", "systems", "servers", "email", "computers", "accounts"} {
				if strings.Contains(after, w) {
					ownSystems = true
				}
			}
		}
		if !ownSystems && (!a.victimContext(v, g.Span) || actsAfter(after)) {
			continue
		}
		out = append(out, orgName{Span: g.Span, name: a.text[g.Start:g.End]})
	}
	// Known bodies hit: "the compromise of the Department of the Treasury's
	// network", "hackers breached the Office of Personnel Management". Only
	// plain words of harm count: a body "from" or "at" which something
	// comes is mostly a source.
	for _, m := range v.ents {
		if m.kind != kBody || v.inClaimant(m.Span) {
			continue
		}
		b := bodies[m.ref]
		if b.Sponsor || b.Vendor {
			continue
		}
		if a.systemsOf(v, m.Span) || a.harmedBefore(v, m.Span) {
			out = append(out, orgName{Span: m.Span, name: b.Name})
		}
	}
	return out
}

// selfReported finds a company that tells of its own breach: "Hewlett
// Packard Enterprise disclosed that the group had accessed its e-mail",
// "Microsoft said hackers had broken into the accounts of its staff". The
// one source of the sentence is the victim when a word of harm after it
// reaches "its".
func (a *analysis) selfReported(v *sview) []orgName {
	if len(v.claimants) != 1 || v.claimants[0].class != "organization" {
		return nil
	}
	sp := v.claimantSpans[0]
	for _, c := range v.cues {
		if c.kind != kTarget || c.Start < sp.End {
			continue
		}
		if after := a.lowerOf(Span{c.End, min(v.s.End, c.End+60)}); strings.Contains(after, " its ") {
			return []orgName{{Span: sp, name: v.claimants[0].name}}
		}
	}
	return nil
}

// govHit reports whether a government phrase at sp stands where a victim
// does: after a word of harm or "attacks on".
func (a *analysis) govHit(v *sview, sp Span) bool {
	if lawAgainst(a.lowerOf(Span{max(v.s.Start, sp.Start-40), sp.Start})) {
		return false
	}
	// "deployed its backdoor to networks of the Afghan government"
	if b, ok := strings.CutSuffix(strings.TrimSuffix(a.lowerOf(Span{max(v.s.Start, sp.Start-30), sp.Start}), "the "), " of "); ok && holdingWords[lastField(b)] {
		return true
	}
	if a.harmedBefore(v, sp) {
		return true
	}
	before := strings.TrimSuffix(a.lowerOf(Span{max(v.s.Start, sp.Start-20), sp.Start}), "the ")
	return strings.HasSuffix(before, "attacks on ") || strings.HasSuffix(before, "attack on ") ||
		strings.HasSuffix(before, "against ") || strings.HasSuffix(before, "targeting ")
}

// govHitAt reports whether the government phrase that holds the country
// mention m was hit (see govHit).
func (a *analysis) govHitAt(v *sview, m mention) bool {
	for _, g := range a.govPhrases(v) {
		if g.Start <= m.Start && m.End <= g.End {
			return a.govHit(v, g.Span)
		}
	}
	return false
}

// systemsOf reports whether "'s network", "'s systems" or the like follow sp.
func (a *analysis) systemsOf(v *sview, sp Span) bool {
	after := a.lowerOf(Span{sp.End, min(v.s.End, sp.End+30)})
	if !strings.HasPrefix(after, "'s ") {
		return false
	}
	for _, w := range []string{"network", "systems", "servers", "email", "computers", "accounts"} {
		if strings.HasPrefix(after[3:], w) || strings.HasPrefix(after[3:], "unclassified "+w) {
			return true
		}
	}
	return false
}

// harmedBefore reports whether a word of harm stands right before sp:
// "breached the", "the compromise of".
func (a *analysis) harmedBefore(v *sview, sp Span) bool {
	before := strings.TrimSuffix(a.lowerOf(Span{max(v.s.Start, sp.Start-30), sp.Start}), "the ")
	for _, w := range []string{"hacked ", "breached ", "compromised ", "infiltrated ", "attacked ", "targeted ",
		"penetrated ", "compromise of ", "breach of ", "hack of ", "hacking of ", "intrusion into ", "intrusions into "} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return false
}

// spansOf returns the spans of orgs.
func spansOf(orgs []orgName) []Span {
	out := make([]Span, len(orgs))
	for i, o := range orgs {
		out[i] = o.Span
	}
	return out
}

// listedSectors returns the words the vocabulary does not know that stand
// in a list of sectors with words it does: "the diamond, education and
// technology sectors" gives "diamond", in the text's own word.
func (a *analysis) listedSectors(v *sview) []string {
	low := v.low(a)
	var out []string
	for _, head := range []string{" sectors", " industries"} {
		for end := range indexes(low, head) {
			// The list before the head, back to the words that open it.
			start := max(0, end-80)
			items := strings.FieldsFunc(low[start:end], func(r rune) bool { return r == ',' })
			if len(items) == 0 {
				continue
			}
			last := items[len(items)-1]
			if j := strings.LastIndex(last, " and "); j >= 0 {
				items = append(items[:len(items)-1], last[:j], last[j+5:])
			}
			var unknown []string
			known := 0
			for k := len(items) - 1; k >= 0; k-- {
				f := strings.Fields(items[k])
				if len(f) == 0 {
					break
				}
				// The list's first item carries the words before it:
				// "companies in the diamond".
				w, first := f[len(f)-1], len(f) > 1
				// A sector of two words: "health care", "consumer electronics".
				if len(f) >= 2 {
					if _, ok := sectorWords[f[len(f)-2]+" "+w]; ok {
						w, first = f[len(f)-2]+" "+w, len(f) > 2
					}
				}
				if _, ok := sectorWords[w]; ok {
					known++
				} else if isLowerWord(w) && !determiners[w] {
					unknown = append(unknown, w)
				} else {
					break
				}
				if first {
					break
				}
			}
			if known > 0 && len(unknown) > 0 && len(unknown) <= known {
				out = append(out, unknown...)
			}
		}
	}
	return out
}

// isLowerWord reports whether w is a word of lower-case letters (hyphens
// allowed), as sector words are.
func isLowerWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; (c < 'a' || c > 'z') && c != '-' {
			return false
		}
	}
	return len(w) >= 3
}

// listHedges stand inside a list without ending it.
var listHedges = []string{", to a lesser extent,", ", to a lesser degree,", ", more recently,", ", most recently,",
	", in particular,", ", above all,", ", especially", " especially", " as well as", " and also", ", and also"}

// headlineTargets gives the victims of a headline that names no group to
// the first group the body names, or else to the unattributed activity.
func (a *analysis) headlineTargets() {
	if a.headline == nil {
		return
	}
	var to *group
	for _, g := range a.groupList {
		if g != a.headline {
			to = g
			break
		}
	}
	for _, k := range sortedKeys(a.targets) {
		t := a.targets[k]
		if t.group != a.headline {
			continue
		}
		delete(a.targets, k)
		if to == nil {
			to = a.unattributedGroup()
		}
		for _, ev := range t.ev {
			if to == a.unattributed {
				to.ev = appendEv(to.ev, ev) // the activity is what the headline tells of
			}
			a.addTarget(to, t.kind, t.name, ev, [2]int{t.from, t.to})
		}
	}
}

// isHeadline reports whether v is the title line of a longer text: its
// first sentence, with no full stop.
func (a *analysis) isHeadline(v *sview) bool {
	return v.i == 0 && len(a.sents) >= 2 && !a.endsWithStop(v)
}

// endsWithStop reports whether sentence v ends with a full stop, closing
// quotes aside: a headline does not.
func (a *analysis) endsWithStop(v *sview) bool {
	return strings.HasSuffix(strings.TrimRight(a.text[v.s.Start:v.s.End], " \n\t\"'”’"), ".")
}

// unattributedGroup returns the report's unattributed activity, the source
// of what the text tells of no named group, made on first use.
func (a *analysis) unattributedGroup() *group {
	if a.unattributed == nil {
		a.unattributed = &group{key: "campaign:unattributed", name: "Unattributed activity", kbIndex: -1, origins: map[string][]Span{}}
	}
	return a.unattributed
}

// endsWithWord reports whether s ends with the word or words w: "that"
// does not end with "at".
func endsWithWord(s, w string) bool {
	return strings.HasSuffix(s, w) && (len(s) == len(w) || s[len(s)-len(w)-1] == ' ')
}

// determiners cannot stand between a sector word and its head: in "research
// their targets", research is a verb.
var determiners = map[string]bool{"the": true, "a": true, "an": true, "their": true, "its": true, "our": true,
	"his": true, "her": true, "these": true, "those": true, "this": true, "that": true, "your": true, "my": true,
	"other": true, "various": true, "several": true, "many": true, "multiple": true, "such": true}

// provenanceNouns, before "from", say where a source comes from:
// "agencies from the United States", "officials from Japan".
var provenanceNouns = []string{"agencies", "agency", "authorities", "officials", "partners", "allies", "counterparts",
	"services", "governments", "signatories", "representatives", "investigators", "researchers", "experts",
	"analysts", "diplomats", "delegates", "ministers", "colleagues",
	// and where products come from: "VPN appliances from Fortinet"
	"appliances", "devices", "products", "equipment", "routers", "firewalls", "software", "hardware", "gateways",
	"servers", "switches", "solutions", "systems"}

// provenanceNounBefore reports whether before, lower case and ending in
// "from " (or "from the "), has a provenance noun right before the "from".
func provenanceNounBefore(before string) bool {
	b := strings.TrimSuffix(before, "the ")
	// "partners in Australia, Canada ...": where co-authors sit.
	if strings.HasSuffix(b, " in ") {
		b = strings.TrimSuffix(b, " in ")
		for _, n := range []string{"partners", "allies", "counterparts", "colleagues"} {
			if strings.HasSuffix(b, " "+n) || b == n {
				return true
			}
		}
		return false
	}
	if !strings.HasSuffix(b, " from ") {
		return false
	}
	b = strings.TrimSuffix(b, " from ")
	for _, n := range provenanceNouns {
		if strings.HasSuffix(b, " "+n) || b == n {
			return true
		}
	}
	return false
}

// sourceContext reports whether the name at sp stands as a source, as where
// a product comes from or as a disguise, not as a victim.
func (a *analysis) sourceContext(v *sview, sp Span) bool {
	// "CISA: ...", "Israel National Cyber Directorate: Iranian group
	// behind ...": a sentence that opens with a name and a colon is that
	// body speaking.
	if strings.TrimSpace(a.text[v.s.Start:sp.Start]) == "" && strings.HasPrefix(a.text[sp.End:min(v.s.End, sp.End+2)], ": ") {
		return true
	}
	before := a.lowerOf(Span{max(v.s.Start, sp.Start-40), sp.Start})
	// "appliances from Array Networks": where a product comes from.
	if provenanceNounBefore(before) {
		return true
	}
	// "China's National ...": look past a possessive country.
	if i := strings.LastIndex(before, "'s "); i >= 0 && i+3 == len(before) {
		if j := strings.LastIndexByte(before[:i], ' '); j >= 0 {
			before = before[:j+1]
		}
	}
	before = strings.TrimSuffix(before, "the ")
	for _, w := range []string{"report by ", "reports by ", "study by ", "analysis by ", "according to ", "researchers at ",
		"experts at ", "analysts at ", "investigators at ", "statement by ", "published by ", "advisory by ", "report from "} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	// "lures impersonated the Korea Institute ...": a name worn as a
	// disguise belongs to no victim.
	for _, w := range []string{"impersonated ", "impersonating ", "impersonates ", "impersonation of ", "posing as ", "posed as ",
		"poses as ", "masquerading as ", "masqueraded as ", "spoofing ", "spoofed ", "pretending to be ", "mimicking ", "mimicked "} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return false
}

// orgHeadSectors maps words that end organisation names to their sector.
var orgHeadSectors = map[string]string{
	"airport": "transportation", "airports": "transportation", "airlines": "transportation", "airways": "transportation",
	"railway": "transportation", "railways": "transportation", "port": "transportation", "university": "education",
	"college": "education", "school": "education", "hospital": "healthcare", "bank": "financial-services",
	"ministry": "government", "parliament": "government", "embassy": "government", "consulate": "government",
	"pharmaceuticals": "pharmaceuticals", "pharma": "pharmaceuticals", "telecom": "telecommunications",
	"telecommunications": "telecommunications", "energy": "energy", "power": "energy", "electric": "utilities",
	"aerospace": "aerospace", "defense": "defense", "defence": "defense", "motors": "automotive", "media": "media",
	"news": "media", "times": "media", "post": "media", "press": "media", "nuclear": "energy", "water": "water",
	"insurance": "insurance", "exchange": "financial-services", "semiconductor": "technology", "software": "technology",
}

// sectorsOfName reads the sectors an organisation's own name gives away:
// "Korea Hydro & Nuclear Power" is energy, "Narita Airport" transportation.
func sectorsOfName(name string) []string {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(name)) {
		if sec, ok := orgHeadSectors[strings.Trim(w, ".,&")]; ok {
			out = appendUniq(out, sec)
		}
	}
	return out
}

// plainVictimNouns after a country name make it a victim even where the
// country also sponsors: "Chinese dissidents", "Dutch government agencies"
// (after a government phrase), but not "Chinese officials".
var plainVictimNouns = map[string]bool{"companies": true, "firms": true, "organizations": true,
	"organisations": true, "entities": true, "businesses": true, "networks": true, "institutions": true,
	"universities": true, "banks": true, "hospitals": true, "dissidents": true, "activists": true,
	"journalists": true, "diplomats": true, "embassies": true, "ministries": true, "websites": true,
	"servers": true, "users": true}

// titleOfBefore reports whether "<title> of" or "<title> of the" stands
// right before toks[i]: the office of a title follows.
func titleOfBefore(toks []token, i int) bool {
	k := i - 1
	if k >= 0 && toks[k].text == "the" {
		k--
	}
	return k >= 1 && toks[k].text == "of" && isTitleWord(toks[k-1].text)
}

// listEdge walks from ents[i], by step -1 or +1, along the mentions that
// match and stand in one list with it ("Britain, Canada and Australia"),
// and returns the index of the list's last item that way.
func (a *analysis) listEdge(ents []mention, i, step int, match func(mention) bool) int {
	for k := i + step; k >= 0 && k < len(ents) && match(ents[k]); k += step {
		lo, hi := min(k, i), max(k, i)
		if !isListGap(a.between(ents[lo].End, ents[hi].Start)) {
			break
		}
		i = k
	}
	return i
}

func isCountryMention(m mention) bool { return m.kind == kCountry }

// windowOf returns the span of spans that sp lies inside.
func windowOf(spans []Span, sp Span) (Span, bool) {
	for _, w := range spans {
		if sp.Start >= w.Start && sp.End <= w.End {
			return w, true
		}
	}
	return Span{}, false
}

// accusedBefore reports whether the lower-case text before a name ends with
// a verb that names those accused: "sanctioning", "charged", "indicted".
func accusedBefore(before string) bool {
	before = strings.TrimSuffix(strings.TrimRight(before, " "), " the")
	for _, w := range []string{"sanctioning", "sanctioned", "sanctions", "designating", "designated", "charging",
		"charged", "indicting", "indicted", "indicts", "charges"} {
		if endsWithWord(before, w) {
			return true
		}
	}
	return false
}

// recipientWords hand something over: documents "sent to Politico, The New
// York Times and The Washington Post" went to those outlets, which were not
// hacked. agentWords name the agent of a passive.
var (
	recipientWords = []string{" sent to ", " leaked to ", " passed to ", " provided to ", " handed to ", " forwarded to ",
		" shared with ", " given to ", " passed on to ", " sent them to ", " offered to "}
	agentWords = []string{" by "}
)

// listAfter reports whether the text before a name ends with one of words
// (each starting with a space) and, perhaps, names listed before it: only
// capitalised words, "the", "and" and "or" may stand between.
func listAfter(before string, words []string) bool {
	at, n := -1, 0
	for _, p := range words {
		if i := lastIndexFold(before, p); i > at {
			at, n = i, len(p)
		}
	}
	if at < 0 {
		return false
	}
	for _, w := range strings.Fields(before[at+n:]) {
		w = strings.TrimRight(w, ",")
		if w != "and" && w != "or" && w != "the" && (w == "" || !isUpperASCII(w[0])) {
			return false
		}
	}
	return true
}

// indexFold is strings.Index for a lower-case ASCII sub, in any case. Its
// offsets are those of s, which those of strings.ToLower(s) need not be.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if lowerByte(s[i]) == sub[0] && equalFoldASCII(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// lastIndexFold is strings.LastIndex for a lower-case ASCII sub, in any case.
func lastIndexFold(s, sub string) int {
	for i := len(s) - len(sub); i >= 0; i-- {
		if s[i] == sub[0] && equalFoldASCII(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// victimsListed reads the names a sentence lists as victims: "The victims
// included NASA and two U.S. Air Force bases". Any name counts there, a
// vendor's or a bare acronym; places are victims of another kind.
func (a *analysis) victimsListed(v *sview, found []orgName) []orgName {
	low := v.low(a)
	seg := a.text[v.s.Start:v.s.End]
	foundSpans := spansOf(found)
	var out []orgName
	for off := 0; ; {
		k := index(low[off:], "victims ")
		if k < 0 {
			break
		}
		i := off + k + len("victims ")
		off = i
		n := 0
		for _, w := range []string{"included ", "include ", "including ", "were ", "such as ", "are "} {
			if strings.HasPrefix(low[i:], w) {
				n = len(w)
				break
			}
		}
		if n == 0 {
			continue
		}
		for _, nm := range readNames(seg, i+n) {
			sp := Span{v.s.Start + nm.Start, v.s.Start + nm.End}
			if overlapsAny(foundSpans, sp) || a.placeAt(v, sp) {
				continue
			}
			out = append(out, orgName{Span: sp, name: a.text[sp.Start:sp.End]})
		}
	}
	return out
}

// placeAt reports whether a country or region mention covers sp.
func (a *analysis) placeAt(v *sview, sp Span) bool {
	for _, m := range v.ents {
		if (m.kind == kCountry || m.kind == kRegion) && m.Start <= sp.Start && sp.End <= m.End {
			return true
		}
	}
	return false
}

// listIntro reports whether the last two lower-case words before a place
// start a list of examples: "among them", "such as", "notably".
func listIntro(prev string) bool {
	switch {
	case prev == "among them", prev == "such as", strings.HasSuffix(prev, " notably"), strings.HasSuffix(prev, " especially"),
		strings.HasSuffix(prev, " particularly"), strings.HasSuffix(prev, " among"):
		return true
	}
	return false
}
