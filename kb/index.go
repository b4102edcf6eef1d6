package kb

import (
	"slices"
	"sort"
	"strings"
)

// Candidate is a group a name may stand for.
type Candidate struct {
	Group *Group
	Alias Alias // the name that matched, with who coined it and the dataset that links it
	// Score is how well the name points at the group, in (0, 1]: 1 for the
	// group's canonical name, 0.9 for an alias from the threat-actor galaxy
	// or ATT&CK, 0.8 for one from the other galaxies; divided by the number
	// of groups the name is given to.
	Score float64
}

// Index answers lookups on facts. Build it once with NewIndex; it is safe
// for concurrent use and must not outlive changes to its facts.
type Index struct {
	facts      *Facts
	names      map[string][]Candidate
	byKey      map[string]*Group
	software   map[string][]*Software
	techByID   map[string]*Technique
	techByName map[string][]*Technique
	countries  map[string]*Country
}

// NewIndex indexes f for lookups.
func NewIndex(f *Facts) *Index {
	x := &Index{
		facts:      f,
		names:      make(map[string][]Candidate, 4*len(f.Groups)),
		byKey:      make(map[string]*Group, len(f.Groups)),
		software:   make(map[string][]*Software, 2*len(f.Software)),
		techByID:   make(map[string]*Technique, len(f.Techniques)),
		techByName: make(map[string][]*Technique, 2*len(f.Techniques)),
		countries:  make(map[string]*Country, 4*len(f.Countries)),
	}
	for i := range f.Groups {
		g := &f.Groups[i]
		x.byKey[g.Key] = g
		x.addName(g, Alias{Name: g.Name, Coiner: g.Coiner, Source: g.Source}, 1)
		for _, a := range g.Aliases {
			w := 0.8
			if a.Source == SourceThreatActor || a.Source == SourceAttack {
				w = 0.9
			}
			x.addName(g, a, w)
		}
	}
	for k, l := range x.names {
		for i := range l {
			l[i].Score /= float64(len(l))
		}
		sort.SliceStable(l, func(i, j int) bool {
			if l[i].Score != l[j].Score {
				return l[i].Score > l[j].Score
			}
			return l[i].Group.Key < l[j].Group.Key
		})
		x.names[k] = l
	}
	for i := range f.Software {
		s := &f.Software[i]
		if s.AttackID != "" {
			x.addSoftware(s.AttackID, s)
		}
		x.addSoftware(s.Name, s)
		for _, a := range s.Aliases {
			x.addSoftware(a, s)
		}
	}
	for i := range f.Techniques {
		t := &f.Techniques[i]
		x.techByID[t.ID] = t
		x.addTechnique(t.Name, t)
		if t.Parent != "" {
			x.addTechnique(t.Parent+": "+t.Name, t)
		}
	}
	for i := range f.Countries {
		c := &f.Countries[i]
		x.countries[c.ISO2] = c
		if c.ISO3 != "" {
			x.countries[c.ISO3] = c
		}
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if k := normCountry(n); k != "" && x.countries[k] == nil {
				x.countries[k] = c
			}
		}
	}
	return x
}

func (x *Index) addName(g *Group, a Alias, score float64) {
	k := Normalize(a.Name)
	if k == "" {
		return
	}
	l := x.names[k]
	for _, c := range l {
		if c.Group == g {
			return
		}
	}
	x.names[k] = append(l, Candidate{Group: g, Alias: a, Score: score})
}

func (x *Index) addSoftware(name string, s *Software) {
	k := Normalize(name)
	for _, o := range x.software[k] {
		if o == s {
			return
		}
	}
	x.software[k] = append(x.software[k], s)
}

func (x *Index) addTechnique(name string, t *Technique) {
	k := Normalize(name)
	x.techByName[k] = append(x.techByName[k], t)
}

// Facts returns the facts x indexes.
func (x *Index) Facts() *Facts { return x.facts }

// Resolve returns the groups name may stand for, best first: none when the
// name is unknown, one when it is unambiguous, several when the data gives
// the name to more than one group. Names are compared after Normalize.
func (x *Index) Resolve(name string) []Candidate {
	return slices.Clone(x.names[Normalize(name)])
}

// Lookup returns the group name stands for and reports whether there is
// exactly one.
func (x *Index) Lookup(name string) (*Group, bool) {
	l := x.names[Normalize(name)]
	if len(l) != 1 {
		return nil, false
	}
	return l[0].Group, true
}

// Group returns the group with the given key.
func (x *Index) Group(key string) (*Group, bool) {
	g, ok := x.byKey[key]
	return g, ok
}

// Software returns the malware or tool with the given name, alias or ATT&CK
// id (S0154). When several share the name, an ATT&CK entry is preferred,
// then the first in the facts' order.
func (x *Index) Software(name string) (*Software, bool) {
	l := x.software[Normalize(name)]
	if len(l) == 0 {
		return nil, false
	}
	for _, s := range l {
		if s.AttackID != "" {
			return s, true
		}
	}
	return l[0], true
}

// Technique returns the ATT&CK technique with the given id (T1566.001), or
// with the given name ("Spearphishing Attachment", "Phishing: Spearphishing
// Attachment") when only one technique has it.
func (x *Index) Technique(idOrName string) (*Technique, bool) {
	s := strings.TrimSpace(idOrName)
	if t, ok := x.techByID[strings.ToUpper(s)]; ok {
		return t, true
	}
	if l := x.techByName[Normalize(s)]; len(l) == 1 {
		return l[0], true
	}
	return nil, false
}

// Country returns the country with the given ISO 3166-1 alpha-2 or alpha-3
// code, name or other name ("KP", "PRK", "North Korea", "Korea, Democratic
// People's Republic of").
func (x *Index) Country(nameOrISO string) (*Country, bool) {
	s := strings.TrimSpace(nameOrISO)
	if len(s) == 2 || len(s) == 3 {
		if c, ok := x.countries[strings.ToUpper(s)]; ok {
			return c, true
		}
	}
	if c, ok := x.countries[normCountry(s)]; ok {
		return c, true
	}
	if i := strings.IndexByte(s, '('); i > 0 {
		if c, ok := x.countries[normCountry(s[:i])]; ok {
			return c, true
		}
	}
	return nil, false
}
