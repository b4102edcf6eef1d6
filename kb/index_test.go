package kb

import (
	"testing"
)

func TestResolveAmbiguous(t *testing.T) {
	x := embeddedIndex()
	tests := []struct {
		name  string
		in    string
		first string // the best candidate
		min   int    // at least this many candidates
	}{
		{"canonical name ranks first", "OilRig", "OilRig", 2},
		{"shared by two clusters", "Grizzly Steppe", "", 2},
		{"ATT&CK keeps APT38 apart from Lazarus", "APT38", "APT38", 2},
		{"Microsoft name of two clusters", "Cuboid Sandstorm", "Cuboid Sandstorm", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := x.Resolve(tt.in)
			if len(cs) < tt.min {
				t.Fatalf("Resolve(%q) = %v, want at least %d candidates", tt.in, names(cs), tt.min)
			}
			if _, ok := x.Lookup(tt.in); ok {
				t.Errorf("Lookup(%q) reports one group for an ambiguous name", tt.in)
			}
			if tt.first != "" && cs[0].Group.Name != tt.first {
				t.Errorf("best candidate for %q = %q, want %q", tt.in, cs[0].Group.Name, tt.first)
			}
			for i, c := range cs {
				if c.Score <= 0 || c.Score > 1 {
					t.Errorf("candidate %d score %v out of (0, 1]", i, c.Score)
				}
				if i > 0 && c.Score > cs[i-1].Score {
					t.Errorf("candidates not ordered by score: %v", cs)
				}
				if Normalize(c.Alias.Name) != Normalize(tt.in) {
					t.Errorf("candidate alias %q does not match %q", c.Alias.Name, tt.in)
				}
			}
		})
	}
}

func TestResolveUnknownAndCopy(t *testing.T) {
	x := embeddedIndex()
	if cs := x.Resolve("No Such Group 12345"); len(cs) != 0 {
		t.Errorf("Resolve(unknown) = %v, want none", names(cs))
	}
	if _, ok := x.Lookup(""); ok {
		t.Error("Lookup(\"\") found a group")
	}
	cs := x.Resolve("APT40")
	if len(cs) != 1 || cs[0].Score != 1 || cs[0].Alias.Name != "APT40" {
		t.Fatalf("Resolve(APT40) = %+v, want the canonical name with score 1", cs)
	}
	cs[0].Group = nil
	if again := x.Resolve("APT40"); again[0].Group == nil {
		t.Error("Resolve returned the index's own slice")
	}
	g, _ := x.Lookup("APT40")
	if k, ok := x.Group(g.Key); !ok || k != g {
		t.Errorf("Group(%q) = %v, %v", g.Key, k, ok)
	}
}

func TestSoftwareLookup(t *testing.T) {
	x := embeddedIndex()
	tests := []struct {
		in, name, id, kind string
	}{
		{"Cobalt Strike", "Cobalt Strike", "S0154", "malware"},
		{"S0154", "Cobalt Strike", "S0154", "malware"},
		{"s0154", "Cobalt Strike", "S0154", "malware"},
		{"BEACON", "Cobalt Strike", "S0154", "malware"}, // a malpedia synonym
		{"Korplug", "PlugX", "S0013", "malware"},
		{"mimikatz", "Mimikatz", "S0002", "tool"},
		{"Sogu", "PlugX", "S0013", "malware"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, ok := x.Software(tt.in)
			if !ok {
				t.Fatalf("Software(%q) not found", tt.in)
			}
			if s.Name != tt.name || s.AttackID != tt.id || s.Kind != tt.kind {
				t.Errorf("Software(%q) = %s %s %s, want %s %s %s", tt.in, s.Name, s.AttackID, s.Kind, tt.name, tt.id, tt.kind)
			}
		})
	}
	// A malpedia family ATT&CK does not have.
	n := 0
	for _, s := range x.Facts().Software {
		if s.AttackID == "" {
			n++
			if s.Kind != "malware" {
				t.Errorf("malpedia family %q has kind %q", s.Name, s.Kind)
			}
		}
	}
	if n < 2000 {
		t.Errorf("%d software without ATT&CK id; want the malpedia families", n)
	}
	if _, ok := x.Software("no such malware 0000"); ok {
		t.Error("found unknown software")
	}
}

func TestTechniqueLookup(t *testing.T) {
	x := embeddedIndex()
	tests := []struct {
		in, id, name, parent string
		tactic               string
	}{
		{"T1566.001", "T1566.001", "Spearphishing Attachment", "Phishing", "initial-access"},
		{"t1566.001", "T1566.001", "Spearphishing Attachment", "Phishing", "initial-access"},
		{"Kerberoasting", "T1558.003", "Kerberoasting", "Steal or Forge Kerberos Tickets", "credential-access"},
		{"Phishing: Spearphishing Attachment", "T1566.001", "Spearphishing Attachment", "Phishing", "initial-access"},
		{"T1190", "T1190", "Exploit Public-Facing Application", "", "initial-access"},
		{"T0800", "T0800", "Activate Firmware Update Mode", "", "inhibit-response-function"}, // ICS
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			tq, ok := x.Technique(tt.in)
			if !ok {
				t.Fatalf("Technique(%q) not found", tt.in)
			}
			if tq.ID != tt.id || tq.Name != tt.name || tq.Parent != tt.parent || !contains(tq.Tactics, tt.tactic) {
				t.Errorf("Technique(%q) = %+v, want %s %q parent %q tactic %s", tt.in, tq, tt.id, tt.name, tt.parent, tt.tactic)
			}
		})
	}
	// Names several techniques share resolve to none: Spearphishing Link
	// is under Phishing and Phishing for Information, Spearphishing
	// Attachment in enterprise and ICS.
	for _, name := range []string{"Spearphishing Link", "Spearphishing Attachment"} {
		if tq, ok := x.Technique(name); ok {
			t.Errorf("Technique(%q) = %s, want no single technique", name, tq.ID)
		}
	}
}

func TestCountryLookup(t *testing.T) {
	x := embeddedIndex()
	tests := []struct{ in, iso string }{
		{"KP", "KP"}, {"kp", "KP"}, {"PRK", "KP"}, {"North Korea", "KP"},
		{"Korea, Democratic People's Republic of", "KP"},
		{"Korea (Democratic People's Republic of)", "KP"},
		{"Korea (Republic of)", "KR"}, {"South Korea", "KR"},
		{"Iran (Islamic Republic of)", "IR"}, {"Iran", "IR"},
		{"Russian Federation", "RU"}, {"People's Republic of China", "CN"}, {"china", "CN"},
		{"United States of America", "US"}, {"USA", "US"}, {"Türkiye", "TR"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, ok := x.Country(tt.in)
			if !ok || c.ISO2 != tt.iso {
				t.Errorf("Country(%q) = %v, %v; want %s", tt.in, c, ok, tt.iso)
			}
		})
	}
	for _, in := range []string{"Korea", "Narnia", ""} {
		if c, ok := x.Country(in); ok {
			t.Errorf("Country(%q) = %s, want none", in, c.ISO2)
		}
	}
}

func BenchmarkResolve(b *testing.B) {
	x := embeddedIndex()
	in := []string{"APT 10", "Midnight Blizzard", "KRYPTONITE PANDA", "OilRig", "no such group"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = x.Resolve(in[i%len(in)])
	}
}
