package kb

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMergeIdempotent(t *testing.T) {
	e := Embedded()
	m := Merge(e, e)
	if diff := cmp.Diff(e, m); diff != "" {
		if len(diff) > 3000 {
			diff = diff[:3000]
		}
		t.Errorf("Merge(e, e) differs from e:\n%s", diff)
	}
	c := Merge(e)
	c.Groups[0].Aliases = append(c.Groups[0].Aliases, Alias{Name: "changed"})
	c.Groups[0].Name = "changed"
	if e.Groups[0].Name == "changed" || len(e.Groups[0].Aliases) == len(c.Groups[0].Aliases) {
		t.Error("Merge shares memory with its base")
	}
}

// newerRelease is a made-up ATT&CK release after 18.1: APT40 (its real
// STIX id) gets a new alias and one technique, Sandworm Team is revoked by a
// new group, APT38 is revoked by Lazarus Group, a technique is deprecated
// and a tool is added.
const newerRelease = `{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000001","objects":[
{"type":"x-mitre-collection","id":"x-mitre-collection--1f5f1533-f617-4ca8-9ab4-6a02367fa019","name":"Enterprise ATT&CK","x_mitre_version":"99.0"},
{"type":"intrusion-set","id":"intrusion-set--7113eaa5-ba79-4fb3-b68a-398ee9cd698e","modified":"2099-01-01T00:00:00.000Z","name":"APT40",
 "aliases":["APT40","Merge Test Alias"],"external_references":[{"source_name":"mitre-attack","external_id":"G0065"}]},
{"type":"attack-pattern","id":"attack-pattern--aaaaaaaa-0000-4000-8000-000000000001","name":"Spearphishing Attachment",
 "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"initial-access"}],
 "external_references":[{"source_name":"mitre-attack","external_id":"T1566.001"}]},
{"type":"relationship","id":"relationship--aaaaaaaa-0000-4000-8000-000000000002","relationship_type":"uses",
 "source_ref":"intrusion-set--7113eaa5-ba79-4fb3-b68a-398ee9cd698e","target_ref":"attack-pattern--aaaaaaaa-0000-4000-8000-000000000001"},
{"type":"intrusion-set","id":"intrusion-set--381fcf73-60f6-4ab2-9991-6af3cbc35192","revoked":true,"name":"Sandworm Team",
 "external_references":[{"source_name":"mitre-attack","external_id":"G0034"}]},
{"type":"intrusion-set","id":"intrusion-set--aaaaaaaa-0000-4000-8000-000000000003","name":"Merge Test Replacement",
 "external_references":[{"source_name":"mitre-attack","external_id":"G9001"}]},
{"type":"relationship","id":"relationship--aaaaaaaa-0000-4000-8000-000000000004","relationship_type":"revoked-by",
 "source_ref":"intrusion-set--381fcf73-60f6-4ab2-9991-6af3cbc35192","target_ref":"intrusion-set--aaaaaaaa-0000-4000-8000-000000000003"},
{"type":"attack-pattern","id":"attack-pattern--aaaaaaaa-0000-4000-8000-000000000005","name":"PowerShell","x_mitre_deprecated":true,
 "external_references":[{"source_name":"mitre-attack","external_id":"T1059.001"}]},
{"type":"intrusion-set","id":"intrusion-set--00f67a77-86a4-4adf-be26-1a54fc713340","revoked":true,"name":"APT38",
 "external_references":[{"source_name":"mitre-attack","external_id":"G0082"}]},
{"type":"intrusion-set","id":"intrusion-set--c93fccb1-e8e8-42cf-ae33-2ad1d183913a","name":"Lazarus Group","modified":"2099-01-01T00:00:00.000Z",
 "aliases":["Lazarus Group"],"external_references":[{"source_name":"mitre-attack","external_id":"G0032"}]},
{"type":"relationship","id":"relationship--aaaaaaaa-0000-4000-8000-000000000007","relationship_type":"revoked-by",
 "source_ref":"intrusion-set--00f67a77-86a4-4adf-be26-1a54fc713340","target_ref":"intrusion-set--c93fccb1-e8e8-42cf-ae33-2ad1d183913a"},
{"type":"tool","id":"tool--aaaaaaaa-0000-4000-8000-000000000006","name":"MergeTestWare","x_mitre_aliases":["MergeTestWare","MTW"],
 "external_references":[{"source_name":"mitre-attack","external_id":"S9999"}]}
]}`

func TestMergeNewerAttackRelease(t *testing.T) {
	e := Embedded()
	b, err := ReadAttack(strings.NewReader(newerRelease))
	if err != nil {
		t.Fatal(err)
	}
	m := Merge(e, b.Facts)
	x := NewIndex(m)
	before, _ := embeddedIndex().Lookup("APT40")

	g, ok := x.Lookup("Merge Test Alias")
	if !ok || g.Key != before.Key || g.Name != "APT40" {
		t.Fatalf("Lookup(Merge Test Alias) = %+v, %v; want the APT40 group %s", g, ok, before.Key)
	}
	if len(g.Techniques) != 1 || g.Techniques[0] != "T1566.001" {
		t.Errorf("APT40 techniques = %v, want the newer release's [T1566.001]", g.Techniques)
	}
	if len(g.Aliases) <= len(before.Aliases) || g.Country != "CN" {
		t.Errorf("APT40 lost names or country: %d aliases (had %d), country %q", len(g.Aliases), len(before.Aliases), g.Country)
	}

	// The revoking set lands on the group that held the revoked one (they
	// share its ref), which keeps its canonical name.
	s, ok := x.Lookup("Seashell Blizzard")
	if !ok || s.AttackID != "G9001" || s.Name != "Sandworm" {
		t.Fatalf("Lookup(Seashell Blizzard) = %+v, %v; want Sandworm with the id of the set that revoked Sandworm Team", s, ok)
	}
	if r, ok := x.Lookup("Merge Test Replacement"); !ok || r != s {
		t.Errorf("Lookup(Merge Test Replacement) = %v, %v; want the Sandworm group", r, ok)
	}
	for _, gr := range m.Groups {
		if gr.AttackID == "G0034" {
			t.Errorf("group %q still has the revoked id G0034", gr.Name)
		}
	}
	// APT38, a group of its own in 18.1 (MISP counts it as Lazarus, ATT&CK
	// did not), is folded into Lazarus Group.
	if l, ok := x.Lookup("APT38"); !ok || l.Name != "Lazarus Group" || l.AttackID != "G0032" {
		t.Errorf("Lookup(APT38) = %+v, %v; want Lazarus Group G0032", l, ok)
	}
	if len(m.Groups) != len(e.Groups)-1 {
		t.Errorf("%d groups, want %d (APT38 folded)", len(m.Groups), len(e.Groups)-1)
	}

	if _, ok := x.Technique("T1059.001"); ok {
		t.Error("deprecated T1059.001 is still a technique")
	}
	if _, ok := x.Technique("T1059"); !ok {
		t.Error("T1059 went with its deprecated sub-technique")
	}
	for _, gr := range m.Groups {
		if contains(gr.Techniques, "T1059.001") {
			t.Errorf("group %q still uses deprecated T1059.001", gr.Name)
			break
		}
	}
	if sw, ok := x.Software("MTW"); !ok || sw.AttackID != "S9999" || sw.Kind != "tool" {
		t.Errorf("Software(MTW) = %+v, %v", sw, ok)
	}
	if m.Retired["G0034"] != "G9001" || m.Retired["T1059.001"] != "" {
		t.Errorf("Retired G0034 = %q, T1059.001 = %q", m.Retired["G0034"], m.Retired["T1059.001"])
	}
}

func TestMergeNewerGalaxy(t *testing.T) {
	src, _ := built(t)
	ta := galaxyOf(src, GalaxyThreatActor)
	// A newer threat-actor file: APT40 gains a synonym, a group is added.
	newer := &Galaxy{Type: ta.Type, Name: ta.Name, UUID: ta.UUID, Version: ta.Version + 1}
	for _, c := range ta.Clusters {
		if c.Value == "APT40" {
			c.Synonyms = append(append([]string(nil), c.Synonyms...), "Merge Test Synonym")
		}
		newer.Clusters = append(newer.Clusters, c)
	}
	newer.Clusters = append(newer.Clusters, Cluster{UUID: "aaaaaaaa-0000-4000-8000-0000000000aa", Value: "Merge Test Actor", Country: "FR"})

	e := Embedded()
	m := Merge(e, newer.Facts())
	x := NewIndex(m)
	g, ok := x.Lookup("Merge Test Synonym")
	if !ok || g.Name != "APT40" || g.AttackID != "G0065" || len(g.Techniques) == 0 {
		t.Errorf("Lookup(Merge Test Synonym) = %+v, %v; want APT40 with its ATT&CK facts kept", g, ok)
	}
	n, ok := x.Lookup("merge test actor")
	if !ok || n.Country != "FR" || n.Source != SourceThreatActor {
		t.Errorf("Lookup(merge test actor) = %+v, %v", n, ok)
	}
	if len(m.Groups) != len(e.Groups)+1 {
		t.Errorf("%d groups, want %d", len(m.Groups), len(e.Groups)+1)
	}
	// Merging facts equal to the base changes nothing else.
	for _, name := range []string{"APT29", "Lazarus Group", "Sandworm"} {
		a, _ := embeddedIndex().Lookup(name)
		b, _ := x.Lookup(name)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("group %s changed:\n%s\n%s", name, ja, jb)
		}
	}
}
