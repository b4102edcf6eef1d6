package aptgraph_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/kb"
	"github.com/aptgraph/aptgraph/sqlite"
	"github.com/aptgraph/aptgraph/stix"
)

func openAliasStore(t *testing.T) aptgraph.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestNormalizeNameAgreesWithKB checks that the stored names' normal form
// is kb's, on every name kb knows and on the separators and case folds it
// handles.
func TestNormalizeNameAgreesWithKB(t *testing.T) {
	names := []string{"APT 10", "apt-10", "Apt_10", "LAPSUS$", "ſtrontium", "\u212aimsuky", "Lazarus\u00a0Group",
		"ＡＰＴ", "Bronze\u2013Mohawk", "Ἀπτ", "", " . ", "İran", "\xff\xfe"}
	f := kb.Embedded()
	for _, g := range f.Groups {
		names = append(names, g.Name)
		for _, a := range g.Aliases {
			names = append(names, a.Name)
		}
	}
	for _, s := range f.Software {
		names = append(names, s.Name)
		names = append(names, s.Aliases...)
	}
	for _, n := range names {
		if got, want := aptgraph.NormalizeName(n), kb.Normalize(n); got != want {
			t.Errorf("NormalizeName(%q) = %q, want kb.Normalize's %q", n, got, want)
		}
	}
}

func rec(name, key, group, source string, score float64) *aptgraph.NameRecord {
	return &aptgraph.NameRecord{Name: name, Kind: aptgraph.NameGroup, GroupKey: key, GroupName: group, Source: source, Score: score}
}

func TestResolveName(t *testing.T) {
	ctx := t.Context()
	s := openAliasStore(t)
	if _, err := s.PutNames(ctx, []*aptgraph.NameRecord{
		rec("Lazarus Group", "laz", "Lazarus Group", "misp-threat-actor", 1),
		rec("APT38", "laz", "Lazarus Group", "misp-threat-actor", 0.9),
		rec("APT38", "apt38", "APT38", "attack", 1),
		rec("Hidden Cobra", "laz", "Lazarus Group", "attack", 0.9),
		rec("Bluenoroff", "apt38", "APT38", "attack", 0.9),
		rec("Andariel", "and", "Andariel", "attack", 1),
		{Name: "APT38", Kind: aptgraph.NameSoftware, GroupKey: "S1", GroupName: "APT38 tool", Score: 1},
	}); err != nil {
		t.Fatal(err)
	}
	type cand struct {
		key           string
		score         float64
		joined, split bool
	}
	resolve := func(name string) []cand {
		t.Helper()
		cs, err := aptgraph.ResolveName(ctx, s, name)
		if err != nil {
			t.Fatalf("ResolveName(%q): %v", name, err)
		}
		var out []cand
		for _, c := range cs {
			out = append(out, cand{c.GroupKey, c.Score, c.JoinedBy != 0, c.SplitBy != 0})
		}
		return out
	}
	check := func(name string, want ...cand) {
		t.Helper()
		got := resolve(name)
		if len(got) != len(want) {
			t.Fatalf("ResolveName(%q) = %+v, want %+v", name, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("ResolveName(%q)[%d] = %+v, want %+v", name, i, got[i], want[i])
			}
		}
	}

	check("apt 38", cand{"apt38", 0.5, false, false}, cand{"laz", 0.45, false, false})
	check("hidden-cobra", cand{"laz", 0.9, false, false})
	check("nobody")
	if _, err := aptgraph.ResolveName(ctx, s, " -- "); aptgraph.ErrorCode(err) != aptgraph.EINVALID {
		t.Errorf("empty name: %v, want EINVALID", err)
	}

	// A join adds the other name's groups; a split from it undoes the join.
	j, cancelled, err := aptgraph.JoinNames(ctx, s, "Hidden Cobra", "Andariel", "ana", "")
	if err != nil || cancelled {
		t.Fatalf("JoinNames: %v, %v", err, cancelled)
	}
	// The joined group scores as the other name does in the data.
	check("Hidden Cobra", cand{"and", 0.5, true, false}, cand{"laz", 0.45, false, false})
	check("Andariel", cand{"and", 0.5, false, false}, cand{"laz", 0.45, true, false})
	if _, _, err := aptgraph.JoinNames(ctx, s, "andariel", "HIDDEN COBRA", "bo", ""); aptgraph.ErrorCode(err) != aptgraph.ECONFLICT {
		t.Errorf("second join: %v, want ECONFLICT", err)
	}
	u, cancelled, err := aptgraph.SplitNames(ctx, s, "Andariel", "Hidden Cobra", "bo", "")
	if err != nil || !cancelled || u.ID != j.ID || u.UndoneBy != "bo" {
		t.Fatalf("SplitNames after join: %+v, %v, %v; want the join undone", u, cancelled, err)
	}
	check("Hidden Cobra", cand{"laz", 0.9, false, false})

	// A split marks, without removing, the group of the other name that
	// this name is only an alias of.
	sp, cancelled, err := aptgraph.SplitNames(ctx, s, "APT38", "Lazarus Group", "cy", "FBI says apart")
	if err != nil || cancelled {
		t.Fatalf("SplitNames: %v, %v", err, cancelled)
	}
	check("APT38", cand{"apt38", 0.5, false, false}, cand{"laz", 0, false, true})
	check("Lazarus Group", cand{"laz", 1, false, false})
	cs, _ := aptgraph.ResolveName(ctx, s, "APT38")
	if aptgraph.Ambiguous(cs) || cs[1].SplitBy != sp.ID || cs[1].Via != "Lazarus Group" {
		t.Errorf("after split: ambiguous=%v, %+v", aptgraph.Ambiguous(cs), cs[1])
	}
	if _, err := s.UndoAliasClaim(ctx, sp.ID, "cy"); err != nil {
		t.Fatal(err)
	}
	cs, _ = aptgraph.ResolveName(ctx, s, "APT38")
	if !aptgraph.Ambiguous(cs) {
		t.Errorf("APT38 after undo: not ambiguous: %+v", cs)
	}
}

func TestIsLive(t *testing.T) {
	tests := []struct {
		name string
		o    *stix.Object
		want bool
	}{
		{"live", &stix.Object{Type: "intrusion-set"}, true},
		{"revoked", &stix.Object{Type: "intrusion-set", Revoked: true}, false},
		{"deprecated", &stix.Object{Type: "intrusion-set", Extra: map[string]json.RawMessage{"x_mitre_deprecated": json.RawMessage("true")}}, false},
		{"not deprecated", &stix.Object{Type: "intrusion-set", Extra: map[string]json.RawMessage{"x_mitre_deprecated": json.RawMessage("false")}}, true},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := aptgraph.IsLive(tt.o); got != tt.want {
			t.Errorf("%s: IsLive = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestLiveGroups(t *testing.T) {
	ctx := t.Context()
	s := openAliasStore(t)
	mk := func(name string, revoked bool, deprecated bool) *stix.Object {
		o := &stix.Object{Type: "intrusion-set", SpecVersion: "2.1", ID: stix.NewID("intrusion-set", name+"x"),
			Name: name, Created: "2020-01-01T00:00:00Z", Modified: "2020-01-01T00:00:00Z", Revoked: revoked}
		if deprecated {
			o.Extra = map[string]json.RawMessage{"x_mitre_deprecated": json.RawMessage("true")}
		}
		return o
	}
	live, old, dep := mk("Axiom", false, false), mk("Axiom", true, false), mk("Axiom", false, true)
	if _, err := s.Write(ctx, &aptgraph.Batch{Objects: []*stix.Object{live, old, dep}}); err != nil {
		t.Fatal(err)
	}
	got, err := aptgraph.LiveGroups(ctx, s, "axiom")
	if err != nil || len(got) != 1 || got[0].Object.ID != live.ID {
		t.Errorf("LiveGroups = %v, %v; want only %s", got, err, live.ID)
	}
}
