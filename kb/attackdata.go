package kb

import (
	"sort"
	"strings"

	"github.com/aptgraph/aptgraph/stix"
)

// attackSet is an ATT&CK intrusion-set, live or retired.
type attackSet struct {
	id      string // STIX id
	uuid    string // the uuid part of id
	gid     string // G0007
	name    string
	aliases []string // other names, without name
	live    bool
	tech    []string // ATT&CK ids of the techniques it uses
	sw      []string // ATT&CK ids of the software it uses
}

// attackData is what Build takes from ATT&CK bundles.
type attackData struct {
	sets       []*attackSet // by G-id
	setByID    map[string]*attackSet
	revokedBy  map[string]string // STIX id -> STIX id
	techniques []Technique
	software   []Software
	retired    map[string]string // ATT&CK id -> ATT&CK id or ""
}

func isLive(o *stix.Object) bool {
	return !o.Revoked && !extraBool(o, "x_mitre_deprecated")
}

// collectAttack merges the bundles' objects by id, keeping the latest
// version of each, and pulls out groups, software, techniques and uses.
func collectAttack(bundles []*AttackBundle) *attackData {
	objs := map[string]*stix.Object{}
	var order []string
	revokedBy := map[string]string{}
	for _, b := range bundles {
		for _, o := range b.Objects {
			if old, ok := objs[o.ID]; ok {
				if o.Modified > old.Modified {
					objs[o.ID] = o
				}
				continue
			}
			objs[o.ID] = o
			order = append(order, o.ID)
		}
		for from, to := range b.History {
			if to != "" {
				revokedBy[from] = to
			}
		}
	}
	sort.Strings(order)
	d := &attackData{setByID: map[string]*attackSet{}, revokedBy: revokedBy, retired: map[string]string{}}

	techByID := map[string]*Technique{}
	swByID := map[string]*Software{}
	liveIDs := map[string]bool{} // ATT&CK ids of live objects
	for _, id := range order {
		o := objs[id]
		ext := attackID(o)
		switch o.Type {
		case "intrusion-set":
			s := &attackSet{id: o.ID, uuid: strings.TrimPrefix(o.ID, "intrusion-set--"), gid: ext,
				name: strings.TrimSpace(o.Name), live: isLive(o)}
			s.aliases = otherNames(s.name, o.Aliases)
			d.sets = append(d.sets, s)
			d.setByID[o.ID] = s
		case "attack-pattern":
			if ext == "" || !isLive(o) {
				continue
			}
			t := techByID[ext]
			if t == nil {
				t = &Technique{ID: ext, Name: strings.TrimSpace(o.Name)}
				techByID[ext] = t
			}
			for _, k := range o.KillChainPhases {
				if isAttackKillChain(k.KillChainName) {
					t.Tactics = appendUnique(t.Tactics, k.PhaseName)
				}
			}
		case "malware", "tool":
			if ext == "" || !isLive(o) {
				continue
			}
			s := swByID[ext]
			if s == nil {
				s = &Software{Name: strings.TrimSpace(o.Name), Kind: o.Type, AttackID: ext}
				swByID[ext] = s
			}
			s.Aliases = mergeNames(s.Name, s.Aliases, extraStrings(o, "x_mitre_aliases"))
		}
		if ext != "" && isLive(o) {
			liveIDs[ext] = true
		}
	}
	// Retired ATT&CK ids, pointing at the id that replaced them.
	for _, id := range order {
		o := objs[id]
		ext := attackID(o)
		if ext == "" || isLive(o) || liveIDs[ext] {
			continue
		}
		switch o.Type {
		case "intrusion-set", "attack-pattern", "malware", "tool":
		default:
			continue
		}
		to := ""
		if t := objs[followRevoked(revokedBy, o.ID, objs)]; t != nil && t.ID != o.ID && isLive(t) {
			to = attackID(t)
		}
		d.retired[ext] = to
	}
	// Uses, from live groups to live techniques and software.
	for _, id := range order {
		r := objs[id]
		if r.Type != "relationship" || r.RelationshipType != "uses" || !isLive(r) {
			continue
		}
		s := d.setByID[r.SourceRef]
		t := objs[r.TargetRef]
		if s == nil || !s.live || t == nil || !isLive(t) {
			continue
		}
		ext := attackID(t)
		switch t.Type {
		case "attack-pattern":
			if techByID[ext] != nil {
				s.tech = append(s.tech, ext)
			}
		case "malware", "tool":
			if swByID[ext] != nil {
				s.sw = append(s.sw, ext)
			}
		}
	}
	for _, s := range d.sets {
		s.tech = sortedUnique(s.tech)
		s.sw = sortedUnique(s.sw)
	}
	sort.SliceStable(d.sets, func(i, j int) bool { return d.sets[i].gid < d.sets[j].gid })

	for _, t := range techByID {
		if i := strings.IndexByte(t.ID, '.'); i > 0 {
			if p := techByID[t.ID[:i]]; p != nil {
				t.Parent = p.Name
			}
		}
		sort.Strings(t.Tactics)
		d.techniques = append(d.techniques, *t)
	}
	sort.Slice(d.techniques, func(i, j int) bool { return d.techniques[i].ID < d.techniques[j].ID })
	for _, s := range swByID {
		d.software = append(d.software, *s)
	}
	return d
}

// followRevoked follows revoked-by links from id to the object that
// finally replaces it, stopping on a cycle.
func followRevoked(revokedBy map[string]string, id string, objs map[string]*stix.Object) string {
	seen := map[string]bool{id: true}
	for {
		next, ok := revokedBy[id]
		if !ok || seen[next] {
			return id
		}
		seen[next] = true
		id = next
		if o := objs[id]; o != nil && isLive(o) {
			return id
		}
	}
}

func isAttackKillChain(name string) bool {
	for _, s := range attackSources {
		if s == name {
			return true
		}
	}
	return false
}

// otherNames returns names without those equal to name once normalised,
// trimmed and without repeats.
func otherNames(name string, names []string) []string {
	return mergeNames(name, nil, names)
}

// mergeNames adds more to have, skipping blanks, repeats and names equal
// to name once normalised.
func mergeNames(name string, have, more []string) []string {
	seen := map[string]bool{Normalize(name): true}
	for _, h := range have {
		seen[Normalize(h)] = true
	}
	for _, m := range more {
		m = strings.TrimSpace(m)
		n := Normalize(m)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		have = append(have, m)
	}
	return have
}

func appendUnique(l []string, s string) []string {
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}

func sortedUnique(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	sort.Strings(l)
	out := l[:1]
	for _, s := range l[1:] {
		if s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}
