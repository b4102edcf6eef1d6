package kb

import "strings"

// buildSoftware adds the malpedia families to the ATT&CK software. A family
// whose name (or else, one of its synonyms) names exactly one ATT&CK entry
// adds its names to that entry's aliases; any other family is an entry of
// its own, of kind malware, without an ATT&CK id.
func buildSoftware(attack []Software, malpedia []*Galaxy) []Software {
	out := make([]Software, len(attack))
	copy(out, attack)
	idx := map[string][]int{}
	index := func(i int) {
		for _, n := range append([]string{out[i].Name}, out[i].Aliases...) {
			k := Normalize(n)
			if l := idx[k]; len(l) == 0 || l[len(l)-1] != i {
				idx[k] = append(idx[k], i)
			}
		}
	}
	for i := range out {
		out[i].Aliases = append([]string(nil), out[i].Aliases...)
		index(i)
	}
	// unique returns the one entry that name names, or else the one ATT&CK
	// entry among several, or -1.
	unique := func(name string) int {
		l := idx[Normalize(name)]
		if len(l) == 1 {
			return l[0]
		}
		found := -1
		for _, i := range l {
			if out[i].AttackID != "" {
				if found >= 0 {
					return -1
				}
				found = i
			}
		}
		return found
	}
	for _, g := range malpedia {
		for _, c := range g.Clusters {
			i := unique(c.Value)
			if i < 0 && len(idx[Normalize(c.Value)]) == 0 {
				for _, s := range c.Synonyms {
					if j := unique(s); j >= 0 && out[j].AttackID != "" {
						if i >= 0 && i != j {
							i = -1
							break
						}
						i = j
					}
				}
			}
			if i < 0 {
				out = append(out, Software{Name: strings.TrimSpace(c.Value), Kind: "malware"})
				i = len(out) - 1
			}
			out[i].Aliases = mergeNames(out[i].Name, out[i].Aliases, append([]string{c.Value}, c.Synonyms...))
			index(i)
		}
	}
	return out
}
