package kb

import "slices"

// Merge returns base combined with the facts in more, in order, later
// facts taking precedence; base and more are left unchanged. It is how facts
// from imported files (Build of a newer ATT&CK release or galaxy file) are
// laid over the embedded ones:
//
//   - a group is the same group when it has the same ATT&CK id, else the
//     same Key, else shares a Ref (a MISP cluster uuid or an ATT&CK
//     intrusion-set id), else has the same canonical name; the same group gets the union of the names and
//     refs, the newer country and ATT&CK id, and the newer technique and
//     software lists when the newer facts have any;
//   - ATT&CK ids in a later Retired are retired from the earlier facts: a
//     revoked group is folded into the group that revoked it, a deprecated
//     one loses its ATT&CK facts (and goes, if ATT&CK was all it had),
//     retired techniques and software go;
//   - techniques are replaced by id, software by ATT&CK id or else matched
//     by name, countries by ISO code, names being unioned.
//
// Facts.Ambiguous is recomputed.
func Merge(base *Facts, more ...*Facts) *Facts {
	out := cloneFacts(base)
	for _, m := range more {
		if m == nil {
			continue
		}
		mergeGroups(out, m)
		mergeTechniques(out, m)
		mergeSoftware(out, m)
		mergeCountries(out, m)
		retire(out, m.Retired)
	}
	finish(out)
	return out
}

func cloneFacts(f *Facts) *Facts {
	out := &Facts{}
	if f == nil {
		return out
	}
	out.Groups = make([]Group, len(f.Groups))
	for i, g := range f.Groups {
		out.Groups[i] = cloneGroup(g)
	}
	out.Software = make([]Software, len(f.Software))
	for i, s := range f.Software {
		s.Aliases = slices.Clone(s.Aliases)
		out.Software[i] = s
	}
	out.Techniques = make([]Technique, len(f.Techniques))
	for i, t := range f.Techniques {
		t.Tactics = slices.Clone(t.Tactics)
		out.Techniques[i] = t
	}
	out.Countries = make([]Country, len(f.Countries))
	for i, c := range f.Countries {
		c.Aliases = slices.Clone(c.Aliases)
		out.Countries[i] = c
	}
	if len(f.Retired) > 0 {
		out.Retired = make(map[string]string, len(f.Retired))
		for k, v := range f.Retired {
			out.Retired[k] = v
		}
	}
	return out
}

func cloneGroup(g Group) Group {
	g.Aliases = slices.Clone(g.Aliases)
	g.Techniques = slices.Clone(g.Techniques)
	g.Software = slices.Clone(g.Software)
	g.Refs = slices.Clone(g.Refs)
	return g
}

func mergeGroups(out, m *Facts) {
	byRef := map[string]int{}
	byKey := map[string]int{}
	byAttack := map[string]int{}
	byName := map[string][]int{}
	index := func(i int) {
		g := &out.Groups[i]
		for _, r := range g.Refs {
			if _, ok := byRef[r]; !ok {
				byRef[r] = i
			}
		}
		byKey[g.Key] = i
		if g.AttackID != "" {
			byAttack[g.AttackID] = i
		}
		n := Normalize(g.Name)
		if !slices.Contains(byName[n], i) {
			byName[n] = append(byName[n], i)
		}
	}
	for i := range out.Groups {
		index(i)
	}
	for _, g := range m.Groups {
		// A live ATT&CK id names one group; refs may also hold the ids of
		// sets that were revoked into it, so they come after.
		i, found := -1, false
		if g.AttackID != "" {
			i, found = byAttack[g.AttackID]
		}
		if !found {
			i, found = byKey[g.Key]
		}
		for _, r := range g.Refs {
			if found {
				break
			}
			i, found = byRef[r]
		}
		if !found {
			if l := byName[Normalize(g.Name)]; len(l) == 1 {
				i, found = l[0], true
			}
		}
		if !found {
			ng := cloneGroup(g)
			for n := 2; ; n++ {
				if _, taken := byKey[ng.Key]; !taken {
					break
				}
				ng.Key = g.Key + "#" + itoa(n)
			}
			out.Groups = append(out.Groups, ng)
			index(len(out.Groups) - 1)
			continue
		}
		mergeGroup(&out.Groups[i], g)
		index(i)
	}
}

// mergeGroup lays g over dst.
func mergeGroup(dst *Group, g Group) {
	addAlias(dst, Alias{Name: g.Name, Coiner: g.Coiner, Source: g.Source})
	for _, a := range g.Aliases {
		addAlias(dst, a)
	}
	for _, r := range g.Refs {
		if !slices.Contains(dst.Refs, r) {
			dst.Refs = append(dst.Refs, r)
		}
	}
	if g.Country != "" {
		dst.Country = g.Country
	}
	if g.AttackID != "" {
		dst.AttackID = g.AttackID
	}
	if len(g.Techniques) > 0 || len(g.Software) > 0 {
		dst.Techniques = slices.Clone(g.Techniques)
		dst.Software = slices.Clone(g.Software)
	}
}

// addAlias adds a to g unless g has the name; a known coiner fills in an
// unknown one.
func addAlias(g *Group, a Alias) {
	n := Normalize(a.Name)
	if n == "" {
		return
	}
	if n == Normalize(g.Name) {
		if g.Coiner == "" {
			g.Coiner = a.Coiner
		}
		return
	}
	for i := range g.Aliases {
		if Normalize(g.Aliases[i].Name) == n {
			if g.Aliases[i].Coiner == "" {
				g.Aliases[i].Coiner = a.Coiner
			}
			return
		}
	}
	g.Aliases = append(g.Aliases, a)
}

func mergeTechniques(out, m *Facts) {
	at := map[string]int{}
	for i, t := range out.Techniques {
		at[t.ID] = i
	}
	for _, t := range m.Techniques {
		t.Tactics = slices.Clone(t.Tactics)
		if i, ok := at[t.ID]; ok {
			out.Techniques[i] = t
			continue
		}
		at[t.ID] = len(out.Techniques)
		out.Techniques = append(out.Techniques, t)
	}
}

func mergeSoftware(out, m *Facts) {
	byID := map[string]int{}
	byName := map[string]int{}    // by name
	byAlias := map[string][]int{} // by alias
	index := func(i int) {
		s := out.Software[i]
		if s.AttackID != "" {
			byID[s.AttackID] = i
		}
		if _, ok := byName[Normalize(s.Name)]; !ok {
			byName[Normalize(s.Name)] = i
		}
		for _, n := range s.Aliases {
			if l := byAlias[Normalize(n)]; !slices.Contains(l, i) {
				byAlias[Normalize(n)] = append(l, i)
			}
		}
	}
	for i := range out.Software {
		index(i)
	}
	for _, s := range m.Software {
		i, ok := -1, false
		switch {
		case s.AttackID != "":
			i, ok = byID[s.AttackID]
		default:
			if i, ok = byName[Normalize(s.Name)]; !ok {
				if l := byAlias[Normalize(s.Name)]; len(l) == 1 {
					i, ok = l[0], true
				}
			}
		}
		if !ok {
			s.Aliases = slices.Clone(s.Aliases)
			out.Software = append(out.Software, s)
			index(len(out.Software) - 1)
			continue
		}
		d := &out.Software[i]
		old := d.Name
		if s.AttackID != "" {
			d.Name, d.Kind = s.Name, s.Kind
		}
		d.Aliases = mergeNames(d.Name, d.Aliases, append([]string{old, s.Name}, s.Aliases...))
		index(i)
	}
}

func mergeCountries(out, m *Facts) {
	at := map[string]int{}
	for i, c := range out.Countries {
		at[c.ISO2] = i
	}
	for _, c := range m.Countries {
		i, ok := at[c.ISO2]
		if !ok {
			c.Aliases = slices.Clone(c.Aliases)
			at[c.ISO2] = len(out.Countries)
			out.Countries = append(out.Countries, c)
			continue
		}
		d := &out.Countries[i]
		if d.ISO3 == "" {
			d.ISO3 = c.ISO3
		}
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if normCountry(n) == normCountry(d.Name) {
				continue
			}
			if !slices.ContainsFunc(d.Aliases, func(a string) bool { return normCountry(a) == normCountry(n) }) {
				d.Aliases = append(d.Aliases, n)
			}
		}
	}
}

// retire applies retired ATT&CK ids to out.
func retire(out *Facts, retired map[string]string) {
	if len(retired) == 0 {
		return
	}
	if out.Retired == nil {
		out.Retired = map[string]string{}
	}
	for id, to := range retired {
		out.Retired[id] = to
	}
	replace := func(ids []string) []string {
		var l []string
		for _, id := range ids {
			if to, ok := retired[id]; ok {
				id = to
			}
			if id != "" {
				l = append(l, id)
			}
		}
		return sortedUnique(l)
	}
	// Groups.
	var keep []Group
	byAttack := map[string]int{}
	for i, g := range out.Groups {
		if g.AttackID != "" {
			if _, gone := retired[g.AttackID]; !gone {
				byAttack[g.AttackID] = i
			}
		}
	}
	folded := map[int]bool{}
	for i := range out.Groups {
		g := &out.Groups[i]
		to, gone := retired[g.AttackID]
		if !gone || g.AttackID == "" {
			continue
		}
		if j, ok := byAttack[to]; ok && to != "" {
			dst := &out.Groups[j]
			mergeGroup(dst, Group{Name: g.Name, Coiner: g.Coiner, Source: g.Source, Aliases: g.Aliases, Refs: g.Refs})
			if dst.Country == "" {
				dst.Country = g.Country
			}
			folded[i] = true
			continue
		}
		if g.Key == g.AttackID {
			folded[i] = true // ATT&CK was all the group had
			continue
		}
		g.AttackID, g.Techniques, g.Software = "", nil, nil
	}
	for i, g := range out.Groups {
		if folded[i] {
			continue
		}
		g.Techniques = replace(g.Techniques)
		g.Software = replace(g.Software)
		keep = append(keep, g)
	}
	out.Groups = keep
	// Techniques and software.
	techs := out.Techniques[:0]
	for _, t := range out.Techniques {
		if _, gone := retired[t.ID]; !gone {
			techs = append(techs, t)
		}
	}
	out.Techniques = techs
	sw := out.Software[:0]
	var goneSW []Software
	for _, s := range out.Software {
		if _, gone := retired[s.AttackID]; gone && s.AttackID != "" {
			goneSW = append(goneSW, s)
			continue
		}
		sw = append(sw, s)
	}
	out.Software = sw
	for _, s := range goneSW {
		to := retired[s.AttackID]
		for i := range out.Software {
			if to != "" && out.Software[i].AttackID == to {
				d := &out.Software[i]
				d.Aliases = mergeNames(d.Name, d.Aliases, append([]string{s.Name}, s.Aliases...))
			}
		}
	}
}
