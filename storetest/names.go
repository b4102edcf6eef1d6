package storetest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aptgraph/aptgraph"
)

func nameRec(name, key, group, source string, score float64) *aptgraph.NameRecord {
	return &aptgraph.NameRecord{Name: name, Kind: aptgraph.NameGroup, GroupKey: key, GroupName: group,
		Source: source, Coiner: "Mandiant", Score: score}
}

func putNames(t *testing.T, s aptgraph.Store, recs ...*aptgraph.NameRecord) int {
	t.Helper()
	n, err := s.PutNames(t.Context(), recs)
	if err != nil {
		t.Fatalf("PutNames: %v", err)
	}
	return n
}

func testNames(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	recs := []*aptgraph.NameRecord{
		nameRec("APT 40", "k1", "APT40", "misp-threat-actor", 1),
		nameRec("Leviathan", "k1", "APT40", "attack", 0.9),
		nameRec("Leviathan", "k2", "Other Leviathan", "misp-360net", 0.8),
		nameRec("APT-40", "k1", "APT40", "attack", 0.9), // same norm and key as the first: dropped
		{Name: "Leviathan", Kind: aptgraph.NameSoftware, GroupKey: "S9", GroupName: "Leviathan RAT", Score: 1},
	}
	if n := putNames(t, s, recs...); n != 4 {
		t.Errorf("first put changed %d, want 4", n)
	}
	if n := putNames(t, s, recs...); n != 0 {
		t.Errorf("second put changed %d, want 0", n)
	}
	if n, err := s.CountNames(ctx); err != nil || n != 4 {
		t.Errorf("CountNames = %d, %v; want 4", n, err)
	}
	got, err := s.Names(ctx, "leviathan")
	if err != nil {
		t.Fatal(err)
	}
	want := []*aptgraph.NameRecord{
		{Name: "Leviathan", Norm: "leviathan", Kind: "group", GroupKey: "k1", GroupName: "APT40", Source: "attack", Coiner: "Mandiant", Score: 0.9},
		{Name: "Leviathan", Norm: "leviathan", Kind: "group", GroupKey: "k2", GroupName: "Other Leviathan", Source: "misp-360net", Coiner: "Mandiant", Score: 0.8},
		{Name: "Leviathan", Norm: "leviathan", Kind: "software", GroupKey: "S9", GroupName: "Leviathan RAT", Score: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Names(leviathan) (-want +got):\n%s", diff)
	}
	if got, err := s.Names(ctx, "apt40"); err != nil || len(got) != 1 || got[0].Name != "APT 40" {
		t.Errorf("Names(apt40) = %v, %v; want the first record", got, err)
	}
	if got, err := s.Names(ctx, "nobody"); err != nil || len(got) != 0 {
		t.Errorf("Names(nobody) = %v, %v; want none", got, err)
	}

	// A changed record replaces the stored one; nothing is removed.
	if n := putNames(t, s, nameRec("Leviathan", "k2", "Other Leviathan", "misp-threat-actor", 0.9)); n != 1 {
		t.Errorf("changed put changed %d, want 1", n)
	}
	got, _ = s.Names(ctx, "leviathan")
	if len(got) != 3 || got[1].Source != "misp-threat-actor" || got[1].Score != 0.9 {
		t.Errorf("after change: %+v", got[1])
	}

	// Bad records fail the whole put and store nothing.
	bad := []struct {
		name string
		rec  *aptgraph.NameRecord
		code string
	}{
		{"no name", nameRec(" - ", "k3", "G", "x", 1), aptgraph.EINVALID},
		{"no key", nameRec("X", "", "G", "x", 1), aptgraph.EINVALID},
		{"zero score", nameRec("X", "k3", "G", "x", 0), aptgraph.EINVALID},
		{"wrong norm", &aptgraph.NameRecord{Name: "X", Norm: "y", Kind: "group", GroupKey: "k", GroupName: "G", Score: 1}, aptgraph.EINVALID},
		{"kind", &aptgraph.NameRecord{Name: "X", Kind: "planet", GroupKey: "k", GroupName: "G", Score: 1}, aptgraph.EINVALID},
		{"NUL", nameRec("X\x00Y", "k3", "G", "x", 1), aptgraph.EINVALID},
		{"long", nameRec(strings.Repeat("x", 300), "k3", "G", "x", 1), aptgraph.EINVALID},
	}
	for _, tt := range bad {
		_, err := s.PutNames(ctx, []*aptgraph.NameRecord{nameRec("Fresh", "k9", "Fresh", "x", 1), tt.rec})
		wantCode(t, tt.name, err, tt.code)
	}
	huge := make([]*aptgraph.NameRecord, aptgraph.MaxNameRecords+1)
	for i := range huge {
		huge[i] = recs[0]
	}
	_, err = s.PutNames(ctx, huge)
	wantCode(t, "huge", err, aptgraph.ETOOLARGE)
	if n, _ := s.CountNames(ctx); n != 4 {
		t.Errorf("after bad puts CountNames = %d, want 4", n)
	}
}

func testAliasClaims(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	j := &aptgraph.AliasClaim{Kind: aptgraph.AliasJoin, A: "APT 40", B: "Bronze Mohawk", By: "ana", Note: "same C2"}
	if err := s.CreateAliasClaim(ctx, j); err != nil {
		t.Fatal(err)
	}
	sp := &aptgraph.AliasClaim{Kind: aptgraph.AliasSplit, A: "Lazarus", B: "APT38", By: "bo"}
	if err := s.CreateAliasClaim(ctx, sp); err != nil {
		t.Fatal(err)
	}
	if j.ID == 0 || sp.ID <= j.ID || j.Created.IsZero() || j.NormA != "apt40" || j.NormB != "bronzemohawk" {
		t.Errorf("claims not filled in: %+v, %+v", j, sp)
	}
	for _, c := range []*aptgraph.AliasClaim{
		{Kind: "merge", A: "a", B: "b"},
		{Kind: aptgraph.AliasJoin, A: "a", B: ""},
		{Kind: aptgraph.AliasJoin, A: "APT-1", B: "apt 1"},
		{Kind: aptgraph.AliasJoin, A: "a", B: "b", Note: strings.Repeat("n", 5000)},
	} {
		wantCode(t, "bad claim "+c.Kind+" "+c.A+"/"+c.B, s.CreateAliasClaim(ctx, c), aptgraph.EINVALID)
	}

	all, err := s.AliasClaims(ctx, aptgraph.AliasClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*aptgraph.AliasClaim{j, sp}, all); diff != "" {
		t.Errorf("AliasClaims (-want +got):\n%s", diff)
	}
	got, err := s.AliasClaims(ctx, aptgraph.AliasClaimFilter{Norm: "bronzemohawk"})
	if err != nil || len(got) != 1 || got[0].ID != j.ID {
		t.Errorf("AliasClaims by B side: %v, %v", got, err)
	}

	u, err := s.UndoAliasClaim(ctx, j.ID, "cy")
	if err != nil {
		t.Fatal(err)
	}
	if u.Standing() || u.UndoneBy != "cy" || u.ID != j.ID {
		t.Errorf("undone claim: %+v", u)
	}
	_, err = s.UndoAliasClaim(ctx, j.ID, "cy")
	wantCode(t, "undo twice", err, aptgraph.ECONFLICT)
	_, err = s.UndoAliasClaim(ctx, 9999, "cy")
	wantCode(t, "undo unknown", err, aptgraph.ENOTFOUND)

	if got, _ := s.AliasClaims(ctx, aptgraph.AliasClaimFilter{Norm: "apt40"}); len(got) != 0 {
		t.Errorf("standing claims of apt40 after undo: %v", got)
	}
	got, err = s.AliasClaims(ctx, aptgraph.AliasClaimFilter{Norm: "apt40", Undone: true})
	if err != nil || len(got) != 1 || got[0].UndoneBy != "cy" || !got[0].Undone.Equal(u.Undone) {
		t.Errorf("all claims of apt40: %v, %v", got, err)
	}
}
