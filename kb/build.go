package kb

import (
	"regexp"
	"sort"
	"strings"
)

// Sources is the raw reference data that Build turns into facts.
type Sources struct {
	Attack   []*AttackBundle // ATT&CK releases: enterprise, mobile, ICS
	Galaxies []*Galaxy       // MISP galaxy cluster files, of any of the Galaxy* types
}

// The datasets an alias can come from (Alias.Source, Group.Source).
const (
	SourceThreatActor = "misp-threat-actor"
	SourceAttack      = "attack"
	SourceMicrosoft   = "misp-microsoft"
	Source360net      = "misp-360net"
	SourceMitre       = "misp-mitre"
)

// Build links the groups of the sources and returns their facts.
//
// The MISP threat-actor clusters are the primary list of groups; each
// cluster's value is its canonical name. Live ATT&CK intrusion-sets are
// linked to the cluster that names their G-id, has their name as its value,
// relates to them, or shares their names, whichever fits best and uniquely;
// a set that fits no free cluster is a group of its own. A revoked set's
// names go to the group of the set that revoked it, together with any
// cluster that is plainly the revoked set (same G-id or value). The
// Microsoft and 360.net clusters are then linked to the group they relate
// to, share their value with, or share most names with, or become groups of
// their own; a mitre-intrusion-set cluster goes with the ATT&CK set of the
// same uuid (or the set that revoked it). Names shared by groups that stay
// apart are listed in Facts.Ambiguous; sharing a name never merges two
// groups.
//
// Build is deterministic: the same sources give the same facts.
func Build(src Sources) *Facts {
	b := &builder{
		coin:      newCoinerEvidence(),
		index:     map[string][]*groupBuild{},
		related:   map[string][]*groupBuild{},
		byCluster: map[string]*groupBuild{},
	}
	byType := map[string][]*Galaxy{}
	for _, g := range src.Galaxies {
		byType[g.Type] = append(byType[g.Type], g)
	}
	b.countries = buildCountries(byType[GalaxyCountry], byType[GalaxyThreatActor], byType[GalaxyMicrosoft])
	ad := collectAttack(src.Attack)

	for _, g := range byType[GalaxyThreatActor] {
		for i := range g.Clusters {
			b.addThreatActor(&g.Clusters[i])
		}
	}
	b.linkAttack(ad)
	for _, g := range byType[GalaxyMicrosoft] {
		for i := range g.Clusters {
			b.addMicrosoft(&g.Clusters[i])
		}
	}
	for _, g := range byType[Galaxy360net] {
		for i := range g.Clusters {
			b.add360(&g.Clusters[i])
		}
	}
	for _, g := range byType[GalaxyMitre] {
		for i := range g.Clusters {
			b.addMitre(&g.Clusters[i], ad)
		}
	}

	f := &Facts{
		Techniques: ad.techniques,
		Software:   buildSoftware(ad.software, byType[GalaxyMalpedia]),
		Countries:  b.countries.list,
	}
	if len(ad.retired) > 0 {
		f.Retired = ad.retired
	}
	f.Groups = b.finish()
	finish(f)
	return f
}

// groupBuild is a group while it is being built.
type groupBuild struct {
	key, name, source string
	names             []nameRef
	nameSet           map[string]bool // normalised names, canonical included
	country           string
	attackID          string
	set               *attackSet // the live ATT&CK set linked in
	tech, sw          []string
	refs              []string
	clusters          []string // MISP cluster uuids linked in
	into              *groupBuild
}

type nameRef struct{ name, source string }

type builder struct {
	coin      *coinerEvidence
	countries *countryTable
	groups    []*groupBuild
	index     map[string][]*groupBuild // normalised name -> groups
	related   map[string][]*groupBuild // uuid -> groups with a cluster that relates to it
	byCluster map[string]*groupBuild   // MISP cluster uuid -> group
	setGroup  map[string]*groupBuild   // ATT&CK set STIX id -> group
}

func (b *builder) newGroup(key, name, source string) *groupBuild {
	g := &groupBuild{key: key, name: name, source: source, nameSet: map[string]bool{}}
	b.groups = append(b.groups, g)
	b.addName(g, name, source)
	return g
}

func (b *builder) addName(g *groupBuild, name, source string) {
	name = strings.TrimSpace(name)
	n := Normalize(name)
	if n == "" || g.nameSet[n] {
		return
	}
	g.nameSet[n] = true
	g.names = append(g.names, nameRef{name, source})
	b.index[n] = append(b.index[n], g)
}

func (b *builder) addCluster(g *groupBuild, c *Cluster) {
	g.clusters = append(g.clusters, c.UUID)
	g.refs = append(g.refs, c.UUID)
	b.byCluster[c.UUID] = g
	for _, r := range c.Related {
		b.related[r.DestUUID] = append(b.related[r.DestUUID], g)
	}
}

// fold merges group from into group to.
func (b *builder) fold(from, to *groupBuild) {
	if from == to || from.into != nil {
		return
	}
	from.into = to
	for _, n := range from.names {
		b.addName(to, n.name, n.source)
	}
	to.refs = append(to.refs, from.refs...)
	to.clusters = append(to.clusters, from.clusters...)
	for _, c := range from.clusters {
		b.byCluster[c] = to
	}
	if to.country == "" {
		to.country = from.country
	}
	// Drop from out of the indexes.
	for n := range from.nameSet {
		b.index[n] = withoutGroup(b.index[n], from, to)
	}
	for k, l := range b.related {
		b.related[k] = withoutGroup(l, from, to)
	}
}

// withoutGroup replaces from by to in l, keeping each group once.
func withoutGroup(l []*groupBuild, from, to *groupBuild) []*groupBuild {
	out := l[:0]
	hasTo := false
	for _, g := range l {
		if g == from {
			g = to
		}
		if g == to {
			if hasTo {
				continue
			}
			hasTo = true
		}
		out = append(out, g)
	}
	return out
}

func threatActorNames(c *Cluster) []string {
	names := append([]string{c.Value}, c.Synonyms...)
	for _, a := range c.Attributions {
		names = append(names, a.Name)
	}
	for _, o := range c.Origins {
		names = append(names, o.Name)
	}
	return names
}

func (b *builder) addThreatActor(c *Cluster) {
	g := b.newGroup(c.UUID, c.Value, SourceThreatActor)
	for _, n := range threatActorNames(c) {
		b.addName(g, n, SourceThreatActor)
		b.coin.addSchemes(n)
	}
	for _, a := range c.Attributions {
		b.coin.add(a.Name, vendorByUUID[a.Vendor], evUUID)
	}
	for _, o := range c.Origins {
		b.coin.add(o.Name, o.Vendor, evOrigin)
	}
	b.addCluster(g, c)
	g.country = b.countries.iso2(c.Country)
	if g.country == "" {
		g.country = b.countries.lookup(c.StateSponsor)
	}
}

// candidates returns the live groups that have any of names, or relate to
// any of uuids, in a stable order.
func (b *builder) candidates(names []string, uuids []string) []*groupBuild {
	seen := map[*groupBuild]bool{}
	var out []*groupBuild
	add := func(g *groupBuild) {
		if g != nil && g.into == nil && !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	for _, n := range names {
		for _, g := range b.index[Normalize(n)] {
			add(g)
		}
	}
	for _, u := range uuids {
		for _, g := range b.related[u] {
			add(g)
		}
		add(b.byCluster[u])
	}
	return out
}

// best returns the top-scoring group when it scores at least min and
// strictly more than any other.
func best(cands []*groupBuild, score func(*groupBuild) int, min int) *groupBuild {
	var top *groupBuild
	topScore, second := 0, 0
	for _, g := range cands {
		s := score(g)
		switch {
		case s > topScore:
			second, topScore, top = topScore, s, g
		case s > second:
			second = s
		}
	}
	if topScore < min || topScore == second {
		return nil
	}
	return top
}

// countIn counts the names, once each, that g has, up to max.
func countIn(g *groupBuild, names []string, max int) int {
	n := 0
	seen := map[string]bool{}
	for _, s := range names {
		k := Normalize(s)
		if k != "" && !seen[k] && g.nameSet[k] {
			seen[k] = true
			n++
		}
	}
	if n > max {
		n = max
	}
	return n
}

func (b *builder) linkAttack(ad *attackData) {
	b.setGroup = map[string]*groupBuild{}
	for _, s := range ad.sets {
		for _, n := range append([]string{s.name}, s.aliases...) {
			b.coin.addSchemes(n)
		}
	}
	// Score every live set against the threat-actor groups.
	type choice struct {
		set   *attackSet
		group *groupBuild
		score int
	}
	var choices []choice
	for _, s := range ad.sets {
		if !s.live {
			continue
		}
		score := func(g *groupBuild) int {
			n := 0
			if s.gid != "" && g.nameSet[Normalize(s.gid)] {
				n += 8
			}
			if Normalize(s.name) == Normalize(g.name) {
				n += 4
			} else if g.nameSet[Normalize(s.name)] {
				n += 2
			}
			for _, u := range g.clusters {
				if b.relates(u, s.uuid) {
					n += 2
					break
				}
			}
			return n + countIn(g, s.aliases, 3)
		}
		cands := b.candidates(append([]string{s.gid, s.name}, s.aliases...), nil)
		for _, g := range b.related[s.uuid] {
			cands = appendGroup(cands, g)
		}
		c := choice{set: s}
		if g := best(cands, score, 2); g != nil {
			c.group, c.score = g, score(g)
		}
		choices = append(choices, c)
	}
	sort.SliceStable(choices, func(i, j int) bool { return choices[i].score > choices[j].score })
	for _, c := range choices {
		g := c.group
		if g == nil || g.set != nil {
			key := c.set.gid
			if key == "" {
				key = c.set.id
			}
			g = b.newGroup(key, c.set.name, SourceAttack)
		}
		g.set = c.set
		g.attackID = c.set.gid
		g.tech, g.sw = c.set.tech, c.set.sw
		g.refs = append(g.refs, c.set.id)
		b.setGroup[c.set.id] = g
		for _, n := range c.set.aliases {
			b.addName(g, n, SourceAttack)
		}
		b.addName(g, c.set.name, SourceAttack)
		if c.set.gid != "" {
			b.addName(g, c.set.gid, SourceAttack)
		}
	}
	// Retired sets: their names are history of the group that replaced them.
	for _, s := range ad.sets {
		if s.live {
			continue
		}
		to := b.setGroup[b.followLive(ad, s.id)]
		if to == nil {
			continue
		}
		to.refs = append(to.refs, s.id)
		for _, n := range append([]string{s.name}, s.aliases...) {
			b.addName(to, n, SourceAttack)
		}
		// A threat-actor cluster that is plainly the revoked set is the
		// same group too.
		for _, g := range b.candidates([]string{s.name, s.gid}, nil) {
			if g == to || g.set != nil || g.source != SourceThreatActor {
				continue
			}
			sameName := Normalize(g.name) == Normalize(s.name)
			sameID := s.gid != "" && g.nameSet[Normalize(s.gid)] && g.nameSet[Normalize(s.name)]
			if sameName || sameID {
				b.fold(g, to)
			}
		}
	}
}

// followLive returns the live set that finally revoked set id, or "".
func (b *builder) followLive(ad *attackData, id string) string {
	seen := map[string]bool{}
	for !seen[id] {
		seen[id] = true
		next, ok := ad.revokedBy[id]
		if !ok {
			return ""
		}
		if s := ad.setByID[next]; s != nil && s.live {
			return next
		}
		id = next
	}
	return ""
}

// relates reports whether the cluster with uuid u relates to uuid v.
func (b *builder) relates(u, v string) bool {
	for _, g := range b.related[v] {
		for _, c := range g.clusters {
			if c == u {
				return true
			}
		}
	}
	return false
}

func appendGroup(l []*groupBuild, g *groupBuild) []*groupBuild {
	if g == nil || g.into != nil {
		return l
	}
	for _, x := range l {
		if x == g {
			return l
		}
	}
	return append(l, g)
}

// linkCluster links a Microsoft or 360.net cluster to the group it relates
// to or shares names with best, or returns nil. The first primary names are
// the cluster's own (its value), the rest its synonyms.
func (b *builder) linkCluster(c *Cluster, primary int, names []string) *groupBuild {
	var dests []string
	for _, r := range c.Related {
		dests = append(dests, r.DestUUID)
	}
	cands := b.candidates(names, append(dests, c.UUID))
	score := func(g *groupBuild) int {
		n := 0
		related := false
		for _, d := range dests {
			if b.byCluster[d] == g {
				related = true
			}
		}
		for _, r := range b.related[c.UUID] {
			if r == g {
				related = true
			}
		}
		if related {
			n += 4
		}
		own, canonical := false, false
		for _, p := range names[:primary] {
			own = own || g.nameSet[Normalize(p)]
			canonical = canonical || Normalize(p) == Normalize(g.name)
		}
		if own {
			n += 4
		}
		if canonical {
			n += 8 // the same name as the group's own wins over any overlap
		}
		return n + countIn(g, names[primary:], 3)
	}
	return best(cands, score, 2)
}

func (b *builder) addMicrosoft(c *Cluster) {
	names := append([]string{c.Value}, c.Synonyms...)
	b.coin.add(c.Value, "Microsoft", evScheme)
	for _, n := range c.Synonyms {
		b.coin.addSchemes(n)
	}
	g := b.linkCluster(c, 1, names)
	if g == nil {
		g = b.newGroup(c.UUID, c.Value, SourceMicrosoft)
	}
	for _, n := range names {
		b.addName(g, n, SourceMicrosoft)
	}
	b.addCluster(g, c)
	if g.country == "" {
		g.country = b.countries.iso2(c.Country)
	}
}

var aptC = regexp.MustCompile(`^APT-C-\d+$`)

// names360 splits a 360.net value "毒云藤 - APT-C-01" into its name and
// code, and its synonyms at commas ("Turla, Waterbug, Venomous Bear") and
// full-width brackets ("APT37（Reaper）").
func names360(c *Cluster) (code string, names []string, primary int) {
	parts := strings.Split(c.Value, " - ")
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if aptC.MatchString(p) {
			code = p
		}
	}
	if code != "" {
		names = append(names, code)
	}
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != code && p != "" {
			names = append(names, p)
		}
	}
	primary = len(names)
	for _, s := range c.Synonyms {
		for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
			p = strings.TrimSpace(p)
			if i := strings.Index(p, "（"); i > 0 && strings.HasSuffix(p, "）") {
				names = append(names, strings.TrimSpace(p[:i]), strings.TrimSpace(strings.TrimSuffix(p[i+len("（"):], "）")))
				continue
			}
			if p != "" {
				names = append(names, p)
			}
		}
	}
	return code, names, primary
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (b *builder) add360(c *Cluster) {
	code, names, primary := names360(c)
	for _, n := range names {
		b.coin.addSchemes(n)
	}
	// 360.net's own names are the Chinese ones; the others it took from
	// other vendors (Lazarus, Turla, Kimsuky).
	for _, p := range names[:primary] {
		if p != code && !isASCII(p) {
			b.coin.add(p, "Qihoo 360", evDataset)
		}
	}
	g := b.linkCluster(c, primary, names)
	if g == nil {
		g = b.newGroup(c.UUID, names[0], Source360net)
	}
	for _, n := range names {
		b.addName(g, n, Source360net)
	}
	b.addCluster(g, c)
	if g.country == "" {
		g.country = b.countries.lookup(c.Country)
	}
}

var gSuffix = regexp.MustCompile(`\s+-\s+(G\d{4})$`)

func (b *builder) addMitre(c *Cluster, ad *attackData) {
	name := gSuffix.ReplaceAllString(c.Value, "")
	gid := c.ExternalID
	names := append([]string{name}, c.Synonyms...)
	if gid != "" {
		names = append(names, gid)
	}
	for _, n := range names {
		b.coin.addSchemes(n)
	}
	var g *groupBuild
	setID := "intrusion-set--" + c.UUID
	s := ad.setByID[setID]
	switch {
	case s != nil && s.live:
		g = b.setGroup[setID]
	case s != nil && ad.revokedBy[setID] != "":
		g = b.setGroup[b.followLive(ad, setID)]
	case s != nil: // deprecated: not a live group
		return
	case c.Revoked:
		for _, r := range c.Related {
			if r.Type == "revoked-by" {
				g = b.setGroup[b.followLive(ad, "intrusion-set--"+r.DestUUID)]
				if g == nil {
					g = b.setGroup["intrusion-set--"+r.DestUUID]
				}
			}
		}
		if g == nil {
			return
		}
	default:
		score := func(g *groupBuild) int {
			n := 0
			if gid != "" && g.nameSet[Normalize(gid)] {
				n += 8
			}
			if g.nameSet[Normalize(name)] {
				n += 4
			}
			return n + countIn(g, c.Synonyms, 3)
		}
		g = best(b.candidates(names, nil), score, 2)
		if g == nil {
			key := gid
			if key == "" || b.hasKey(key) {
				key = c.UUID
			}
			g = b.newGroup(key, name, SourceMitre)
		}
		if g.attackID == "" {
			g.attackID = gid
		}
		g.refs = append(g.refs, c.UUID)
	}
	if g == nil {
		return
	}
	for _, n := range names {
		b.addName(g, n, SourceMitre)
	}
}

func (b *builder) hasKey(k string) bool {
	for _, g := range b.groups {
		if g.key == k {
			return true
		}
	}
	return false
}

// finish turns the live group builds into groups.
func (b *builder) finish() []Group {
	var out []Group
	keys := map[string]bool{}
	for _, g := range b.groups {
		if g.into != nil {
			continue
		}
		key := g.key
		for i := 2; keys[key]; i++ {
			key = g.key + "#" + itoa(i)
		}
		keys[key] = true
		gr := Group{
			Key: key, Name: g.name, Coiner: b.coin.coiner(g.name), Source: g.source,
			Country: g.country, AttackID: g.attackID, Techniques: g.tech, Software: g.sw,
			Refs: sortedUnique(append([]string(nil), g.refs...)),
		}
		canon := Normalize(g.name)
		for _, n := range g.names {
			if Normalize(n.name) == canon {
				continue
			}
			gr.Aliases = append(gr.Aliases, Alias{Name: n.name, Coiner: b.coin.coiner(n.name), Source: n.source})
		}
		out = append(out, gr)
	}
	return out
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// finish puts facts in their canonical order and recomputes Ambiguous, so
// that equal facts encode to equal bytes.
func finish(f *Facts) {
	for i := range f.Groups {
		g := &f.Groups[i]
		sort.SliceStable(g.Aliases, func(a, b int) bool {
			na, nb := Normalize(g.Aliases[a].Name), Normalize(g.Aliases[b].Name)
			if na != nb {
				return na < nb
			}
			return g.Aliases[a].Name < g.Aliases[b].Name
		})
		if g.Aliases == nil {
			g.Aliases = []Alias{}
		}
		g.Techniques = sortedUnique(g.Techniques)
		g.Software = sortedUnique(g.Software)
		g.Refs = sortedUnique(g.Refs)
	}
	sort.SliceStable(f.Groups, func(i, j int) bool {
		ni, nj := Normalize(f.Groups[i].Name), Normalize(f.Groups[j].Name)
		if ni != nj {
			return ni < nj
		}
		return f.Groups[i].Key < f.Groups[j].Key
	})
	for i := range f.Software {
		s := &f.Software[i]
		sort.SliceStable(s.Aliases, func(a, b int) bool { return lessName(s.Aliases[a], s.Aliases[b]) })
	}
	sort.SliceStable(f.Software, func(i, j int) bool {
		a, b := f.Software[i], f.Software[j]
		if (a.AttackID == "") != (b.AttackID == "") {
			return a.AttackID != ""
		}
		if a.AttackID != b.AttackID {
			return a.AttackID < b.AttackID
		}
		return lessName(a.Name, b.Name)
	})
	sort.SliceStable(f.Techniques, func(i, j int) bool { return f.Techniques[i].ID < f.Techniques[j].ID })
	for i := range f.Countries {
		c := &f.Countries[i]
		sort.SliceStable(c.Aliases, func(a, b int) bool { return lessName(c.Aliases[a], c.Aliases[b]) })
	}
	sort.SliceStable(f.Countries, func(i, j int) bool { return f.Countries[i].ISO2 < f.Countries[j].ISO2 })
	f.Ambiguous = ambiguous(f.Groups)
	if len(f.Retired) == 0 {
		f.Retired = nil
	}
}

func lessName(a, b string) bool {
	na, nb := Normalize(a), Normalize(b)
	if na != nb {
		return na < nb
	}
	return a < b
}

// ambiguous maps each normalised name that more than one group has to the
// keys of those groups.
func ambiguous(groups []Group) map[string][]string {
	by := map[string][]string{}
	for _, g := range groups {
		seen := map[string]bool{}
		for _, n := range append([]string{g.Name}, aliasNames(g.Aliases)...) {
			k := Normalize(n)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			by[k] = append(by[k], g.Key)
		}
	}
	out := map[string][]string{}
	for k, keys := range by {
		if len(keys) > 1 {
			sort.Strings(keys)
			out[k] = keys
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func aliasNames(as []Alias) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Name
	}
	return out
}
