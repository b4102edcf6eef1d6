package kb

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEmbeddedUpToDate builds the facts from the shared data and checks
// that they are exactly the embedded ones, so facts.json.gz cannot go stale
// or be edited by hand.
func TestEmbeddedUpToDate(t *testing.T) {
	_, f := built(t)
	got, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		var e Facts
		_ = json.Unmarshal(want, &e)
		var g Facts
		_ = json.Unmarshal(got, &g)
		diff := cmp.Diff(&e, &g)
		if len(diff) > 4000 {
			diff = diff[:4000] + "\n…"
		}
		t.Fatalf("embedded facts differ from those built from the shared data; run go generate ./kb (-embedded +built):\n%s", diff)
	}
	t.Logf("%d groups, %d software, %d techniques, %d countries, %d ambiguous names, %d retired ATT&CK ids",
		len(f.Groups), len(f.Software), len(f.Techniques), len(f.Countries), len(f.Ambiguous), len(f.Retired))
}

func TestBuildDeterministic(t *testing.T) {
	src, f := built(t)
	again := Build(src)
	var a, b bytes.Buffer
	if err := Encode(&a, f); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&b, again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two builds from the same sources encode to different bytes")
	}
	if a.Len() > 1<<20 {
		t.Errorf("facts encode to %d bytes, want well under 1 MiB", a.Len())
	}
	// The gzip header carries no time or name.
	hdr := a.Bytes()[:10]
	if !bytes.Equal(hdr[4:8], []byte{0, 0, 0, 0}) || hdr[3]&0x08 != 0 {
		t.Errorf("gzip header % x has a modification time or file name", hdr)
	}
	dec, err := Decode(&a)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, dec); diff != "" {
		t.Errorf("Decode(Encode(f)) differs from f:\n%s", diff)
	}
}

// TestAliasTable checks names vendors and datasets use, all taken from the
// data, against the group they must resolve to, alone.
func TestAliasTable(t *testing.T) {
	x := embeddedIndex()
	tests := []struct{ name, group string }{
		// APT40
		{"Leviathan", "APT40"}, {"TEMP.Periscope", "APT40"}, {"BRONZE MOHAWK", "APT40"},
		{"GADOLINIUM", "APT40"}, {"Gingham Typhoon", "APT40"}, {"KRYPTONITE PANDA", "APT40"},
		{"TA423", "APT40"}, {"ISLAND CASTLE", "APT40"}, {"ITG09", "APT40"}, {"G0065", "APT40"},
		// APT29
		{"NOBELIUM", "APT29"}, {"Midnight Blizzard", "APT29"}, {"Cozy Bear", "APT29"},
		{"The Dukes", "APT29"}, {"UNC2452", "APT29"}, {"YTTRIUM", "APT29"}, {"IRON HEMLOCK", "APT29"},
		{"Cloaked Ursa", "APT29"}, {"StellarParticle", "APT29"}, {"Dark Halo", "APT29"}, {"G0016", "APT29"},
		// Lazarus Group
		{"Diamond Sleet", "Lazarus Group"}, {"Hidden Cobra", "Lazarus Group"}, {"ZINC", "Lazarus Group"},
		{"Guardians of Peace", "Lazarus Group"},
		// Sandworm
		{"Sandworm Team", "Sandworm"}, {"Seashell Blizzard", "Sandworm"}, {"VOODOO BEAR", "Sandworm"},
		{"IRON VIKING", "Sandworm"}, {"TeleBots", "Sandworm"}, {"APT44", "Sandworm"}, {"ELECTRUM", "Sandworm"},
		{"G0034", "Sandworm"}, {"沙虫", "Sandworm"},
		// APT28
		{"Fancy Bear", "APT28"}, {"STRONTIUM", "APT28"}, {"Forest Blizzard", "APT28"}, {"Sofacy", "APT28"},
		{"Pawn Storm", "APT28"}, {"Sednit", "APT28"}, {"IRON TWILIGHT", "APT28"}, {"TG-4127", "APT28"},
		{"Fighting Ursa", "APT28"}, {"TA422", "APT28"}, {"APT-C-20", "APT28"}, {"奇幻熊", "APT28"}, {"G0007", "APT28"},
		// APT10, with mixed case and spacing
		{"APT 10", "APT10"}, {"apt-10", "APT10"}, {"Apt_10", "APT10"}, {"menuPass", "APT10"},
		{"Stone Panda", "APT10"}, {"POTASSIUM", "APT10"}, {"Purple Typhoon", "APT10"}, {"BRONZE RIVERSIDE", "APT10"},
		// Tick
		{"BRONZE BUTLER", "Tick"}, {"REDBALDKNIGHT", "Tick"}, {"Swirl Typhoon", "Tick"},
		// APT35, Charming Kitten folded in by ATT&CK's revocation of G0058
		{"Charming Kitten", "APT35"}, {"Magic Hound", "APT35"}, {"Mint Sandstorm", "APT35"}, {"PHOSPHORUS", "APT35"},
		// Others
		{"Emerald Sleet", "Kimsuky"}, {"THALLIUM", "Kimsuky"},
		{"Snake", "Turla"}, {"Venomous Bear", "Turla"}, {"Secret Blizzard", "Turla"}, {"Waterbug", "Turla"},
		{"OceanLotus", "APT32"}, {"海莲花", "APT32"}, {"Canvas Cyclone", "APT32"},
		{"BRONZE SILHOUETTE", "Volt Typhoon"}, {"Vanguard Panda", "Volt Typhoon"},
		{"Silk Typhoon", "HAFNIUM"},
		{"Periwinkle Tempest", "WIZARD SPIDER"}, {"GOLD BLACKBURN", "WIZARD SPIDER"},
		{"Octo Tempest", "Scattered Spider"}, {"UNC3944", "Scattered Spider"},
		{"Salt Typhoon", "GhostEmperor"}, {"FamousSparrow", "GhostEmperor"}, {"Earth Estries", "Earth Estries"},
		{"Aqua Blizzard", "Gamaredon Group"}, {"Primitive Bear", "Gamaredon Group"},
		{"Mango Sandstorm", "MuddyWater"}, {"Static Kitten", "MuddyWater"},
		{"APT34", "OilRig"}, {"Helix Kitten", "OilRig"},
		{"Brass Typhoon", "APT41"}, {"BARIUM", "APT41"}, {"Wicked Panda", "APT41"},
		{"Mustang Panda", "MUSTANG PANDA"}, {"Twill Typhoon", "MUSTANG PANDA"}, {"Earth Preta", "MUSTANG PANDA"},
		{"ScarCruft", "APT37"}, {"Reaper", "APT37"}, {"Ricochet Chollima", "APT37"},
		{"Patchwork", "QUILTED TIGER"}, {"Dragonfly 2.0", "ENERGETIC BEAR"}, {"Berserk Bear", "ENERGETIC BEAR"},
		{"Star Blizzard", "Callisto"}, {"SEABORGIUM", "Callisto"},
		{"Comment Crew", "APT1"}, {"Gothic Panda", "APT3"}, {"Buckeye", "APT3"},
	}
	if len(tests) < 60 {
		t.Fatalf("only %d names in the table", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, ok := x.Lookup(tt.name)
			if !ok {
				t.Fatalf("Lookup(%q) found no single group; Resolve gives %v", tt.name, names(x.Resolve(tt.name)))
			}
			if g.Name != tt.group {
				t.Errorf("Lookup(%q) = %q, want %q", tt.name, g.Name, tt.group)
			}
		})
	}
}

func names(cs []Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Group.Name)
	}
	return out
}

// TestCoiners checks who coined names where the data says so: origin:
// meta keys, name-attribution vendor uuids, naming schemes.
func TestCoiners(t *testing.T) {
	x := embeddedIndex()
	tests := []struct{ name, group, coiner, source string }{
		{"BRONZE MOHAWK", "APT40", "Secureworks", SourceThreatActor},
		{"TEMP.Periscope", "APT40", "FireEye", SourceThreatActor},
		{"Gingham Typhoon", "APT40", "Microsoft", SourceThreatActor},
		{"GADOLINIUM", "APT40", "Microsoft", SourceThreatActor},
		{"KRYPTONITE PANDA", "APT40", "CrowdStrike", SourceThreatActor},
		{"Leviathan", "APT40", "Proofpoint", SourceThreatActor},
		{"ISLAND CASTLE", "APT40", "Google", SourceThreatActor},
		{"ITG09", "APT40", "IBM X-Force", SourceThreatActor},
		{"ATK29", "APT40", "Thales", SourceThreatActor},
		{"G0065", "APT40", "MITRE", SourceThreatActor},
		{"APT40", "APT40", "Mandiant", SourceThreatActor},
		{"Sednit", "APT28", "ESET", SourceThreatActor},
		{"Pawn Storm", "APT28", "Trend Micro", SourceThreatActor},
		{"Fighting Ursa", "APT28", "Palo Alto Networks", SourceThreatActor},
		{"APT-C-20", "APT28", "QiAnXin", SourceThreatActor}, // origin:APT-C-20 says QiAnXin
		{"奇幻熊", "APT28", "Qihoo 360", Source360net},
		{"UAC-0028", "APT28", "CERT-UA", SourceThreatActor},
		{"The Dukes", "APT29", "F-Secure", SourceThreatActor},
		{"Midnight Blizzard", "APT29", "Microsoft", SourceAttack},
		{"Sandworm Team", "Sandworm", "", SourceAttack},
		{"Earth Estries", "Earth Estries", "Trend Micro", SourceThreatActor},
		{"Hidden Cobra", "Lazarus Group", "McAfee", SourceThreatActor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := x.Resolve(tt.name)
			if len(cs) != 1 {
				t.Fatalf("Resolve(%q) = %v, want one group", tt.name, names(cs))
			}
			c := cs[0]
			if c.Group.Name != tt.group {
				t.Errorf("group = %q, want %q", c.Group.Name, tt.group)
			}
			if c.Alias.Coiner != tt.coiner {
				t.Errorf("coiner of %q = %q, want %q", c.Alias.Name, c.Alias.Coiner, tt.coiner)
			}
			if c.Alias.Source != tt.source {
				t.Errorf("source of %q = %q, want %q", c.Alias.Name, c.Alias.Source, tt.source)
			}
		})
	}
}

// TestSharedNamesAmbiguous checks that every name the data gives to more
// than one threat-actor cluster is reported ambiguous unless the data itself
// links the clusters, and that no two clusters are merged for sharing a
// name: a group holds two threat-actor clusters only when ATT&CK revoked one
// into the other.
func TestSharedNamesAmbiguous(t *testing.T) {
	src, f := built(t)
	x := NewIndex(f)
	ta := galaxyOf(src, GalaxyThreatActor)
	if ta == nil {
		t.Fatal("no threat-actor galaxy")
	}
	groupOf := map[string]*Group{}
	for i := range f.Groups {
		for _, r := range f.Groups[i].Refs {
			groupOf[r] = &f.Groups[i]
		}
	}
	retired := map[string]bool{}
	for _, b := range src.Attack {
		for id := range b.History {
			retired[id] = true
		}
	}
	// No merging for a shared name.
	clustersIn := map[*Group][]string{}
	for _, c := range ta.Clusters {
		g := groupOf[c.UUID]
		if g == nil {
			t.Errorf("threat-actor cluster %s (%s) is in no group", c.UUID, c.Value)
			continue
		}
		clustersIn[g] = append(clustersIn[g], c.Value)
	}
	folded := 0
	for g, cs := range clustersIn {
		if len(cs) < 2 {
			continue
		}
		folded += len(cs) - 1
		byRevocation := false
		for _, r := range g.Refs {
			byRevocation = byRevocation || (strings.HasPrefix(r, "intrusion-set--") && retired[r])
		}
		if !byRevocation {
			t.Errorf("group %q merges threat-actor clusters %v without an ATT&CK revocation linking them", g.Name, cs)
		}
	}
	// Every shared name is ambiguous, unless its clusters were linked.
	by := map[string]map[string]bool{}
	for _, c := range ta.Clusters {
		for _, n := range threatActorNames(&c) {
			k := Normalize(n)
			if by[k] == nil {
				by[k] = map[string]bool{}
			}
			by[k][c.UUID] = true
		}
	}
	shared := 0
	for k, clusters := range by {
		if len(clusters) < 2 {
			continue
		}
		shared++
		groups := map[string]bool{}
		for u := range clusters {
			groups[groupOf[u].Key] = true
		}
		if len(groups) < 2 {
			continue // linked by the data (a revocation), checked above
		}
		keys := f.Ambiguous[k]
		for g := range groups {
			if !contains(keys, g) {
				t.Errorf("name %q is given to group %s but Ambiguous[%q] = %v", k, g, k, keys)
			}
		}
		if _, ok := x.Lookup(k); ok {
			t.Errorf("Lookup(%q) found one group for a name given to %d", k, len(groups))
		}
		if got := len(x.Resolve(k)); got != len(keys) {
			t.Errorf("Resolve(%q) gives %d candidates, want %d", k, got, len(keys))
		}
	}
	// Ambiguous is exactly the names more than one group has.
	count := map[string]int{}
	for _, g := range f.Groups {
		seen := map[string]bool{}
		for _, n := range append([]string{g.Name}, aliasNames(g.Aliases)...) {
			if k := Normalize(n); !seen[k] {
				seen[k] = true
				count[k]++
			}
		}
	}
	for k, n := range count {
		if (n > 1) != (len(f.Ambiguous[k]) > 1) {
			t.Errorf("name %q is in %d groups but Ambiguous[%q] = %v", k, n, k, f.Ambiguous[k])
		}
	}
	t.Logf("%d names shared by threat-actor clusters; %d clusters folded by ATT&CK revocations; %d names ambiguous after linking",
		shared, folded, len(f.Ambiguous))
	if shared == 0 || len(f.Ambiguous) == 0 {
		t.Error("the data shares names between clusters, but none were found")
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestRetiredAttackGroups checks that revoked and deprecated ATT&CK
// intrusion-sets are not live groups and that a revoked set's names lead to
// the group of the set that revoked it.
func TestRetiredAttackGroups(t *testing.T) {
	src, f := built(t)
	x := NewIndex(f)
	byAttack := map[string]*Group{}
	for i := range f.Groups {
		if id := f.Groups[i].AttackID; id != "" {
			if g := byAttack[id]; g != nil {
				t.Errorf("ATT&CK id %s is on groups %q and %q", id, g.Name, f.Groups[i].Name)
			}
			byAttack[id] = &f.Groups[i]
		}
	}
	n := 0
	for _, b := range src.Attack {
		for _, o := range b.Objects {
			if o.Type != "intrusion-set" || isLive(o) {
				continue
			}
			n++
			gid := attackID(o)
			t.Run(o.Name, func(t *testing.T) {
				if g := byAttack[gid]; g != nil {
					t.Errorf("retired set %s (%s) is live group %q", gid, o.Name, g.Name)
				}
				to := b.History[o.ID]
				if to == "" {
					return // deprecated: no successor
				}
				var want string
				for _, p := range b.Objects {
					if p.ID == to {
						want = attackID(p)
					}
				}
				target := byAttack[want]
				if target == nil {
					t.Fatalf("%s was revoked by %s, which is no live group", gid, want)
				}
				found := false
				for _, c := range x.Resolve(o.Name) {
					found = found || c.Group == target
				}
				if !found {
					t.Errorf("Resolve(%q) = %v, want it to include %q (%s), which revoked it", o.Name, names(x.Resolve(o.Name)), target.Name, want)
				}
				if f.Retired[gid] != want {
					t.Errorf("Retired[%s] = %q, want %q", gid, f.Retired[gid], want)
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no retired intrusion-sets in the data")
	}
}

func TestCanonicalNames(t *testing.T) {
	x := embeddedIndex()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"APT28 stays APT28", "Fancy Bear", "APT28"},
		{"APT28 itself", "APT28", "APT28"},
		{"ATT&CK name does not win", "Sandworm Team", "Sandworm"},
		{"Lazarus", "Lazarus Group", "Lazarus Group"},
		{"Tick", "tick", "Tick"},
		{"ATT&CK-only group", "BlackByte", "BlackByte"},
		{"Microsoft-only group", "Jasper Sleet", "Jasper Sleet"},
		{"360.net-only group", "APT-C-01", "APT-C-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, ok := x.Lookup(tt.in)
			if !ok || g.Name != tt.want {
				t.Errorf("Lookup(%q) = %v, %v; want group %q", tt.in, g, ok, tt.want)
			}
		})
	}
	if g, _ := x.Lookup("G1043"); g == nil || g.Key != "G1043" || g.Source != SourceAttack {
		t.Errorf("ATT&CK-only group BlackByte: got %+v, want key G1043 from attack", g)
	}
}

// TestSaltTyphoonEarthEstries checks the two stay apart unless one cluster
// of the data carries both names.
func TestSaltTyphoonEarthEstries(t *testing.T) {
	src, f := built(t)
	x := NewIndex(f)
	linked := false
	for _, g := range src.Galaxies {
		for _, c := range g.Clusters {
			has := map[string]bool{}
			for _, n := range append(threatActorNames(&c), c.Synonyms...) {
				has[Normalize(n)] = true
			}
			if has["salttyphoon"] && has["earthestries"] {
				linked = true
				t.Logf("cluster %s (%s) links them", c.UUID, c.Value)
			}
		}
	}
	salt, estries := x.Resolve("Salt Typhoon"), x.Resolve("Earth Estries")
	if len(salt) == 0 || len(estries) == 0 {
		t.Fatalf("Resolve: Salt Typhoon %v, Earth Estries %v; want both known", names(salt), names(estries))
	}
	shared := false
	for _, a := range salt {
		for _, b := range estries {
			shared = shared || a.Group == b.Group
		}
	}
	if shared != linked {
		t.Errorf("Salt Typhoon %v and Earth Estries %v share a group = %v, but the data links them = %v",
			names(salt), names(estries), shared, linked)
	}
}

func TestCountriesOfGroups(t *testing.T) {
	x := embeddedIndex()
	tests := []struct{ group, cc string }{
		{"APT40", "CN"}, {"APT28", "RU"}, {"APT29", "RU"}, {"Lazarus Group", "KP"},
		{"Sandworm", "RU"}, {"MuddyWater", "IR"}, {"BlackByte", ""},
	}
	for _, tt := range tests {
		t.Run(tt.group, func(t *testing.T) {
			g, ok := x.Lookup(tt.group)
			if !ok {
				t.Fatalf("Lookup(%q) failed", tt.group)
			}
			if g.Country != tt.cc {
				t.Errorf("country of %q = %q, want %q", tt.group, g.Country, tt.cc)
			}
		})
	}
}

func TestAttackFactsOfGroups(t *testing.T) {
	x := embeddedIndex()
	g, ok := x.Lookup("APT40")
	if !ok {
		t.Fatal("no APT40")
	}
	if g.AttackID != "G0065" {
		t.Errorf("APT40 AttackID = %q, want G0065", g.AttackID)
	}
	if !contains(g.Techniques, "T1566.001") || !contains(g.Techniques, "T1190") {
		t.Errorf("APT40 techniques %v lack T1566.001 or T1190", g.Techniques)
	}
	for _, id := range g.Techniques {
		if _, ok := x.Technique(id); !ok {
			t.Errorf("APT40 uses %s, which is no live technique", id)
		}
	}
	if len(g.Software) == 0 {
		t.Fatal("APT40 uses no software")
	}
	for _, id := range g.Software {
		if s, ok := x.Software(id); !ok || s.AttackID != id {
			t.Errorf("APT40 uses %s, which is no live software", id)
		}
	}
	if !sort.StringsAreSorted(g.Techniques) || !sort.StringsAreSorted(g.Software) {
		t.Error("technique or software ids are not sorted")
	}
}
