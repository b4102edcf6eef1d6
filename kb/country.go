package kb

import (
	"sort"
	"strings"
)

// countryTable is the country list while facts are built.
type countryTable struct {
	list   []Country
	byName map[string]string // normCountry(name) -> ISO2
	byISO  map[string]bool
}

// buildCountries reads the country galaxy, then adds as aliases the other
// names the threat-actor and Microsoft clusters give a country: a
// cfr-suspected-state-sponsor or microsoft-origin-threat name that the
// cluster pairs, always with the same ISO code, with its meta country.
func buildCountries(countries, threatActors, microsoft []*Galaxy) *countryTable {
	t := &countryTable{byName: map[string]string{}, byISO: map[string]bool{}}
	idx := map[string]int{}
	for _, g := range countries {
		for _, c := range g.Clusters {
			iso := strings.ToUpper(c.ISO)
			if !isISO2(iso) || t.byISO[iso] {
				continue
			}
			name := c.Title
			if name == "" {
				name = c.Value
			}
			co := Country{Name: name, ISO2: iso}
			if isISO3(strings.ToUpper(c.ISO3)) {
				co.ISO3 = strings.ToUpper(c.ISO3)
			}
			if normCountry(c.Value) != normCountry(name) {
				co.Aliases = append(co.Aliases, c.Value)
			}
			t.byISO[iso] = true
			idx[iso] = len(t.list)
			t.list = append(t.list, co)
			t.byName[normCountry(name)] = iso
			t.byName[normCountry(c.Value)] = iso
		}
	}
	// Learn the other names.
	votes := map[string]map[string]int{}
	names := map[string]string{}
	vote := func(name, code string) {
		name = strings.TrimSpace(name)
		code = strings.ToUpper(strings.TrimSpace(code))
		n := normCountry(name)
		if _, known := t.byName[n]; known || n == "" || !t.byISO[code] || t.byISO[strings.ToUpper(name)] || strings.EqualFold(name, "unknown") {
			return
		}
		if votes[n] == nil {
			votes[n] = map[string]int{}
			names[n] = name
		}
		votes[n][code]++
	}
	for _, g := range threatActors {
		for _, c := range g.Clusters {
			if c.StateSponsor != "" && c.Country != "" {
				vote(c.StateSponsor, c.Country)
			}
		}
	}
	for _, g := range microsoft {
		for _, c := range g.Clusters {
			if c.OriginThreat != "" && c.Country != "" {
				first, _, _ := strings.Cut(c.OriginThreat, ",")
				vote(first, c.Country)
			}
		}
	}
	learned := make([]string, 0, len(votes))
	for n := range votes {
		learned = append(learned, n)
	}
	sort.Strings(learned)
	for _, n := range learned {
		if len(votes[n]) != 1 || t.partOfMany(n) {
			continue
		}
		for code := range votes[n] {
			t.byName[n] = code
			c := &t.list[idx[code]]
			c.Aliases = append(c.Aliases, names[n])
		}
	}
	return t
}

// partOfMany reports whether n is the start or end of the names of two or
// more countries, as "korea" is of "north korea" and "south korea": such a
// name is no country's own.
func (t *countryTable) partOfMany(n string) bool {
	isos := map[string]bool{}
	for name, iso := range t.byName {
		if name != n && (strings.HasPrefix(name, n) || strings.HasSuffix(name, n)) {
			isos[iso] = true
		}
	}
	return len(isos) > 1
}

// iso2 returns code as an ISO2 code the table knows (any well-formed code
// when the table is empty), or "".
func (t *countryTable) iso2(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if !isISO2(code) || (len(t.byISO) > 0 && !t.byISO[code]) {
		return ""
	}
	return code
}

// lookup returns the ISO2 code of a country name, alias or code, or "".
func (t *countryTable) lookup(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	if len(name) == 2 {
		if c := t.iso2(name); c != "" && len(t.byISO) > 0 {
			return c
		}
	}
	if iso, ok := t.byName[normCountry(name)]; ok {
		return iso
	}
	// "Iran (Islamic Republic of)" is Iran.
	if i := strings.IndexByte(name, '('); i > 0 {
		if iso, ok := t.byName[normCountry(name[:i])]; ok {
			return iso
		}
	}
	return ""
}

func isISO2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func isISO3(s string) bool {
	return len(s) == 3 && isISO2(s[:2]) && s[2] >= 'A' && s[2] <= 'Z'
}
