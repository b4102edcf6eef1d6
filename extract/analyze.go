package extract

import (
	"bytes"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/swar"
	"github.com/aptgraph/aptgraph/kb"
)

// The frames one report yields, before they become STIX.

type group struct {
	key       string // kb key, or "text:" + normalised name
	name      string // canonical name
	kbIndex   int    // index in facts.Groups, -1 when the reference data does not know it
	textNames []string
	ev        []Span
	firstSeen int // year, 0 when unknown
	lastSeen  int
	ambiguous []string // candidate names when the name was ambiguous
	origins   map[string][]Span
}

type sponsor struct {
	name    string
	country string
	ev      []Span
}

type party struct { // a claimant
	name    string
	country string
	class   string // "organization", "individual", "government"
	vendor  bool
}

type claim struct {
	by         *party
	group      *group
	sponsor    *sponsor
	confidence int // -1: no estimative wording
	phrase     string
	hedges     []string
	ev         []Span
}

type victim struct {
	name    string
	sectors []string
	ev      []Span
}

type targetRel struct {
	group *group
	kind  string // "org", "country", "sector"
	name  string // org name, ISO2 or sector
	ev    []Span
	from  int
	to    int
}

type useRel struct {
	group *group
	kind  kind // kSoftware or kTechnique
	ref   int  // index in facts.Software, or textSoftwareBase + index in analysis.textSoftware
	ev    []Span
	names []string // the names the text used for it
	ev0   [4]Span  // ev's first backing: most uses have a few quotes
}

// textSoftwareBase offsets the refs of malware the reference data does not
// know, named by the text itself ("a new wiper we call AWFULSHRED").
const textSoftwareBase = 1 << 30

type person struct {
	name    string
	country string
	ev      []Span
}

type timeRange struct {
	by       *party // who says so
	group    *group
	what     string
	from, to int
	campaign bool
	ev       Span
}

// analysis holds everything read from one document.
type analysis struct {
	x      *Extractor
	docRef *aptgraph.Document
	text   string
	sents  []sentence
	// lower is the text in lower case. With lowerAligned, lower-casing kept
	// every character's length, so lower[s:e] is the lower case of text[s:e].
	lower        string
	lowerAligned bool

	ents []mention // entity mentions, in order
	cues []mention

	groups    map[string]*group
	groupList []*group
	headline  *group // holds the victims of a headline that names no group
	sponsors  map[string]*sponsor
	parties   map[string]*party
	claims    map[string]*claim
	claimList []*claim
	victims   map[string]*victim
	targets   map[string]*targetRel
	uses      map[string]*useRel
	people    map[string]*person
	times     []timeRange
	countries map[string][]Span // country ISO2 -> mentions (for the country objects)

	focus          *group
	focusSet       []*group        // the groups of the last sentence that named any
	unattributed   *group          // the activity of a report that names no group
	pending        *pendingClaim   // a claim about a group the next sentence names
	lateOrigin     lateOrigin      // a nationality given to a group the next sentence names
	unnamed        []*pendingClaim // held claims never completed
	vendor         string          // the vendor the text names most, the publisher of last resort
	issuerRef      int32           // the body that issues a press release, once issuer has looked
	issuerDone     bool
	coIssuers      []int32            // the bodies a text says release it, when it names several
	acronymNames   map[string]string  // acronym → the name the text defines it for, made on first use
	named          map[string]bool    // the countries the text names, made on first use
	andPairs       map[[2]string]bool // group names the text joins by "and", made on first use
	andNames       map[string]bool    // the names in andPairs
	home           *country           // the country of the text's dateline, once homeCountry has looked
	lastTargetSent int                // the last sentence with a targeting cue
	homeDone       bool
	textSoftware   []string        // malware named by the text and unknown to the reference data
	textTools      map[string]bool // those of textSoftware the text calls a tool
	groupSurfaces  map[string]bool // lower-case group names as written, made on first use
	lastClaimant   []*party
	lastClaimPar   int
	personByLast   map[string]*person
}

// sentence-local view.
type sview struct {
	claimantSpans []Span
	claimWindows  []Span // the subjects of reporting verbs
	groupSpans    []Span // names read as groups
	people        []personMention
	peopleDone    bool
	gov           []govPhrase
	govDone       bool
	claimants     []*party
	i             int
	s             sentence
	ents          []mention
	cues          []mention
	toks          []token
	tokBuf        *[]token // shared buffer; tokens() fills it on first use
	toksDone      bool
	lower         string
	cueKinds      uint64 // a bit per kind of cue in cues, once hasCue has looked
}

func (a *analysis) hasCue(v *sview, k kind) bool {
	if v.cueKinds == 0 {
		v.cueKinds = cueKindsDone
		for _, c := range v.cues {
			v.cueKinds |= 1 << c.kind
		}
	}
	return v.cueKinds&(1<<k) != 0
}

// cueKindsDone marks sview.cueKinds as filled in; every kind has a lower bit
// (the constant overflows, and the build fails, if one stops fitting).
const cueKindsDone = 1 << 63

const _ = uint8(62 - kAttachment)

func (a *analysis) cuesOf(v *sview, k kind) []mention {
	var out []mention
	for _, c := range v.cues {
		if c.kind == k {
			out = append(out, c)
		}
	}
	return out
}

func (a *analysis) run() {
	d := a.x.dict
	a.ents, a.cues = d.scan(a.text)
	a.lower, a.lowerAligned = lowerAligned(a.text)
	a.vendorFallback()
	extra, colours := findShapedNames(a.text)
	extra = append(extra, animalNames(a.text, a.cues)...)
	extra = append(extra, colours...)
	extra = append(extra, definedAcronyms(a.text, a.ents)...)
	a.ents = mergeMentions(a.ents, extra)
	a.sents = splitSentences(a.text)
	a.groups = map[string]*group{}
	a.sponsors = map[string]*sponsor{}
	a.parties = map[string]*party{}
	a.claims = map[string]*claim{}
	a.victims = map[string]*victim{}
	a.targets = map[string]*targetRel{}
	a.uses = map[string]*useRel{}
	a.people = map[string]*person{}
	a.countries = map[string][]Span{}
	a.personByLast = map[string]*person{}
	a.lastClaimPar = -1

	strong := a.strongGroups()

	ei, ci := 0, 0
	var toks []token
	// One view, cleared for each sentence: nothing keeps a view after its
	// sentence, and a sentence is read in every report by the thousand.
	var view sview
	for si, s := range a.sents {
		view = sview{i: si, s: s}
		v := &view
		for ei < len(a.ents) && a.ents[ei].Start < s.Start {
			ei++
		}
		ej := ei
		for ej < len(a.ents) && a.ents[ej].Start < s.End {
			ej++
		}
		v.ents = a.ents[ei:ej:ej] // a view: appending copies
		for ci < len(a.cues) && a.cues[ci].Start < s.Start {
			ci++
		}
		cj := ci
		clean := true
		for cj < len(a.cues) && a.cues[cj].Start < s.End {
			// A cue inside a name is not a cue: "States" in "United States".
			if insideName(v.ents, a.cues[cj].Span) {
				clean = false
			}
			cj++
		}
		if clean {
			v.cues = a.cues[ci:cj:cj]
		} else {
			for j := ci; j < cj; j++ {
				if !insideName(v.ents, a.cues[j].Span) {
					v.cues = append(v.cues, a.cues[j])
				}
			}
		}
		v.tokBuf = &toks
		a.sentence(v, strong)
	}
	a.familyMembers()
	a.claimUnnamed()
	a.dropHeadlineEchoes()
	a.headlineTargets()
}

// familyMembers finds the members of a malware family the text named: words
// that extend a family's name written in capitals ("SPAWN": SPAWNANT,
// SPAWNMOLE) or the first part of a name in camel case ("PteroGraphin":
// PteroLNK, PteroStew). Vendors name the tools of one toolkit so, and the
// text may list them with no word for malware. Each member is used by the
// groups that use the family's known name, in the sentences that name it.
func (a *analysis) familyMembers() {
	type family struct {
		stem  string
		caps  bool
		users []*group
	}
	// Only the uses whose names can head a family, in a fixed order.
	var keys []string
	for k, u := range a.uses {
		if u.kind == kSoftware && slices.ContainsFunc(u.names, func(n string) bool { s, _ := familyStem(n); return s != "" }) ||
			u.kind == kSoftware && u.ref >= textSoftwareBase {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	slices.Sort(keys)
	var fams []family
	for _, k := range keys {
		u := a.uses[k]
		names := u.names
		if u.ref >= textSoftwareBase {
			names = append(names[:len(names):len(names)], a.textSoftware[u.ref-textSoftwareBase])
		}
		for _, n := range names {
			stem, caps := familyStem(n)
			if stem == "" || a.x.dict.isCommonWeak(stem) {
				continue
			}
			k := slices.IndexFunc(fams, func(f family) bool { return f.stem == stem })
			if k < 0 {
				fams = append(fams, family{stem: stem, caps: caps})
				k = len(fams) - 1
			}
			if !slices.Contains(fams[k].users, u.group) {
				fams[k].users = append(fams[k].users, u.group)
			}
		}
	}
	if len(fams) == 0 {
		return
	}
	text := a.text
	for _, f := range fams {
		for from := 0; ; {
			i := strings.Index(text[from:], f.stem)
			if i < 0 {
				break
			}
			at := from + i
			q := swar.AlnumEnd(text, at)
			from = q
			w := text[at:q]
			// A whole word: not inside another, nor part of a host name
			// or a hyphenated compound.
			if at > 0 && (isWordByte(text[at-1]) || text[at-1] == '-' || text[at-1] == '.') ||
				q < len(text) && (text[q] == '-' || text[q] == '.' && q+1 < len(text) && isWordByte(text[q+1])) {
				continue
			}
			if !isFamilyMember(w, f.stem, f.caps) || commonAcronyms[w] || a.softwareByName(w) >= 0 || len(a.x.entriesAt(w)) > 0 {
				continue
			}
			v := &sview{s: sentence{Span: a.sentenceOf(at, q)}}
			a.addUse(v, f.users, kSoftware, a.textSoftwareRef(w), mention{Span: Span{at, q}, name: w})
		}
	}
}

// familyStem returns the part of a software name its family's members
// share: the whole name when it is four to eight capitals ("SPAWN"), or
// the first part of a camel-case name, five letters or more ("Ptero" of
// "PteroGraphin"); else "".
func familyStem(n string) (stem string, caps bool) {
	if len(n) >= 4 && len(n) <= 8 && strings.ToUpper(n) == n && strings.IndexFunc(n, func(r rune) bool { return r < 'A' || r > 'Z' }) < 0 {
		return n, true
	}
	if len(n) < 7 || n[0] < 'A' || n[0] > 'Z' {
		return "", false
	}
	for i := 1; i < len(n); i++ {
		switch c := n[i]; {
		case c >= 'A' && c <= 'Z':
			if i >= 5 {
				return n[:i], false
			}
			return "", false
		case c < 'a' || c > 'z':
			return "", false
		}
	}
	return "", false
}

// isFamilyMember reports whether w extends the family stem: in capitals
// for a name in capitals, with a capital right after a camel-case stem, and
// by three characters or more.
func isFamilyMember(w, stem string, caps bool) bool {
	if len(w) < len(stem)+3 || !strings.HasPrefix(w, stem) {
		return false
	}
	if caps {
		return strings.ToUpper(w) == w
	}
	c := w[len(stem)]
	return c >= 'A' && c <= 'Z'
}

// countryAt reports whether a country mention covers exactly sp.
func countryAt(ents []mention, sp Span) bool {
	for _, m := range ents {
		if m.kind == kCountry && m.Span == sp {
			return true
		}
	}
	return false
}

// dropHeadlineEchoes drops the claims of the headline (the first sentence)
// that no one in it makes, when the body makes the same claim with its
// source: "Police agency says China-linked MirrorFace ..." is the
// National Police Agency's claim of the next paragraph, not a claim of
// the publisher's.
func (a *analysis) dropHeadlineEchoes() {
	if len(a.sents) == 0 || len(a.claimList) < 2 {
		return
	}
	head := a.sents[0].Span
	pub := a.publisher()
	// Bodies that release a text together each make its headline's claim.
	if len(a.publishers()) > 1 {
		return
	}
	kept := a.claimList[:0]
	for _, c := range a.claimList {
		if c.by == pub && allWithin(c.ev, head) && a.claimedElsewhere(c) {
			for k, x := range a.claims {
				if x == c {
					delete(a.claims, k)
				}
			}
			continue
		}
		kept = append(kept, c)
	}
	a.claimList = kept
}

// claimedElsewhere reports whether another source claims what c claims,
// or any source more: a headline's "Iran-linked" is echoed by a body that
// names the IRGC.
func (a *analysis) claimedElsewhere(c *claim) bool {
	state := c.sponsor.name == govName(a.countryName(c.sponsor.country))
	for _, x := range a.claimList {
		if x == c || x.group != c.group {
			continue
		}
		if x.by != c.by && x.sponsor == c.sponsor || state && x.sponsor != c.sponsor && x.sponsor.country == c.sponsor.country {
			return true
		}
	}
	return false
}

// allWithin reports whether every span of ev lies inside w.
func allWithin(ev []Span, w Span) bool {
	for _, sp := range ev {
		if sp.Start < w.Start || sp.End > w.End {
			return false
		}
	}
	return true
}

// mergeMentions adds pattern finds to the dictionary mentions. Where they
// overlap, the longer span wins (a dictionary group name wins ties). Both
// lists are in text order, so one walk does it.
func mergeMentions(ents, extra []mention) []mention {
	if len(extra) == 0 {
		return ents
	}
	slices.SortStableFunc(extra, func(x, y mention) int { return x.Start - y.Start })
	// Both lists are in order of start: merge them, dictionary finds first
	// where starts tie.
	all := make([]mention, 0, len(ents)+len(extra))
	i, j := 0, 0
	for i < len(ents) && j < len(extra) {
		if extra[j].Start < ents[i].Start {
			all = append(all, extra[j])
			j++
		} else {
			all = append(all, ents[i])
			i++
		}
	}
	all = append(all, ents[i:]...)
	all = append(all, extra[j:]...)
	// Drop each mention that overlaps a better one; overlaps are local, so
	// only the neighbours within the span need looking at.
	drop := make([]bool, len(all))
	better := func(x, y mention) bool { // x beats y
		lx, ly := x.End-x.Start, y.End-y.Start
		if lx != ly {
			return lx > ly
		}
		return x.e != nil && x.kind == kGroup && y.e == nil
	}
	for i := range all {
		for j := i + 1; j < len(all) && all[j].Start < all[i].End; j++ {
			// Dictionary mentions never overlap each other; only a pattern
			// find against anything else is settled here.
			if all[i].e != nil && all[j].e != nil {
				continue
			}
			if better(all[i], all[j]) {
				drop[j] = true
			} else {
				drop[i] = true
			}
		}
	}
	out := all[:0]
	for i, m := range all {
		if !drop[i] {
			out = append(out, m)
		}
	}
	return out
}

// strongGroups returns the kb groups named in the text by a distinctive
// name; a weak alias of one of them counts without further context.
func (a *analysis) strongGroups() map[int32]bool {
	out := map[int32]bool{}
	for _, m := range a.ents {
		if m.kind == kGroup && m.e != nil && !m.e.weak {
			out[m.ref] = true
		}
		if m.kind == kGroup && m.e == nil {
			if idx := a.x.lookupGroup(m.name); len(idx) == 1 {
				out[int32(idx[0])] = true
			}
		}
	}
	return out
}

// groupContext reports whether the words around m say it is a group.
func (a *analysis) groupContext(v *sview, m mention) bool {
	if m.Start > 0 && (a.text[m.Start-1] == '"') {
		return true
	}
	for _, c := range v.cues {
		if c.kind != kGroupHead {
			continue
		}
		if c.End <= m.Start && m.Start-c.End <= 25 || c.Start >= m.End && c.Start-m.End <= 12 {
			return true
		}
	}
	before := a.lowerOf(Span{max(v.s.Start, m.Start-30), m.Start})
	for _, intro := range introducers {
		if strings.HasSuffix(before, intro) {
			return true
		}
	}
	return false
}

func (a *analysis) softwareContext(v *sview, m mention) bool {
	// The words around the name, without the name itself, lower-cased into
	// a buffer on the stack.
	var buf [96]byte
	w := append(buf[:0], a.text[max(v.s.Start, m.Start-40):m.Start]...)
	w = append(w, ' ')
	w = append(w, a.text[m.End:min(v.s.End, m.End+40)]...)
	for i, c := range w {
		w[i] = lowerByte(c)
	}
	// Right after a verb of deployment: "deployed Shamoon", "used the X".
	before := bytes.TrimSuffix(w[:min(len(w), m.Start-max(v.s.Start, m.Start-40))], []byte("the "))
	for _, verb := range deployVerbs {
		if bytes.HasSuffix(before, verb) && (len(before) == len(verb) || !isWordByte(before[len(before)-len(verb)-1])) {
			return true
		}
	}
	for _, k := range softwareWords {
		if i := bytes.Index(w, k); i >= 0 && (i == 0 || !isWordByte(w[i-1])) && (i+len(k) >= len(w) || !isWordByte(w[i+len(k)])) {
			return true
		}
	}
	return false
}

// softwareWords near a name say it is malware or a tool.
// deployVerbs, right before a name, make it software.
var deployVerbs = [][]byte{[]byte("used "), []byte("uses "), []byte("using "), []byte("deployed "), []byte("deploys "),
	[]byte("deploying "), []byte("dropped "), []byte("drops "), []byte("installed "), []byte("installs ")}

var softwareWords = func() [][]byte {
	var out [][]byte
	for _, k := range []string{"malware", "backdoor", "trojan", "rat", "loader", "implant", "variant", "ransomware",
		"payload", "tool", "dropper", "stealer", "botnet", "framework", "utility", "family", "spyware", "wiper",
		"downloader", "webshell", "web shell", "rootkit", "worm", "infostealer", "exploit", "samples", "sample",
		"backdoors", "trojans", "loaders", "implants", "variants", "payloads", "tools", "droppers", "stealers",
		"botnets", "wipers", "downloaders", "webshells", "web shells", "rootkits", "worms", "infostealers", "families"} {
		out = append(out, []byte(k))
	}
	return out
}()

// sentence reads one sentence.
func (a *analysis) sentence(v *sview, strong map[int32]bool) {
	text := a.text
	var groups []*group
	var groupSpans []Span
	var spanOwners []*group // the group of each of groupSpans
	addGroup := func(g *group, sp Span) {
		if g == nil {
			return
		}
		v.groupSpans = append(v.groupSpans, sp)
		g.ev = appendEv(g.ev, v.s.Span)
		groupSpans = append(groupSpans, sp)
		spanOwners = append(spanOwners, g)
		for _, x := range groups {
			if x == g {
				return
			}
		}
		groups = append(groups, g)
	}

	v.ents = a.dropEmbeddedNames(v)

	// Introduced names first: they make weak aliases count.
	introduced := introducedNames(text, v.s.Span, v.cues)
	introSpans := map[Span]bool{}
	for _, m := range introduced {
		// "Advanced Persistent Threat 29" is APT29.
		if rest, ok := strings.CutPrefix(m.name, "Advanced Persistent Threat "); ok {
			m.name = "APT" + rest
		}
		if a.malwareIntro(v, m) {
			if ref := a.softwareByName(m.name); ref >= 0 {
				a.addUse(v, nil, kSoftware, ref, m)
			}
			introSpans[m.Span] = true
			continue
		}
		idx := a.x.lookupGroup(m.name)
		if r := a.akaOf(v, m, idx); r >= 0 {
			idx = []int{r}
		}
		headNear := a.headBeforeIntro(v, m)
		switch {
		case len(idx) >= 1 && (headNear || a.groupContext(v, m) || !isPlainCapWord(m.name)):
			g := a.groupFromKB(idx, m.name)
			addGroup(g, m.Span)
			introSpans[m.Span] = true
		case headNear && looksLikeName(m.name):
			g := a.groupByName(m.name)
			addGroup(g, m.Span)
			introSpans[m.Span] = true
		}
	}

	// A name set before a group noun in apposition: "CyberAv3ngers, a
	// persona affiliated with ...", "Foo, a hacking group that ...".
	for _, m := range a.appositiveNames(v) {
		if idx := a.x.lookupGroup(m.name); len(idx) > 0 {
			addGroup(a.groupFromKB(idx, m.name), m.Span)
		} else if looksLikeName(m.name) && !isPlainCapWord(m.name) {
			addGroup(a.groupByName(m.name), m.Span)
		}
	}

	// A company sanctioned or charged for its part in intrusions is the
	// actor: "sanctioning Sichuan Silence Information Technology Company,
	// Limited (Sichuan Silence) ... for their roles in the compromise of".
	for _, m := range a.sanctionedCompanies(v) {
		addGroup(a.groupByName(m.name), m.Span)
	}
	// "the Rhysida ransomware gang": a name the data does not know, set
	// before a noun for a gang.
	for _, m := range a.namedGangs(v) {
		addGroup(a.groupByName(m.name), m.Span)
	}
	// A group the text named itself before counts wherever its name recurs.
	for _, g := range a.groupList {
		if g.kbIndex >= 0 || g.key == "headline" || len(g.name) < 4 || strings.IndexByte(g.name, ' ') < 0 {
			continue
		}
		if i := strings.Index(text[v.s.Start:v.s.End], g.name); i >= 0 {
			sp := Span{v.s.Start + i, v.s.Start + i + len(g.name)}
			if boundaryOK(text, sp.Start, sp.End) {
				addGroup(g, sp)
			}
		}
	}

	// A software name followed by a group noun names the gang that runs it:
	// "the DarkSide ransomware group", "REvil operators".
	for _, m := range v.ents {
		if m.kind != kSoftware || m.e == nil || !a.gangAfter(v, m) {
			continue
		}
		if idx := a.x.lookupGroup(m.name); len(idx) > 0 {
			addGroup(a.groupFromKB(idx, m.name), m.Span)
		} else {
			addGroup(a.groupByName(m.name), m.Span)
		}
	}

	// Software names that lose to a group reading are kept here.
	for _, m := range v.ents {
		switch m.kind {
		case kGroup:
			if introSpans[m.Span] {
				continue
			}
			if m.e == nil { // pattern find
				idx := a.x.lookupGroup(m.name)
				var g *group
				if len(idx) >= 1 {
					g = a.groupFromKB(idx, m.name)
				} else {
					g = a.groupByName(m.name)
				}
				if strings.HasPrefix(strings.ToLower(text[m.Start:m.End]), "advanced persistent threat") {
					g.textNames = appendUniq(g.textNames, text[m.Start:m.End])
				}
				addGroup(g, m.Span)
				continue
			}
			// In a headline every word has a capital: only distinctive names count.
			if m.e.weak && !strong[m.ref] && a.titleCase(v) {
				continue
			}
			// "Beijing opposed ...": a capital that stands for its state is
			// no group, whatever alias lists say.
			if m.e.weak && !strong[m.ref] && countryAt(v.ents, m.Span) {
				continue
			}
			if m.e.weak && !strong[m.ref] && !a.groupContext(v, m) {
				// A plain capitalised name also counts in a sentence about
				// hacking or attribution: "Sandworm hit the grid".
				if !isPlainCapWord(m.name) || a.x.dict.isCommonWeak(m.name) || !(a.hasCue(v, kTarget) || a.hasCue(v, kAttribution)) {
					continue
				}
			}
			if a.hasSoftwareEntry(m) && a.softwareContext(v, m) && !a.groupContext(v, m) {
				a.addUse(v, nil, kSoftware, a.softwareRef(m), m)
				continue
			}
			idx := a.ambiguousRefs(m)
			addGroup(a.groupFromKB(idx, m.name), m.Span)
		}
	}

	// Parenthetical expansions: "APT40 (Advanced Persistent Threat 40)".
	// Coreference: "the group", "the hackers", "it" point to the group in focus.
	coref := false
	if len(groups) == 0 && a.focus != nil && a.hasCue(v, kCoref) {
		// "these actors", "they": every group of the last sentence that
		// named several; otherwise the group in focus.
		if len(a.focusSet) > 1 && a.pluralCoref(v) {
			groups = append(groups, a.focusSet...)
		} else {
			groups = append(groups, a.focus)
		}
		coref = true
	}

	a.readPeople(v)
	a.readClaims(v, groups, groupSpans, coref)
	a.readTimes(v, groups)
	a.readUses(v, groups)
	a.readTargets(v, groups)
	a.readCountries(v)
	a.nationalityApposition(v, spanOwners, groupSpans)

	if len(groups) > 0 && !coref {
		a.focus = groups[len(groups)-1]
		a.focusSet = append(a.focusSet[:0], groups...)
	}
}

// nationalityApposition reads a nationality that an apposition gives a
// named group: "Diamond Sleet, another North Korean group", "APT99, a
// suspected Chinese espionage actor". The wording states the group's
// country, though it names no sponsor and makes no claim of state backing.
func (a *analysis) nationalityApposition(v *sview, owners []*group, spans []Span) {
	if !a.hasCue(v, kGroupHead) {
		return
	}
	if len(owners) == 0 {
		a.unnamedNationality(v)
		return
	}
	// "A North Korean hacking group has ... The group, which Microsoft
	// tracks as Moonstone Sleet, ...": the sentence after names the group.
	if lo := a.lateOrigin; lo.iso != "" && lo.sent == v.i-1 && opensOnGroupRef(a.text[v.s.Start:v.s.End]) {
		a.giveOrigin(owners[0], lo.iso, v.s.Span)
	}
	for _, m := range v.ents {
		if m.kind != kCountry {
			continue
		}
		g := groupBefore(a.text, owners, spans, m.Start)
		if g == nil || !a.headSoonAfter(v, m.End) {
			continue
		}
		a.giveOrigin(g, a.x.dict.countries[m.ref].ISO2, v.s.Span)
	}
}

// lateOrigin is a nationality a sentence gave a group it did not name.
type lateOrigin struct {
	iso  string
	sent int // the sentence's index
}

// unnamedNationality notes the nationality a sentence that names no group
// gives "a North Korean hacking group", for the next sentence to name.
func (a *analysis) unnamedNationality(v *sview) {
	for _, m := range v.ents {
		if m.kind != kCountry || !a.headSoonAfter(v, m.End) {
			continue
		}
		before := a.lowerOf(Span{max(v.s.Start, m.Start-12), m.Start})
		if strings.HasSuffix(before, "a ") || strings.HasSuffix(before, "an ") || strings.HasSuffix(before, "a suspected ") {
			a.lateOrigin = lateOrigin{a.x.dict.countries[m.ref].ISO2, v.i}
			return
		}
	}
}

// opensOnGroupRef reports whether a sentence opens by pointing back to a
// group: "The group, which ...", "The hackers, whom ...".
func opensOnGroupRef(seg string) bool {
	for _, p := range [...]string{"The group", "The hackers", "The actor", "The threat actor", "The hacking group", "The gang"} {
		if rest, ok := strings.CutPrefix(seg, p); ok && (strings.HasPrefix(rest, ",") || strings.HasPrefix(rest, " ")) {
			return true
		}
	}
	return false
}

// giveOrigin states that group g comes from country iso, unless the
// reference data gives g another country: that is a misreading.
func (a *analysis) giveOrigin(g *group, iso string, ev Span) {
	if g.kbIndex >= 0 {
		if cc := a.x.facts.Groups[g.kbIndex].Country; cc != "" && cc != iso {
			return
		}
	}
	g.origins[iso] = appendEv(g.origins[iso], ev)
}

// appositionOpeners come between a group's name and the nationality its
// apposition gives it.
var appositionOpeners = []string{", a ", ", an ", ", another ", ", a suspected ", ", an alleged ", ", another suspected "}

// groupBefore returns the group whose name ends right before an apposition
// opener that ends at at, or nil.
func groupBefore(text string, owners []*group, spans []Span, at int) *group {
	for i, sp := range spans {
		if sp.End >= at || at-sp.End > len(", another suspected ") {
			continue
		}
		if slices.Contains(appositionOpeners, strings.ToLower(text[sp.End:at])) {
			return owners[i]
		}
	}
	return nil
}

// headSoonAfter reports whether a noun for a group follows at, after at most
// three lower-case words ("North Korean state-backed hacking group").
func (a *analysis) headSoonAfter(v *sview, at int) bool {
	for _, c := range v.cues {
		if c.kind != kGroupHead || c.Start < at {
			continue
		}
		gap := a.text[at:c.Start]
		if len(gap) > 40 {
			return false
		}
		for _, w := range strings.Fields(gap) {
			if !isLowerCase(w) {
				return false
			}
		}
		return true
	}
	return false
}

// akaOf returns the group, among the candidates idx of the introduced name
// m, that the sentence named right before it by another name: in "FIN7,
// the crime group also known as Carbanak", Carbanak is FIN7's, though it is
// also a group's own name. It returns -1 when there is none or idx is one.
func (a *analysis) akaOf(v *sview, m mention, idx []int) int {
	if len(idx) < 2 {
		return -1
	}
	best := -1
	for _, e := range v.ents {
		if e.End > m.Start {
			break
		}
		if e.kind == kGroup && e.e != nil && !sameName(e.name, m.name) && slices.Contains(idx, int(e.ref)) {
			best = int(e.ref)
		}
	}
	return best
}

// appositiveNames returns the names set right before ", a <group noun>",
// with at most two words between the article and the noun, that are no
// known entity: the text says what they are.
func (a *analysis) appositiveNames(v *sview) []mention {
	var out []mention
	for _, c := range v.cues {
		if c.kind != kGroupHead || !appositiveHeads[a.lowerOf(c.Span)] {
			continue
		}
		// Back over up to two lower-case modifiers to the article, which
		// must follow a comma: "<name>, a [state-backed] persona". Only "a"
		// or "an": ", the threat actor" as often goes on a sentence ("On 27
		// September 2021, the threat actor ...").
		i := c.Start
		article := false
		for n := 0; n < 3 && !article; n++ {
			w, start := a.wordBefore(v, i)
			switch {
			case w == "a" || w == "an":
				article, i = true, start
			case w == "" || w == "the" || !isLowerCase(w) || n == 2:
				n = 3
			default:
				i = start
			}
		}
		if !article || i < v.s.Start+2 || a.text[i-2:i] != ", " {
			continue
		}
		// The name: up to three capitalised words, or words with digits,
		// before the comma.
		end, start := i-2, i-2
		for n := 0; n < 3; n++ {
			w, s := a.wordBefore(v, start)
			if w == "" || !(w[0] >= 'A' && w[0] <= 'Z' || w[0] >= '0' && w[0] <= '9') || isMonthOrDay(w) || allDigits(w) {
				break
			}
			start = s
		}
		sp := Span{start, end}
		if sp.End <= sp.Start || insideName(v.ents, sp) || overlapsAny(v.groupSpans, sp) {
			continue
		}
		out = append(out, mention{Span: sp, kind: kGroup, ref: -1, name: a.text[sp.Start:sp.End]})
	}
	return out
}

// appositiveHeads are the group nouns that say what a name before them is;
// "a group", "a unit" or "the team" also follow companies and places
// ("TNT Express, a unit of FedEx", "On Windows, the group ...").
var appositiveHeads = map[string]bool{"threat actor": true, "threat group": true, "hacking group": true,
	"hacking team": true, "apt group": true, "espionage group": true, "cyber espionage group": true,
	"cyberespionage group": true, "threat cluster": true, "activity cluster": true, "ransomware group": true,
	"persona": true, "hacktivist group": true, "intrusion set": true}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// wordBefore returns the word (letters, digits and inner hyphens) that ends
// right before i, past one space, and where it starts; "" when there is none.
func (a *analysis) wordBefore(v *sview, i int) (string, int) {
	e := i
	if e > v.s.Start && a.text[e-1] == ' ' {
		e--
	}
	s := e
	for s > v.s.Start && (isWordByte(a.text[s-1]) || a.text[s-1] == '-' && s-1 > v.s.Start && isWordByte(a.text[s-2])) {
		s--
	}
	return a.text[s:e], s
}

// pluralCoref reports whether the sentence points back with a plural:
// "these actors", "they", "the groups".
func (a *analysis) pluralCoref(v *sview) bool {
	for _, c := range v.cues {
		if c.kind != kCoref {
			continue
		}
		switch a.lowerOf(Span{c.Start, c.End}) {
		case "they", "their", "these actors", "the actors", "these groups", "the threat actors", "these hackers",
			"those hackers", "the hackers", "the attackers", "the defendants", "the spies", "the operators":
			return true
		}
	}
	return false
}

// headBeforeIntro reports whether a group noun stands right before the
// introducer of m: "a group known as X", "hackers dubbed X", "the threat
// actor, tracked as X", with at most a few words between.
func (a *analysis) headBeforeIntro(v *sview, m mention) bool {
	intro := -1
	for _, c := range v.cues {
		if c.kind == kIntro && c.End <= m.Start && m.Start-c.End <= 3 {
			intro = c.Start
		}
	}
	if intro < 0 {
		return false
	}
	for _, c := range v.cues {
		if c.kind != kGroupHead || c.End > intro || intro-c.End > 40 {
			continue
		}
		gap := strings.Fields(strings.ReplaceAll(a.text[c.End:intro], ",", " "))
		ok := len(gap) <= 3
		for _, w := range gap {
			if !gapWords[strings.ToLower(w)] {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// gapWords may stand between a group noun and "known as": "a group that is
// also known as", "the actor, publicly tracked as".
var gapWords = map[string]bool{"also": true, "is": true, "are": true, "was": true, "were": true, "now": true,
	"commonly": true, "widely": true, "publicly": true, "which": true, "that": true, "who": true, "being": true,
	"sometimes": true, "internally": true, "otherwise": true, "better": true, "more": true, "often": true,
	"collectively": true, "itself": true, "themselves": true, "previously": true, "formerly": true, "we": true,
	"have": true, "has": true, "had": true, "been": true, "first": true, "most": true, "and": true,
	"of": true, "activity": true}

// looksLikeName reports whether s can be a group's name: short, capitalised
// or code-like, not a sentence fragment.
func looksLikeName(s string) bool {
	if len(s) < 2 || len(s) > 40 {
		return false
	}
	// A name starts with a capital or a digit ("Tick", "APT40"), and is not
	// a file name ("hex.dll").
	if c := s[0]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80) {
		return false
	}
	if i := strings.LastIndexByte(s, '.'); i > 0 && i >= len(s)-5 {
		return false
	}
	words := strings.Fields(s)
	if len(words) > 4 {
		return false
	}
	switch strings.ToLower(s) {
	case "the", "it", "they", "this", "that", "we", "he", "she", "i":
		return false
	}
	return true
}

var corefPhrases = []string{
	"the group", "the hackers", "the actor", "the threat actor", "the attackers", "the apt", "the gang",
	"the operators", "the adversary", "the defendants", "the hacking group", "the crew", "the intruders",
	"state hackers", "it", "they", "its", "their", "the campaign", "the intrusions", "the intrusion", "the attacks",
	"the attack", "the hacks", "the hack", "the breach", "the breaches", "the activity", "the operation",
	"the cyberattack", "the cyberattacks", "the espionage campaign", "the hacking campaign", "this activity",
	"this campaign", "these attacks", "these intrusions", "these hackers", "those hackers", "the actors",
	"these actors", "the threat actors", "these groups", "the spies", "the unit", "this attack", "this cyberattack",
	"this intrusion", "this hack", "this breach", "this operation", "these operations", "these cyberattacks",
	"these campaigns", "this group", "this actor", "this threat actor",
}

// maxFrameEvidence caps the sentences kept per frame; the bundle shows fewer.
const maxFrameEvidence = 16

// appendEv adds a sentence to a frame's evidence. Sentences come in text
// order, so a repeat can only be the last one.
func appendEv(ev []Span, s Span) []Span {
	if n := len(ev); n > 0 && ev[n-1] == s || len(ev) >= maxFrameEvidence {
		return ev
	}
	return append(ev, s)
}

func appendUniq(xs []string, s string) []string {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return xs
		}
	}
	return append(xs, s)
}

func (a *analysis) hasSoftwareEntry(m mention) bool {
	return a.softwareRef(m) >= 0
}

func (a *analysis) softwareRef(m mention) int {
	for _, e := range a.x.entriesAt(a.text[m.Start:m.End]) {
		if e.kind == kSoftware {
			return int(e.ref)
		}
	}
	return -1
}

// ambiguousRefs returns every group a dictionary name may mean.
func (a *analysis) ambiguousRefs(m mention) []int {
	var out []int
	for _, e := range a.x.entriesAt(a.text[m.Start:m.End]) {
		if e.kind == kGroup {
			out = append(out, int(e.ref))
		}
	}
	if len(out) == 0 && m.ref >= 0 {
		out = append(out, int(m.ref))
	}
	return out
}

// groupFromKB returns the group for a name the reference data knows. When the
// name belongs to several groups, the one whose other names the report also
// uses wins; with no such evidence the name stays a group of its own, marked
// ambiguous, rather than being merged into one of them.
func (a *analysis) groupFromKB(idx []int, surface string) *group {
	f := a.x.facts
	if len(idx) == 0 {
		return a.groupByName(surface)
	}
	// A name that is some group's own canonical name means that group
	// ("APT38" next to "Lazarus Group" is not Lazarus).
	exact := -1
	for _, i := range idx {
		if sameName(f.Groups[i].Name, surface) {
			if exact >= 0 {
				exact = -2
				break
			}
			exact = i
		}
	}
	if exact >= 0 {
		idx = []int{exact}
	}
	if len(idx) > 1 {
		idx = a.dropCoordinated(idx, surface)
	}
	pick := idx[0]
	if len(idx) > 1 {
		best, bestScore, tie := -1, -1, false
		for _, i := range idx {
			score := 0
			g := &f.Groups[i]
			for _, al := range append([]string{g.Name}, aliasNames(g)...) {
				if !sameName(al, surface) && a.mentionsName(al) {
					score++
				}
			}
			if score > bestScore {
				best, bestScore, tie = i, score, false
			} else if score == bestScore {
				tie = true
			}
		}
		if tie || bestScore == 0 {
			g := a.groupByName(surface)
			for _, i := range idx {
				g.ambiguous = appendUniq(g.ambiguous, f.Groups[i].Name)
			}
			return g
		}
		pick = best
	}
	kg := &f.Groups[pick]
	key := "kb:" + kg.Key
	// The name as the text writes it is kept as an alias when it is written
	// differently ("CyberAv3ngers" for "Cyber Av3ngers").
	differs := !strings.EqualFold(strings.TrimSpace(surface), kg.Name)
	if g, ok := a.groups[key]; ok {
		if differs {
			g.textNames = appendUniq(g.textNames, surface)
		}
		return g
	}
	g := &group{key: key, name: kg.Name, kbIndex: pick, origins: map[string][]Span{}}
	if differs {
		g.textNames = appendUniq(g.textNames, surface)
	}
	a.groups[key] = g
	a.groupList = append(a.groupList, g)
	return g
}

// dropCoordinated removes from the candidates idx of the name surface each
// group that the text names side by side with it: "Lazarus and Andariel"
// speaks of two groups, so Andariel is not Lazarus's alias here. It returns
// idx when that would leave none.
func (a *analysis) dropCoordinated(idx []int, surface string) []int {
	low := strings.ToLower(surface)
	if a.joinAnd(); !a.andNames[low] {
		return idx // the text joins this name to no other
	}
	var out []int
	for _, i := range idx {
		g := &a.x.facts.Groups[i]
		side := false
		for _, al := range append([]string{g.Name}, aliasNames(g)...) {
			if !sameName(al, surface) && a.coordinated(strings.ToLower(al), low) {
				side = true
				break
			}
		}
		if !side {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		return idx
	}
	return out
}

// coordinated reports whether the text joins the lower-case group names x
// and y by "and", in either order, outside a list of aliases ("tracked as
// APT43, Velvet Chollima and Emerald Sleet"). "Or" and commas as often list
// aliases, so they do not count. The pairs come from the group names the
// dictionary found, once per text.
func (a *analysis) coordinated(x, y string) bool {
	a.joinAnd()
	return a.andPairs[[2]string{x, y}]
}

// joinAnd reads, once per text, the pairs of group names the text joins by
// "and" outside a list of aliases (see coordinated).
func (a *analysis) joinAnd() {
	if a.andPairs == nil {
		a.andPairs = map[[2]string]bool{}
		a.andNames = map[string]bool{}
		var prev *mention
		for i := range a.ents {
			m := &a.ents[i]
			if m.kind != kGroup {
				continue
			}
			if prev != nil && prev.End <= m.Start && strings.EqualFold(a.text[prev.End:m.Start], " and ") {
				before := a.lowerOf(Span{max(0, prev.Start-80), prev.Start})
				if k := strings.LastIndexAny(before, ".\n"); k >= 0 {
					before = before[k+1:]
				}
				if !containsAny(before, aliasListCues) {
					p, q := a.lowerOf(prev.Span), a.lowerOf(m.Span)
					a.andPairs[[2]string{p, q}] = true
					a.andPairs[[2]string{q, p}] = true
					a.andNames[p], a.andNames[q] = true, true
				}
			}
			prev = m
		}
	}
}

// aliasListCues are words that open a list of a group's other names.
var aliasListCues = []string{" as ", "aka", "a.k.a", "called", "dubbed", "named", "alias", "(", "names"}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func aliasNames(g *kb.Group) []string {
	out := make([]string, 0, len(g.Aliases))
	for _, al := range g.Aliases {
		out = append(out, al.Name)
	}
	return out
}

// mentionsName reports whether the text names n as a group name.
func (a *analysis) mentionsName(n string) bool {
	if len(n) < 3 {
		return false
	}
	if a.groupSurfaces == nil {
		a.groupSurfaces = map[string]bool{}
		for _, m := range a.ents {
			if m.kind == kGroup {
				a.groupSurfaces[a.lowerOf(Span{m.Start, m.End})] = true
			}
		}
	}
	// Aliases are looked up by the dozen for each mention.
	g, _ := getFold(a.groupSurfaces, n)
	return g
}

// getFold returns m[strings.ToLower(s)]. The lower case of an ASCII key is
// made in a stack buffer: a map look-up with string(bytes) makes no string.
func getFold[V any](m map[string]V, s string) (V, bool) {
	var buf [64]byte
	if b, ok := appendLowerASCII(buf[:0], s); ok {
		v, found := m[string(b)]
		return v, found
	}
	v, found := m[strings.ToLower(s)]
	return v, found
}

// appendLowerASCII appends the lower case of s to b when s is ASCII, and
// reports whether it was.
func appendLowerASCII(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return b, false
		}
		b = append(b, lowerByte(c))
	}
	return b, true
}

// groupByName returns the group for a name the reference data does not know.
func (a *analysis) groupByName(name string) *group {
	name = strings.TrimSpace(strings.Trim(name, "\"'"))
	key := "text:" + normName(name)
	if g, ok := a.groups[key]; ok {
		return g
	}
	g := &group{key: key, name: name, kbIndex: -1, origins: map[string][]Span{}}
	a.groups[key] = g
	a.groupList = append(a.groupList, g)
	return g
}

// readCountries records every country mention, for located-at targets.
func (a *analysis) readCountries(v *sview) {
	for _, m := range v.ents {
		if m.kind == kCountry {
			iso := a.x.dict.countries[m.ref].ISO2
			a.countries[iso] = appendEv(a.countries[iso], v.s.Span)
		}
	}
}

// sincePhrases come before the year a thing began, rangePhrases before the
// first year of two.
var (
	sincePhrases = []string{"since ", "dates back to ", "date back to ", "dating back to ", "began in ", "begun in ", "started in ", "starting in ", "beginning in ", "active in ", "as early as ", "first seen in ", "first observed in ", "emerged in ", "operating since ", "active since "}
	rangePhrases = []string{"between ", "from "}

	timePhraseList = append(append([]string{}, sincePhrases...), rangePhrases...)
	timePhrases    = newPhrases(false, timePhraseList...)
)

// readTimes finds "since at least 2013", "between 2011 and 2018", "began in
// 2016" and gives them to the groups of the sentence.
func (a *analysis) readTimes(v *sview, groups []*group) {
	if !hasYear(a.text[v.s.Start:v.s.End]) {
		return
	}
	l := v.low(a)
	// life marks a date of the group's own life ("active since 2012"),
	// which dates the group, never a campaign.
	type found struct {
		from, to int
		life     bool
	}
	var fs []found
	year := func(s string) int {
		if len(s) < 4 {
			return 0
		}
		y, err := strconv.Atoi(s[:4])
		if err != nil || y < 1980 || y > 2100 || (len(s) > 4 && isWordByte(s[4])) {
			return 0
		}
		return y
	}
	after := func(i int) string {
		s := l[i:]
		for _, p := range []string{"at least ", "as early as ", "early ", "late ", "mid-", "mid ", "the end of ", "the beginning of ", "the start of ", "around ", "about ", "approximately "} {
			s = strings.TrimPrefix(s, p)
		}
		// Month names before the year.
		for _, mth := range []string{"january ", "february ", "march ", "april ", "may ", "june ", "july ", "august ", "september ", "october ", "november ", "december "} {
			s = strings.TrimPrefix(s, mth)
		}
		return s
	}
	hits := timePhrases.hits(l, nil)
	for _, h := range hits {
		if h.phrase >= len(sincePhrases) {
			continue
		}
		p := sincePhrases[h.phrase]
		if y := year(after(h.at + len(p))); y > 0 {
			fs = append(fs, found{y, 0, lifeDate(p, l[:h.at])})
		}
	}
	for _, h := range hits {
		if h.phrase < len(sincePhrases) {
			continue
		}
		s := after(h.at + len(timePhraseList[h.phrase]))
		y1 := year(s)
		if y1 == 0 {
			continue
		}
		rest := s[4:]
		for _, sep := range []string{" and ", " to ", " through ", " until ", " till ", "-", " - "} {
			if strings.HasPrefix(rest, sep) {
				r := strings.TrimPrefix(rest, sep)
				r = after(len(l) - len(r))
				if y2 := year(r); y2 >= y1 {
					fs = append(fs, found{y1, y2, false})
				}
				break
			}
		}
	}
	if len(fs) == 0 {
		return
	}
	// One named wave, not "campaigns since 2009" in general.
	campaignWord := containsWord(l, "campaign") || containsWord(l, "wave") || containsWord(l, "operation")
	what := strings.TrimSpace(a.text[v.s.Start:v.s.End])
	var by *party
	if len(v.claimants) > 0 {
		by = v.claimants[0]
	} else if len(a.lastClaimant) > 0 && v.s.Para-a.lastClaimPar <= 3 {
		by = a.lastClaimant[0]
	}
	for _, f := range fs {
		campaign := campaignWord && !f.life
		if len(groups) == 0 {
			a.times = append(a.times, timeRange{what: what, from: f.from, to: f.to, campaign: campaign, ev: v.s.Span})
			continue
		}
		for _, g := range groups {
			if g.firstSeen == 0 || f.from < g.firstSeen {
				g.firstSeen = f.from
			}
			if f.to > g.lastSeen {
				g.lastSeen = f.to
			}
			a.times = append(a.times, timeRange{by: by, group: g, what: what, from: f.from, to: f.to, campaign: campaign, ev: v.s.Span})
		}
	}
}

// containsWord reports whether w stands in s as a whole word.
func containsWord(s, w string) bool {
	for at := range indexes(s, w) {
		if boundaryOK(s, at, at+len(w)) {
			return true
		}
	}
	return false
}

// lifeDate reports whether the date phrase p, after the text before,
// dates a group's life rather than an event: "active since", "has been
// operating since", "emerged in".
func lifeDate(p, before string) bool {
	// "the campaign has been active since January 2023": the life of a
	// campaign. The nearest noun before the phrase tells whose life.
	near := before[max(0, len(before)-80):]
	lastOf := func(ws ...string) int {
		best := -1
		for _, w := range ws {
			best = max(best, strings.LastIndex(near, w))
		}
		return best
	}
	if lastOf("campaign", "wave", "operation") > lastOf("group", "actor", "hackers", "apt", "gang", "team") {
		return false
	}
	switch p {
	case "active in ", "first seen in ", "first observed in ", "emerged in ", "operating since ", "active since ":
		return true
	}
	before = strings.TrimSuffix(strings.TrimRight(before, " "), " at least")
	for _, w := range []string{"active", "operating", "operational", "around", "existed", "existence", "in operation", "tracked"} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return false
}

// readUses links malware, tools and techniques to the groups in focus.
func (a *analysis) readUses(v *sview, groups []*group) {
	for i, m := range v.ents {
		switch m.kind {
		case kSoftware:
			// One name, one software: where several families share a
			// name, the one it names first, else the ATT&CK one.
			if i > 0 && v.ents[i-1].kind == kSoftware && v.ents[i-1].Span == m.Span {
				continue
			}
			// A name read as a group is not also its malware ("OceanLotus").
			if overlapsAny(v.groupSpans, m.Span) {
				continue
			}
			m.ref = int32(a.bestSoftware(v.ents[i:], m))
			if m.e != nil && m.e.weak && !a.softwareContext(v, m) {
				continue
			}
			// A plain capitalised word followed by another ("Deputy Attorney
			// General") is part of a longer name, unless the words around it
			// say it is software.
			if m.e != nil && isPlainCapWord(m.name) && a.nextIsCap(m.End, v.s.End) && !a.softwareContext(v, m) {
				continue
			}
			a.addUse(v, groups, kSoftware, int(m.ref), m)
		case kTechnique:
			a.addUse(v, groups, kTechnique, int(m.ref), m)
		}
	}
	// Phrases that describe a technique (range reads v.ents once, so what
	// addUse appends is not visited).
	for _, m := range v.ents {
		if m.kind == kTechCue && !a.webInjection(v, m) {
			a.addUse(v, groups, kTechnique, int(m.ref), m)
		}
	}
	a.newSoftware(v, groups)
	// A CVE in a client application is exploitation for client execution.
	if a.hasCue(v, kClientApp) && strings.Contains(a.text[v.s.Start:v.s.End], "CVE-") {
		for _, c := range v.cues {
			if c.kind == kClientApp {
				a.addUseID(v, groups, "T1203", mention{Span: c.Span})
				break
			}
		}
	}
	// "sent e-mails with malicious TAR file attachments": phishing with
	// attachments though no word for phishing is there.
	if a.hasCue(v, kAttachment) {
		if seg := a.text[v.s.Start:v.s.End]; (strings.Contains(seg, "e-mails") || strings.Contains(seg, "emails")) && strings.Contains(seg, "sent ") {
			a.addUseID(v, groups, "T1566.001", mention{Span: v.s.Span})
		}
	}
	// Phishing with attachments or links is the sub-technique.
	for _, m := range v.ents {
		if (m.kind == kTechCue || m.kind == kTechnique) && a.x.facts.Techniques[m.ref].ID == "T1566" {
			l := v.low(a)
			next := a.mailSentenceAfter(v)
			// "phishing e-mails with macro-enabled Excel documents" carry
			// them; "e-mails with links to documents" do not.
			attached := strings.Contains(l, " document") && !strings.Contains(l, " link")
			if strings.Contains(l, "attachment") || attached || strings.Contains(next, "attachment") || strings.Contains(next, " document") {
				a.addUseID(v, groups, "T1566.001", m)
			}
			if strings.Contains(l, " link") || strings.Contains(l, " url") || strings.Contains(next, " link") {
				a.addUseID(v, groups, "T1566.002", m)
			}
			break
		}
	}
}

// webInjection reports whether a word of injecting puts code into web
// pages ("JavaScript injected into the websites of the targets"): that is a
// watering hole, not process injection.
func (a *analysis) webInjection(v *sview, m mention) bool {
	if !strings.HasPrefix(a.lowerOf(m.Span), "inject") {
		return false
	}
	after := a.lowerOf(Span{m.End, min(v.s.End, m.End+40)})
	return strings.Contains(after, "website") || strings.Contains(after, "web page") || strings.Contains(after, "webpage") ||
		strings.Contains(after, " site")
}

// mailSentenceAfter returns, in lower case, the sentence after v when it
// goes on about the messages ("The e-mails carried RTF documents"), or "".
func (a *analysis) mailSentenceAfter(v *sview) string {
	if v.i+1 >= len(a.sents) {
		return ""
	}
	s := a.sents[v.i+1].Span
	l := a.lowerOf(s)
	for _, p := range [...]string{"the e-mails ", "the emails ", "these e-mails ", "these emails ", "the messages ", "the phishing e-mails ", "the phishing emails "} {
		if strings.HasPrefix(strings.TrimLeft(l, "- "), p) {
			return l
		}
	}
	return ""
}

// softwareIntroList introduce the names of new malware after a malware word
// ("a backdoor we call ..."), as written: in lower case.
var (
	softwareIntroList = []string{"we call ", "we named ", "we have named ", "we dubbed ", "dubbed ", "called ", "named ", "known as ",
		"including ", "such as ", "families: ", "tools: ", "we track as ", "tracked as ", "tracks as ", "it calls ", "they call ",
		"it has named ", "it has dubbed "}
	softwareIntros = newPhrases(true, softwareIntroList...)
)

// newSoftware finds malware the text names that the reference data does not
// know: "a new backdoor we have named MQsTTang", "malware families including
// CaddyWiper, ORCSHRED and SOLOSHRED".
func (a *analysis) newSoftware(v *sview, groups []*group) {
	// Cheap test first: a word for malware in the sentence at all.
	if !a.hasCue(v, kMalWord) {
		return
	}
	low := a.text[v.s.Start:v.s.End] // the introducers are written in lower case
	var intros []phraseHit
	if a.hasCue(v, kSoftIntro) { // the dictionary saw one: look where
		intros = softwareIntros.hits(low, nil)
	}
	for _, h := range intros {
		at := h.at
		off := at + len(softwareIntroList[h.phrase])
		before := low[max(0, at-40):at]
		if !mentionsMalwareWord(before) {
			continue
		}
		// A verb that names ("tracks as", "dubbed") makes a plain word a
		// name; a list ("including", "such as") needs a distinctive one.
		naming := namingIntro(softwareIntroList[h.phrase])
		for _, nm := range readNames(a.text[v.s.Start:v.s.End], off) {
			name := a.text[v.s.Start+nm.Start : v.s.Start+nm.End]
			sp := Span{v.s.Start + nm.Start, v.s.Start + nm.End}
			plain := naming && isPlainCapWord(name) && !isStopCap(name) && !notFamilyNames[name]
			if !distinctiveName(name) && !capitalisedWords(name) && !plain || a.knownName(v, sp) {
				continue
			}
			a.addUse(v, groups, kSoftware, a.textSoftwareRef(name), mention{Span: sp, name: name})
		}
	}
	a.softwareBeforeNoun(v, groups)
	a.softwareAfterNoun(v, groups)
}

// namingIntro reports whether a software introducer names what follows
// rather than lists it.
func namingIntro(p string) bool {
	return strings.Contains(p, "track") || strings.Contains(p, "call") || strings.Contains(p, "dub") || strings.Contains(p, "name")
}

// afterNounList are plural words for malware after which a text lists
// names: "the tools Mimikatz and PsExec".
var (
	afterNounList = []string{"tools ", "backdoors ", "implants ", "loaders ", "utilities ", "families ", "trojans ", "wipers ",
		"loader ", "backdoor ", "implant ", "dropper ", "downloader ", "stealer ", "wiper "}
	afterNouns = newPhrases(true, afterNounList...)
)

// softwareAfterNoun reads a list of names set after a plural word for
// software: "the publicly available tools Weevly, Chisel and Impacket",
// "the backdoors Kapeka and GossipFlow". A list item that runs on in lower
// case ("LSASS memory dumping") is a description, not a name.
func (a *analysis) softwareAfterNoun(v *sview, groups []*group) {
	if !a.hasCue(v, kListNoun) { // the dictionary saw none of the nouns
		return
	}
	seg := a.text[v.s.Start:v.s.End]
	for _, h := range afterNouns.hits(seg, nil) {
		noun := afterNounList[h.phrase]
		at := h.at + len(noun)
		if at >= len(seg) || seg[at] < 'A' || seg[at] > 'Z' || at > len(noun) && isWordByte(seg[at-len(noun)-1]) {
			continue
		}
		for _, nm := range readNames(seg, at) {
			if rest := seg[nm.End:]; len(rest) > 1 && rest[0] == ' ' && rest[1] >= 'a' && rest[1] <= 'z' && !strings.HasPrefix(rest, " and ") && !strings.HasPrefix(rest, " or ") {
				continue
			}
			name := seg[nm.Start:nm.End]
			sp := Span{v.s.Start + nm.Start, v.s.Start + nm.End}
			if strings.Contains(name, " ") || isStopCap(name) || notFamilyNames[name] || a.knownName(v, sp) {
				continue
			}
			// After a singular noun ("its loader NightDuck") only a name
			// written as one counts: "the backdoor Sends data" is a verb.
			if !strings.HasSuffix(noun, "s ") && !distinctiveName(name) {
				continue
			}
			a.useNewSoftware(v, groups, name, sp, noun == "tools " || noun == "utilities ")
		}
	}
}

// softwareBeforeNoun finds new names used as the modifiers of a word for
// malware: "the UltraVNC remote administration tool", "the Apostle and
// Fantasy wipers". A distinctive name (inner capitals or digits) counts
// before any such word; a plain capitalised word only before a word that
// names a family of malicious code (backdoor, wiper, implant ...), since
// "the Windows malware" or "the Python tool" names a platform.
func (a *analysis) softwareBeforeNoun(v *sview, groups []*group) {
	toks := v.tokens(a)
	// The malware words are dictionary cues: visit their tokens alone.
	for _, c := range v.cues {
		if c.kind != kMalWord {
			continue
		}
		n := sort.Search(len(toks), func(i int) bool { return toks[i].Start >= c.Start })
		if n == 0 || n == len(toks) || toks[n].Start != c.Start {
			continue
		}
		noun := toks[n].text
		// A word for malware of two words: "ANTSWORD and BLUEBEAM web shells".
		if toks[n].End != c.End {
			noun = a.lowerOf(c.Span)
		}
		// "the Ragnatela RAT": the acronym is the word in capitals.
		if noun == "RAT" || noun == "RATs" {
			noun = strings.ToLower(noun)
		}
		if !malwareWordSet[noun] {
			continue
		}
		strong := familyWords[noun]
		// "PteroStew, a VBScript downloader": a name set before the noun in
		// apposition.
		if sp, ok := appositiveSoftware(toks, n); ok && !a.knownName(v, sp) {
			a.useNewSoftware(v, groups, a.text[sp.Start:sp.End], sp, toolWords[noun])
			continue
		}
		// "a malicious loader, YouieLoad, that ...": a code name set after
		// the noun in apposition.
		if sp, ok := softwareAfterComma(toks, n); ok && !a.knownName(v, sp) {
			a.useNewSoftware(v, groups, a.text[sp.Start:sp.End], sp, toolWords[noun])
		}
		// Back over up to three lower-case modifiers ("remote
		// administration"), then over the names and their "and" or commas.
		k := n - 1
		for m := 0; m < 3 && k >= 0 && toks[k].isWord() && isLowerCase(toks[k].text) && !malwareWordSet[toks[k].text] && toks[k].text != "and"; m++ {
			k--
		}
		// "its own Wasabi Arsenal implant": two capitalised words after a
		// possessive are the name of the owner's malware.
		if k >= 2 && (toks[k-2].text == "its" || toks[k-2].text == "their" || toks[k-2].text == "own") &&
			twoWordName(toks[k-1], toks[k]) && !a.knownName(v, Span{toks[k-1].Start, toks[k].End}) {
			sp := Span{toks[k-1].Start, toks[k].End}
			a.useNewSoftware(v, groups, a.text[sp.Start:sp.End], sp, toolWords[noun])
			continue
		}
		// Names, one word each, joined by "and" or commas: "the Apostle and
		// Fantasy wipers". Two capitalised words in a row are one longer
		// name ("Harbor Valley Water Authority"), not a family's.
		for named := 0; k > 0; k-- {
			t := toks[k]
			if (t.text == "and" || t.text == ",") && named > 0 {
				continue
			}
			if !t.isWord() || !t.isCap() || toks[k-1].isWord() && toks[k-1].isCap() || t.Start > 0 && a.text[t.Start-1] == '.' {
				break
			}
			name := t.text
			// Short acronyms ("the PE loader") and compounds
			// ("Dll-Sideloading") are kinds and formats, not families.
			if strings.Contains(name, "-") || len(name) < 4 && t.isAllCaps() {
				break
			}
			// In a headline every word has a capital: "in Widespread RAT
			// Campaigns" names no family; nor does the first word of a
			// sentence ("Cyber criminals who enable ransomware").
			if notFamilyNames[name] || !distinctiveName(name) && (!strong || isStopCap(name) || a.titleCase(v) || sentenceInitial(a.text, v.s.Start, t.Start)) {
				break
			}
			named++
			if a.knownName(v, t.Span) {
				continue
			}
			a.useNewSoftware(v, groups, name, t.Span, toolWords[noun])
		}
	}
}

// softwareAfterComma returns the code name set off by commas right after the
// malware word at n, when an article opens the noun phrase: "a malicious
// loader, YouieLoad, through". Only a distinctive name counts: after "a
// backdoor, Windows ..." the next words start a new clause.
func softwareAfterComma(toks []token, n int) (Span, bool) {
	if n+3 >= len(toks) || toks[n+1].text != "," {
		return Span{}, false
	}
	t, after := toks[n+2], toks[n+3].text
	if !t.isWord() || !distinctiveName(t.text) || t.isAllCaps() && len(t.text) < 4 || after != "," && after != "." {
		return Span{}, false
	}
	k := n - 1
	for m := 0; m < 2 && k >= 0 && toks[k].isWord() && isLowerCase(toks[k].text) && toks[k].text != "a" && toks[k].text != "an"; m++ {
		k--
	}
	if k < 0 || toks[k].text != "a" && toks[k].text != "an" {
		return Span{}, false
	}
	return t.Span, true
}

// sentenceInitial reports whether the word at at opens the sentence that
// starts at start, after at most an opening quote or bracket.
func sentenceInitial(text string, start, at int) bool {
	return strings.Trim(text[start:at], "\"'“‘( ") == ""
}

// twoWordName reports whether t and u are two capitalised words that can
// make a name: neither a function word, a platform or a kind.
func twoWordName(t, u token) bool {
	for _, w := range [2]token{t, u} {
		if !w.isWord() || !w.isCap() || isStopCap(w.text) || notFamilyNames[w.text] || strings.Contains(w.text, "-") {
			return false
		}
	}
	return true
}

// appositiveSoftware finds the name in "<Name>, a [modifiers] <noun>", where
// toks[n] is the noun and at most two modifiers, in lower case or words
// for a language or format, stand between. The name must be distinctive:
// one word with a capital inside it or a digit, as families are named.
func appositiveSoftware(toks []token, n int) (Span, bool) {
	k := n - 1
	for m := 0; m < 2 && k >= 0 && toks[k].isWord() && (isLowerCase(toks[k].text) && toks[k].text != "a" && toks[k].text != "an" || notFamilyNames[toks[k].text] || basedOn(toks[k].text)); m++ {
		k--
	}
	if k < 2 || toks[k].text != "a" && toks[k].text != "an" || toks[k-1].text != "," {
		return Span{}, false
	}
	t := toks[k-2]
	if !t.isWord() || !t.isCap() || notFamilyNames[t.text] || isStopCap(t.text) {
		return Span{}, false
	}
	// Two capitalised words before "a ... malware family" or a word for a
	// family are one name: "Infamous Chisel, a new mobile malware family".
	if k >= 4 && toks[k-3].isWord() && toks[k-3].isCap() && !(k >= 5 && toks[k-4].isWord() && toks[k-4].isCap()) &&
		!isStopCap(toks[k-3].text) && !nameHeads[strings.ToLower(toks[k-3].text)] &&
		(familyWords[toks[n].text] || n+1 < len(toks) && (toks[n+1].text == "family" || toks[n+1].text == "families")) {
		return Span{toks[k-3].Start, t.End}, true
	}
	if !distinctiveName(t.text) {
		return Span{}, false
	}
	// One word: "the Windows host Foo, a loader" names no family in "host Foo".
	if k >= 3 && toks[k-3].isWord() && toks[k-3].isCap() {
		return Span{}, false
	}
	return t.Span, true
}

// basedOn reports whether a word says what a thing is built on: "Lua-based",
// "Go-based".
func basedOn(w string) bool {
	return strings.HasSuffix(w, "-based") || strings.HasSuffix(w, "-written")
}

// useNewSoftware records software the reference data does not know, named
// at sp, as used by groups; tool says the text calls it a tool rather than
// malware.
func (a *analysis) useNewSoftware(v *sview, groups []*group, name string, sp Span, tool bool) {
	a.addUse(v, groups, kSoftware, a.textSoftwareRef(name), mention{Span: sp, name: name})
	if tool {
		if a.textTools == nil {
			a.textTools = map[string]bool{}
		}
		a.textTools[name] = true
	}
}

// toolWords name legitimate software put to use, a STIX tool.
var toolWords = map[string]bool{"tool": true, "tools": true, "utility": true, "framework": true}

// familyWords name a family of malicious code; a capitalised word right
// before one is its name ("the Apostle wiper").
var familyWords = map[string]bool{"backdoor": true, "backdoors": true, "wiper": true, "wipers": true,
	"implant": true, "implants": true, "loader": true, "loaders": true, "rootkit": true, "dropper": true,
	"droppers": true, "downloader": true, "stealer": true, "stealers": true, "trojan": true, "trojans": true,
	"ransomware": true, "rat": true, "rats": true}

// notFamilyNames are capitalised words that stand before a word for malware
// without naming it: platforms, languages and kinds.
var notFamilyNames = map[string]bool{"Windows": true, "Linux": true, "Android": true, "Unix": true, "Mac": true,
	"Python": true, "PowerShell": true, "Java": true, "Go": true, "Golang": true, "Rust": true, "Office": true,
	"Remote": true, "Access": true, "New": true, "Custom": true, "Modular": true, "Web": true, "Android-based": true,
	"Russian": true, "Chinese": true, "Iranian": true, "Korean": true, "North": true, "Known": true, "First": true,
	// Languages and formats: "a VBScript downloader", "a JavaScript loader".
	"VBScript": true, "JavaScript": true, "JScript": true, "TypeScript": true, "Delphi": true, "Perl": true,
	"Ruby": true, "Lua": true, "Kotlin": true, "Swift": true, "macOS": true, "iOS": true, "ELF": true,
	"AutoIt": true, "AutoHotkey": true, "Excel": true, "Word": true, "Outlook": true, "Nim": true}

// malwareWords are words for malware and tools.
var malwareWords = []string{"malware", "backdoor", "backdoors", "wiper", "wipers", "loader", "loaders", "implant",
	"implants", "ransomware", "dropper", "droppers", "stealer", "stealers", "trojan", "trojans", "rat", "rats", "tool",
	"tools", "families", "family", "variant", "variants", "rootkit", "downloader", "webshell", "web shell", "webshells", "web shells", "payload",
	"payloads", "strain", "strains", "spyware", "botnet", "worm", "keylogger"}

// malwareWordSet holds malwareWords, for looking up tokens.
var malwareWordSet = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range malwareWords {
		m[w] = true
	}
	return m
}()

func mentionsMalwareWord(s string) bool {
	for _, w := range malwareWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// distinctiveName reports whether a name looks like a code name: inner
// capitals, all capitals, or digits ("MQsTTang", "ORCSHRED", "Industroyer2").
func distinctiveName(s string) bool {
	if len(s) < 4 || strings.Contains(s, " ") {
		return false
	}
	upper, inner := 0, false
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			upper++
			if i > 0 {
				inner = true
			}
		}
		if r >= '0' && r <= '9' && i > 0 {
			inner = true
		}
	}
	return inner || upper == len(s)
}

// capitalisedWords reports whether s is two or three capitalised words, as
// a name given outright is written: "a new wiper we call Partition Wiper".
func capitalisedWords(s string) bool {
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 3 {
		return false
	}
	for _, w := range words {
		if !isUpperASCII(w[0]) || isStopCap(w) {
			return false
		}
	}
	return true
}

// knownName reports whether sp is already a name the tables know.
func (a *analysis) knownName(v *sview, sp Span) bool {
	for _, m := range v.ents {
		if m.Start < sp.End && sp.Start < m.End && m.kind != kTechCue && m.kind != kSector {
			return true
		}
	}
	return false
}

func (a *analysis) textSoftwareRef(name string) int {
	for i, n := range a.textSoftware {
		if n == name {
			return textSoftwareBase + i
		}
	}
	a.textSoftware = append(a.textSoftware, name)
	return textSoftwareBase + len(a.textSoftware) - 1
}

// addUseID adds a technique use by ATT&CK id.
func (a *analysis) addUseID(v *sview, groups []*group, id string, m mention) {
	if i, ok := a.x.techIndex[id]; ok {
		a.addUse(v, groups, kTechnique, i, m)
	}
}

// addUse records that the groups of the sentence, else the group in focus,
// use the software or technique ref (of kind k) that m names.
func (a *analysis) addUse(v *sview, groups []*group, k kind, ref int, m mention) {
	if ref < 0 {
		return
	}
	if len(groups) == 0 && a.focus != nil {
		groups = []*group{a.focus}
	}
	if len(groups) == 0 {
		groups = []*group{nil}
	}
	for _, g := range groups {
		gk := ""
		if g != nil {
			gk = g.key
		}
		// The key is built in a stack buffer: a lookup with string(key)
		// does not allocate, and most uses repeat one already seen.
		var buf [64]byte
		key := append(append(buf[:0], gk...), '|')
		key = append(strconv.AppendInt(key, int64(k), 10), '|')
		key = strconv.AppendInt(key, int64(ref), 10)
		u := a.uses[string(key)]
		if u == nil {
			u = &useRel{group: g, kind: k, ref: ref}
			u.ev = u.ev0[:0]
			a.uses[string(key)] = u
		}
		u.ev = appendEv(u.ev, v.s.Span)
		if k == kSoftware && m.name != "" {
			u.names = appendUniq(u.names, m.name)
		}
	}
}

// inClaimant reports whether sp overlaps the sentence's claimants.
func (v *sview) inClaimant(sp Span) bool {
	for _, c := range v.claimantSpans {
		if sp.Start < c.End && c.Start < sp.End {
			return true
		}
	}
	return false
}

// low returns the sentence in lower case, computed once. Its offsets are
// those of the sentence: searches of it cut the text where they find a
// phrase, so in a text where some character's lower case has another
// length, that character stays as it is.
func (v *sview) low(a *analysis) string {
	if v.lower == "" {
		if a.lowerAligned {
			v.lower = a.lowerOf(v.s.Span)
		} else {
			v.lower, _ = lowerKeepLength(a.text[v.s.Start:v.s.End])
		}
	}
	return v.lower
}

// hasYear reports whether s holds a year from 1980 to 2099.
func hasYear(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		// No year starts in eight bytes that hold no digit.
		if i+8 <= len(s) {
			if x := swar.Load(s, i); swar.Between(x, '0', '9')&swar.ASCII(x) == 0 {
				i += 7
				continue
			}
		}
		// A year starting at i, i+1, i+2 or i+3 has a digit at i+3: where
		// there is none, as mostly in prose, skip all four.
		if !isDigit(s[i+3]) {
			i += 3
			continue
		}
		c := s[i]
		if (c == '1' && s[i+1] == '9' || c == '2' && s[i+1] == '0') && isDigit(s[i+2]) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// malwareIntro reports whether an introduced name follows a malware word:
// "a backdoor known as WellMess".
func (a *analysis) malwareIntro(v *sview, m mention) bool {
	before := a.lowerOf(Span{max(v.s.Start, m.Start-45), m.Start})
	for _, k := range []string{"malware", "backdoor", "trojan", "rat ", "loader", "implant", "ransomware", "tool",
		"dropper", "stealer", "botnet", "wiper", "downloader", "web shell", "webshell", "rootkit", "worm", "spyware", "variant", "payload", "exploit"} {
		if strings.Contains(before, k) {
			return true
		}
	}
	return false
}

// softwareByName returns the index of the software called name, or -1.
func (a *analysis) softwareByName(name string) int {
	for _, e := range a.x.entriesAt(name) {
		if e.kind == kSoftware {
			return int(e.ref)
		}
	}
	return -1
}

// isPlainCapWord reports whether s is one capitalised word of letters with
// no inner capitals or digits ("Deputy", not "PlugX").
func isPlainCapWord(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// nextIsCap reports whether the word after position i starts with a capital.
func (a *analysis) nextIsCap(i, end int) bool {
	if i+1 >= end || a.text[i] != ' ' {
		return false
	}
	c := a.text[i+1]
	return c >= 'A' && c <= 'Z'
}

// gangAfter reports whether a group noun follows m: "DarkSide ransomware
// gang", "Conti group", "LockBit operators".
func (a *analysis) gangAfter(v *sview, m mention) bool {
	rest := a.text[m.End:min(v.s.End, m.End+30)]
	rest = strings.TrimPrefix(rest, " ransomware")
	for _, h := range []string{" group", " gang", " operators", " crew", " affiliates", " cartel", " threat actors", " threat actor", " actors"} {
		if strings.HasPrefix(rest, h) && (len(rest) == len(h) || !isWordByte(rest[len(h)])) {
			return true
		}
	}
	return false
}

// insideName reports whether sp lies within a name longer than it.
func insideName(ents []mention, sp Span) bool {
	for _, m := range ents {
		switch m.kind {
		case kCountry, kBody, kGroup, kSoftware, kRegion:
			if m.Start <= sp.Start && sp.End <= m.End && m.End-m.Start > sp.End-sp.Start {
				return true
			}
		}
	}
	return false
}

// tokens returns the sentence's tokens, made on first use.
func (v *sview) tokens(a *analysis) []token {
	if !v.toksDone {
		*v.tokBuf = tokenize(a.text, v.s.Span, *v.tokBuf)
		v.toks = *v.tokBuf
		v.toksDone = true
	}
	return v.toks
}

// bestSoftware picks, among the software mentions at the span of first (at
// the start of ms), the one whose own name is the name written, else one
// ATT&CK knows, else the first.
func (a *analysis) bestSoftware(ms []mention, first mention) int {
	best, bestScore := int(first.ref), -1
	for _, m := range ms {
		if m.Span != first.Span {
			break
		}
		if m.kind != kSoftware {
			continue
		}
		sw := &a.x.facts.Software[m.ref]
		score := 0
		if strings.EqualFold(sw.Name, first.name) {
			score += 2
		}
		if sw.AttackID != "" {
			score++
		}
		if score > bestScore {
			best, bestScore = int(m.ref), score
		}
	}
	return best
}

func overlapsAny(spans []Span, sp Span) bool {
	for _, s := range spans {
		if s.Start < sp.End && sp.Start < s.End {
			return true
		}
	}
	return false
}

// isLowerCase reports whether s == strings.ToLower(s), without making the
// lower-case copy for ASCII.
func isLowerCase(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return s == strings.ToLower(s)
		}
		if 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// dropEmbeddedNames returns the sentence's mentions without the one-word
// names of groups and software that stand inside a longer proper name the
// dictionary does not know: "Silence" in "Sichuan Silence Information
// Technology" is no crime gang. A headline, all in capitals, is left alone.
func (a *analysis) dropEmbeddedNames(v *sview) []mention {
	var out []mention
	for i, m := range v.ents {
		if !a.embeddedName(v, m) {
			if out != nil {
				out = append(out, m)
			}
			continue
		}
		if a.titleCase(v) {
			return v.ents
		}
		if out == nil {
			out = append(make([]mention, 0, len(v.ents)), v.ents[:i]...)
		}
	}
	if out == nil {
		return v.ents
	}
	return out
}

// embeddedName reports whether the dictionary's one-word group or software
// name m has a capitalised plain word right before it (one that is no
// entity or function word) or right after it (no word for a group or for
// malware): then the two are one longer name.
func (a *analysis) embeddedName(v *sview, m mention) bool {
	if m.e == nil || m.kind != kGroup && m.kind != kSoftware || !plainWord(a.text[m.Start:m.End]) {
		return false
	}
	if k := m.Start - 1; k > v.s.Start && a.text[k] == ' ' {
		j := k
		for j > v.s.Start && isASCIILetter(a.text[j-1]) {
			j--
		}
		w := a.text[j:k]
		edge := j == v.s.Start || a.text[j-1] == ' ' || a.text[j-1] == '(' || a.text[j-1] == '"'
		if edge && len(w) >= 2 && isUpperASCII(w[0]) && !isStopCap(w) && !a.entityOver(v, Span{j, k}) {
			return true
		}
	}
	if k := m.End + 1; k < v.s.End && a.text[m.End] == ' ' {
		j := k
		for j < v.s.End && isASCIILetter(a.text[j]) {
			j++
		}
		w := a.text[k:j]
		if len(w) >= 2 && isUpperASCII(w[0]) && (j == v.s.End || a.text[j] == ' ' || a.text[j] == ',') &&
			!nameHeads[strings.ToLower(w)] && !a.entityOver(v, Span{k, j}) {
			return true
		}
	}
	return false
}

// nameHeads are words that follow a group's or a family's name as part of
// how it is written ("Silence Group", "Maui Ransomware"), or name the
// platform of a family's variant ("BiBi Linux").
var nameHeads = map[string]bool{"group": true, "team": true, "gang": true, "apt": true, "ransomware": true,
	"malware": true, "backdoor": true, "trojan": true, "loader": true, "rat": true, "botnet": true,
	"stealer": true, "wiper": true, "framework": true, "operators": true, "actors": true, "actor": true,
	"campaign": true, "operation": true, "implant": true, "variant": true, "dropper": true,
	"linux": true, "windows": true, "macos": true, "android": true, "ios": true, "esxi": true, "unix": true}

func plainWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isASCIILetter(w[i]) {
			return false
		}
	}
	return w != ""
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isUpperASCII(c byte) bool { return c >= 'A' && c <= 'Z' }

// entityOver reports whether a mention of the sentence overlaps sp.
func (a *analysis) entityOver(v *sview, sp Span) bool {
	for _, m := range v.ents {
		if m.Start < sp.End && sp.Start < m.End {
			return true
		}
	}
	return false
}

// sanctionedCompanies finds the companies a sentence sanctions or charges
// for their part in intrusions, by their short name when the text gives one
// in brackets.
func (a *analysis) sanctionedCompanies(v *sview) []mention {
	if !a.hasCue(v, kAccuse) || !a.hasCue(v, kTarget) {
		return nil
	}
	low := v.low(a)
	if index(low, " role") < 0 && index(low, " involvement in ") < 0 {
		return nil
	}
	seg := a.text[v.s.Start:v.s.End]
	var out []mention
	for _, verb := range accuseVerbs {
		i := strings.Index(low, verb)
		if i < 0 {
			continue
		}
		at := i + len(verb)
		names := readNames(seg, at)
		if len(names) == 0 || names[0].Start != at {
			continue
		}
		full := seg[names[0].Start:names[0].End]
		if !companyWords(full) {
			continue
		}
		sp := names[0]
		// "..., Limited (Sichuan Silence)": the short name in brackets.
		if k := strings.IndexByte(seg[sp.End:min(len(seg), sp.End+40)], '('); k >= 0 {
			open := sp.End + k + 1
			if e := strings.IndexByte(seg[open:], ')'); e > 0 && e < 40 && capitalisedWords(seg[open:open+e]) {
				sp = Span{open, open + e}
			}
		}
		out = append(out, mention{Span: Span{v.s.Start + sp.Start, v.s.Start + sp.End}, kind: kGroup, ref: -1, name: seg[sp.Start:sp.End]})
	}
	return out
}

// accuseVerbs come before the names of those a statement sanctions or
// charges.
var accuseVerbs = []string{"sanctioning ", "sanctioned ", "designating ", "designated ", "charging ", "indicting "}

// companyWords reports whether a name has a word that companies take.
func companyWords(name string) bool {
	for _, w := range strings.Fields(name) {
		switch strings.TrimRight(w, ",.") {
		case "Company", "Limited", "Ltd", "Co", "Inc", "Corporation", "Corp", "Technology", "Technologies",
			"Information", "Network", "Networks", "Science", "Group":
			return true
		}
	}
	return false
}

// namedGangs finds "the <Name> [ransomware] gang", "the <Name> hacking
// group": a capitalised word after "the", before a gang noun, that no entry
// of the dictionary covers.
func (a *analysis) namedGangs(v *sview) []mention {
	if !a.hasCue(v, kGroupHead) {
		return nil
	}
	var out []mention
	for _, c := range v.cues {
		if c.kind != kGroupHead {
			continue
		}
		switch a.lowerOf(c.Span) {
		case "gang", "crew", "hacking group", "ransomware group", "hacker group", "hacktivist group":
		default:
			continue
		}
		end := c.Start - 1 // the space before the noun
		if end <= v.s.Start || a.text[end] != ' ' {
			continue
		}
		// One modifier may stand between: "ransomware", "extortion".
		w0 := end
		for w0 > v.s.Start && isASCIILetter(a.text[w0-1]) {
			w0--
		}
		switch strings.ToLower(a.text[w0:end]) {
		case "ransomware", "extortion", "cybercrime", "hacking", "hacker":
			end = w0 - 1
			if end <= v.s.Start || a.text[end] != ' ' {
				continue
			}
		}
		start := end
		for start > v.s.Start && (isASCIILetter(a.text[start-1]) || a.text[start-1] >= '0' && a.text[start-1] <= '9') {
			start--
		}
		name := a.text[start:end]
		if len(name) < 3 || !isUpperASCII(name[0]) || isStopCap(name) || a.entityOver(v, Span{start, end}) ||
			!strings.HasSuffix(a.lowerOf(Span{max(v.s.Start, start-4), start}), "the ") {
			continue
		}
		out = append(out, mention{Span: Span{start, end}, kind: kGroup, ref: -1, name: name})
	}
	return out
}
