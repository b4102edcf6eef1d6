// Package storetest is the one test suite of aptgraph.Store. Every engine
// runs it, so that they all mean the same thing by each method.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// Run runs the suite. open must return a new, empty store for the test it is
// given, and close it when that test ends.
func Run(t *testing.T, open func(t *testing.T) aptgraph.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s aptgraph.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"IdempotentRewrite", testIdempotentRewrite},
		{"MergeAccumulates", testMergeAccumulates},
		{"AllOrNothing", testAllOrNothing},
		{"Versions", testVersions},
		{"UnversionedObjects", testUnversionedObjects},
		{"Filters", testFilters},
		{"Relationships", testRelationships},
		{"Search", testSearch},
		{"ReportText", testReportText},
		{"Collections", testCollections},
		{"CollectionObjects", testCollectionObjects},
		{"RawOnly", testRawOnly},
		{"AddedAfter", testAddedAfter},
		{"Tokens", testTokens},
		{"ConcurrentPaging", testConcurrentPaging},
		{"Names", testNames},
		{"AliasClaims", testAliasClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

// ts returns a STIX timestamp d after a fixed moment.
func ts(d time.Duration) string {
	return stix.FormatTime(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).Add(d))
}

func obj(typ, name string, modify ...func(o *stix.Object)) *stix.Object {
	o := &stix.Object{Type: typ, SpecVersion: "2.1", ID: stix.NewID(typ, name), Name: name,
		Created: ts(0), Modified: ts(0)}
	for _, m := range modify {
		m(o)
	}
	return o
}

func write(t *testing.T, s aptgraph.Store, b *aptgraph.Batch) *aptgraph.WriteResult {
	t.Helper()
	res, err := s.Write(t.Context(), b)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return res
}

func objects(t *testing.T, s aptgraph.Store, f aptgraph.ObjectFilter) []*aptgraph.StoredObject {
	t.Helper()
	got, err := s.Objects(t.Context(), f)
	if err != nil {
		t.Fatalf("Objects(%+v): %v", f, err)
	}
	return got
}

func ids(objs []*aptgraph.StoredObject) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.Object.ID
	}
	return out
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := aptgraph.ErrorCode(err); got != code {
		t.Errorf("%s: error %v has code %q, want %q", what, err, got, code)
	}
}

func wantResult(t *testing.T, got *aptgraph.WriteResult, want aptgraph.WriteResult) {
	t.Helper()
	if *got != want {
		t.Errorf("write result %+v, want %+v", *got, want)
	}
}

func countVersions(t *testing.T, s aptgraph.Store) int {
	t.Helper()
	return len(objects(t, s, aptgraph.ObjectFilter{AllVersions: true}))
}

func testRoundTrip(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	g := obj("intrusion-set", "APT40", func(o *stix.Object) {
		o.Aliases = []string{"Leviathan"}
		o.ObjectMarkingRefs = []string{stix.TLPAmber.MarkingID()}
		o.Confidence = new(70)
		o.Extra = map[string]json.RawMessage{
			"x_vendor_score":  json.RawMessage(`{"a":[1,2,{"b":null}],"c":"ü\u0007"}`),
			"x_mitre_aliases": json.RawMessage(`["Kryptonite Panda"]`),
		}
	})
	sco := &stix.Object{Type: "domain-name", ID: stix.ObservableID("domain-name", map[string]any{"value": "evil.example"}),
		Value: "evil.example", Extra: map[string]json.RawMessage{"x_first_resolved": json.RawMessage(`"2020"`)}}
	res := write(t, s, &aptgraph.Batch{Objects: []*stix.Object{g, sco}})
	wantResult(t, res, aptgraph.WriteResult{Created: 2})

	for _, want := range []*stix.Object{g, sco} {
		got, err := s.Object(ctx, want.ID)
		if err != nil {
			t.Fatalf("Object(%s): %v", want.ID, err)
		}
		wantRaw, _ := json.Marshal(want)
		if string(got.Raw) != string(wantRaw) {
			t.Errorf("raw of %s:\ngot  %s\nwant %s", want.Type, got.Raw, wantRaw)
		}
		if diff := cmp.Diff(want, got.Object); diff != "" {
			t.Errorf("object %s (-want +got):\n%s", want.Type, diff)
		}
		if got.Seq <= 0 || got.DateAdded.IsZero() {
			t.Errorf("%s: seq %d, date added %v: want both set", want.Type, got.Seq, got.DateAdded)
		}
	}
	got, _ := s.Object(ctx, g.ID)
	if got.TLP != stix.TLPAmber {
		t.Errorf("TLP = %v, want amber", got.TLP)
	}
	if got.Version != aptgraph.VersionKey(g) {
		t.Errorf("Version = %q, want %q", got.Version, aptgraph.VersionKey(g))
	}
	if d := time.Since(got.DateAdded); d < 0 || d > time.Minute {
		t.Errorf("DateAdded %v is not about now", got.DateAdded)
	}

	_, err := s.Object(ctx, stix.NewID("intrusion-set", "nobody"))
	wantCode(t, "Object of an unknown id", err, aptgraph.ENOTFOUND)
}

func testIdempotentRewrite(t *testing.T, s aptgraph.Store) {
	b := Report(1)
	first := write(t, s, b)
	if first.Created != len(b.Objects) || first.Updated != 0 || first.Unchanged != 0 {
		t.Errorf("first write %+v, want %d created", *first, len(b.Objects))
	}
	before := objects(t, s, aptgraph.ObjectFilter{AllVersions: true})

	for _, merge := range []bool{true, false} {
		b := Report(1)
		b.Merge = merge
		res := write(t, s, b)
		wantResult(t, res, aptgraph.WriteResult{Unchanged: len(b.Objects)})
	}
	after := objects(t, s, aptgraph.ObjectFilter{AllVersions: true})
	if diff := cmp.Diff(ids(before), ids(after)); diff != "" || len(after) != len(before) ||
		after[len(after)-1].Seq != before[len(before)-1].Seq {
		t.Errorf("re-writing added versions (-before +after):\n%s", diff)
	}
}

func testMergeAccumulates(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	r1, r2 := Report(1), Report(2)
	write(t, s, r1)
	groupID := stix.NewID("intrusion-set", "APT40")
	before, err := s.Object(ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}

	res := write(t, s, r2)
	if res.Updated == 0 || res.Created == 0 || res.Created+res.Updated+res.Unchanged != len(r2.Objects) {
		t.Errorf("second report: %+v, want some objects created and some updated, %d in all", *res, len(r2.Objects))
	}
	after, err := s.Object(ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	g := after.Object
	for _, alias := range []string{"Leviathan", "Codename 1", "Codename 2"} {
		if !slices.Contains(g.Aliases, alias) {
			t.Errorf("aliases %v lack %q", g.Aliases, alias)
		}
	}
	reports := map[string]bool{}
	for _, e := range g.Evidence {
		reports[e.ReportRef] = true
	}
	if !reports[r1.Report.ID] || !reports[r2.Report.ID] || len(g.Evidence) != 2 {
		t.Errorf("evidence %+v, want one from each report", g.Evidence)
	}
	if after.Version <= before.Version || after.Seq <= before.Seq || !after.DateAdded.After(before.DateAdded) {
		t.Errorf("merged version (%s, seq %d, added %v) does not follow the first (%s, seq %d, added %v)",
			after.Version, after.Seq, after.DateAdded, before.Version, before.Seq, before.DateAdded)
	}
	if g.Created != before.Object.Created {
		t.Errorf("created = %s, want the first report's %s", g.Created, before.Object.Created)
	}
	versions := objects(t, s, aptgraph.ObjectFilter{IDs: []string{groupID}, AllVersions: true})
	if len(versions) != 2 {
		t.Errorf("%d versions of the group, want 2", len(versions))
	}
	byAlias := objects(t, s, aptgraph.ObjectFilter{Name: "codename 2"})
	if len(byAlias) != 1 || byAlias[0].Object.ID != groupID {
		t.Errorf("Name filter on the new alias found %v, want the group", ids(byAlias))
	}

	// Each report again: nothing new.
	for _, b := range []*aptgraph.Batch{Report(1), Report(2)} {
		res := write(t, s, b)
		wantResult(t, res, aptgraph.WriteResult{Unchanged: len(b.Objects)})
	}
}

func testAllOrNothing(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	good := Report(1)
	bad := &stix.Object{Type: "malware", ID: "malware--not-a-uuid", Name: "Broken"}
	b := &aptgraph.Batch{Report: good.Report, Text: good.Text, Merge: true, Objects: append(good.Objects, bad)}
	_, err := s.Write(ctx, b)
	wantCode(t, "batch with an invalid object", err, aptgraph.EINVALID)

	_, err = s.Write(ctx, &aptgraph.Batch{Objects: Report(2).Objects, Collection: "no-such-collection"})
	wantCode(t, "batch into an unknown collection", err, aptgraph.ENOTFOUND)

	if got := objects(t, s, aptgraph.ObjectFilter{AllVersions: true}); len(got) != 0 {
		t.Errorf("failed writes left %d versions: %v", len(got), ids(got))
	}
	_, err = s.ReportText(ctx, good.Report.ID)
	wantCode(t, "ReportText after a failed write", err, aptgraph.ENOTFOUND)
	hits, err := s.Search(ctx, "Leviathan", 10)
	if err != nil || len(hits) != 0 {
		t.Errorf("Search after failed writes: %d hits, %v; want none", len(hits), err)
	}

	_, err = s.Write(ctx, &aptgraph.Batch{Report: obj("malware", "not a report")})
	wantCode(t, "batch whose report is malware", err, aptgraph.EINVALID)
}

func testVersions(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	v := func(d time.Duration, desc string) *stix.Object {
		return obj("malware", "PlugX", func(o *stix.Object) { o.Modified = ts(d); o.Description = desc })
	}
	wantResult(t, write(t, s, &aptgraph.Batch{Objects: []*stix.Object{v(time.Hour, "one")}}), aptgraph.WriteResult{Created: 1})
	wantResult(t, write(t, s, &aptgraph.Batch{Objects: []*stix.Object{v(2*time.Hour, "two")}}), aptgraph.WriteResult{Updated: 1})
	// The same modified again, even with other content, is the stored version.
	wantResult(t, write(t, s, &aptgraph.Batch{Objects: []*stix.Object{v(time.Hour, "one, edited")}}), aptgraph.WriteResult{Unchanged: 1})
	// An older version is kept, but does not become the newest.
	wantResult(t, write(t, s, &aptgraph.Batch{Objects: []*stix.Object{v(0, "zero")}}), aptgraph.WriteResult{Updated: 1})

	id := v(0, "").ID
	got, err := s.Object(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Object.Description != "two" {
		t.Errorf("newest version says %q, want %q", got.Object.Description, "two")
	}
	descs := func(f aptgraph.ObjectFilter) []string {
		var out []string
		for _, o := range objects(t, s, f) {
			out = append(out, o.Object.Description)
		}
		return out
	}
	tests := []struct {
		name string
		f    aptgraph.ObjectFilter
		want []string
	}{
		{"newest by default", aptgraph.ObjectFilter{IDs: []string{id}}, []string{"two"}},
		{"all versions in write order", aptgraph.ObjectFilter{IDs: []string{id}, AllVersions: true}, []string{"one", "two", "zero"}},
		{"first", aptgraph.ObjectFilter{Versions: []string{aptgraph.VersionFirst}}, []string{"zero"}},
		{"first and last", aptgraph.ObjectFilter{Versions: []string{aptgraph.VersionFirst, aptgraph.VersionLast}}, []string{"two", "zero"}},
		{"by modified", aptgraph.ObjectFilter{Versions: []string{ts(time.Hour)}}, []string{"one"}},
		{"by modified, other spelling", aptgraph.ObjectFilter{Versions: []string{"2024-06-01T01:00:00Z"}}, []string{"one"}},
		{"all keyword", aptgraph.ObjectFilter{Versions: []string{aptgraph.VersionAll}}, []string{"one", "two", "zero"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, descs(tt.f)); diff != "" {
				t.Errorf("versions (-want +got):\n%s", diff)
			}
		})
	}
	_, err = s.Objects(ctx, aptgraph.ObjectFilter{Versions: []string{"newest"}})
	wantCode(t, "Objects with a bad version", err, aptgraph.EINVALID)
}

func testUnversionedObjects(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	ip := func(reports ...string) *stix.Object {
		o := &stix.Object{Type: "ipv4-addr", ID: stix.ObservableID("ipv4-addr", map[string]any{"value": "203.0.113.9"}),
			Value: "203.0.113.9"}
		for _, r := range reports {
			o.Evidence = append(o.Evidence, stix.Evidence{ReportRef: r, Start: 1, End: 2})
		}
		return o
	}
	r1, r2 := stix.NewID("report", "one"), stix.NewID("report", "two")
	wantResult(t, write(t, s, &aptgraph.Batch{Merge: true, Objects: []*stix.Object{ip(r1)}}), aptgraph.WriteResult{Created: 1})
	wantResult(t, write(t, s, &aptgraph.Batch{Merge: true, Objects: []*stix.Object{ip(r1)}}), aptgraph.WriteResult{Unchanged: 1})
	wantResult(t, write(t, s, &aptgraph.Batch{Merge: true, Objects: []*stix.Object{ip(r2)}}), aptgraph.WriteResult{Updated: 1})
	wantResult(t, write(t, s, &aptgraph.Batch{Objects: []*stix.Object{ip(r1, r2)}}), aptgraph.WriteResult{Unchanged: 1})
	wantResult(t, write(t, s, &aptgraph.Batch{Objects: []*stix.Object{ip()}}), aptgraph.WriteResult{Updated: 1})

	got, err := s.Object(ctx, ip().ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Object.Evidence) != 0 || got.Object.Modified != "" {
		t.Errorf("newest version %s, want the last written, without evidence or modified", got.Raw)
	}
	all := objects(t, s, aptgraph.ObjectFilter{AllVersions: true})
	if len(all) != 3 {
		t.Fatalf("%d versions, want 3", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Version <= all[i-1].Version {
			t.Errorf("version %d key %q is not after %q", i, all[i].Version, all[i-1].Version)
		}
	}

	// A marking definition has created but no modified: merging into it
	// still makes a later version.
	m := stix.TLPMarking(stix.TLPAmber)
	write(t, s, &aptgraph.Batch{Merge: true, Objects: []*stix.Object{m}})
	m2 := stix.TLPMarking(stix.TLPAmber)
	m2.Labels = []string{"extra"}
	wantResult(t, write(t, s, &aptgraph.Batch{Merge: true, Objects: []*stix.Object{m2}}), aptgraph.WriteResult{Updated: 1})
	if got, err := s.Object(ctx, m.ID); err != nil || !slices.Contains(got.Object.Labels, "extra") {
		t.Errorf("marking definition after merge: %v, %v; want the label merged in", got, err)
	}
}

func testFilters(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	amber, red := stix.TLPAmber, stix.TLPRed
	clear := stix.TLPClear
	mark := func(l stix.TLP) func(o *stix.Object) {
		return func(o *stix.Object) { o.ObjectMarkingRefs = []string{l.MarkingID()} }
	}
	apt40 := obj("intrusion-set", "APT40", func(o *stix.Object) { o.Aliases = []string{"Kryptonite  Panda"} }, mark(clear))
	apt41 := obj("intrusion-set", "APT41", mark(amber))
	plugx := obj("malware", "PlugX", mark(red))
	unmarked := obj("tool", "Mimikatz")
	old := obj("malware", "OldSpec", func(o *stix.Object) { o.SpecVersion = "2.0" })
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{apt40, apt41}})
	first := objects(t, s, aptgraph.ObjectFilter{})
	time.Sleep(2 * time.Millisecond)
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{plugx, unmarked, old}})
	// A new version of APT40, with an alias the old one lacked.
	apt40v2 := obj("intrusion-set", "APT40", func(o *stix.Object) {
		o.Modified = ts(time.Hour)
		o.Aliases = []string{"Gingham Typhoon"}
	}, mark(clear))
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{apt40v2}})

	lastOfFirst := first[len(first)-1]
	tests := []struct {
		name string
		f    aptgraph.ObjectFilter
		want []*stix.Object
	}{
		{"everything, newest versions, write order", aptgraph.ObjectFilter{}, []*stix.Object{apt41, plugx, unmarked, old, apt40v2}},
		{"all versions", aptgraph.ObjectFilter{AllVersions: true}, []*stix.Object{apt40, apt41, plugx, unmarked, old, apt40v2}},
		{"ids", aptgraph.ObjectFilter{IDs: []string{plugx.ID, apt41.ID, "malware--00000000-0000-4000-8000-000000000000"}}, []*stix.Object{apt41, plugx}},
		{"types", aptgraph.ObjectFilter{Types: []string{"malware", "tool"}}, []*stix.Object{plugx, unmarked, old}},
		{"spec versions", aptgraph.ObjectFilter{SpecVersions: []string{"2.0"}}, []*stix.Object{old}},
		{"name, any case", aptgraph.ObjectFilter{Name: "apt41"}, []*stix.Object{apt41}},
		{"new alias, any case and spacing", aptgraph.ObjectFilter{Name: " gingham   TYPHOON"}, []*stix.Object{apt40v2}},
		{"alias of an old version only", aptgraph.ObjectFilter{Name: "Kryptonite Panda"}, nil},
		{"name of no object", aptgraph.ObjectFilter{Name: "APT4"}, nil},
		{"after seq", aptgraph.ObjectFilter{AfterSeq: lastOfFirst.Seq}, []*stix.Object{plugx, unmarked, old, apt40v2}},
		{"added after", aptgraph.ObjectFilter{AddedAfter: lastOfFirst.DateAdded}, []*stix.Object{plugx, unmarked, old, apt40v2}},
		{"all versions added after", aptgraph.ObjectFilter{AllVersions: true, AddedAfter: lastOfFirst.DateAdded.Add(-time.Nanosecond)},
			[]*stix.Object{apt41, plugx, unmarked, old, apt40v2}},
		{"max TLP clear (unmarked counts as clear)", aptgraph.ObjectFilter{MaxTLP: &clear}, []*stix.Object{unmarked, old, apt40v2}},
		{"max TLP amber", aptgraph.ObjectFilter{MaxTLP: &amber}, []*stix.Object{apt41, unmarked, old, apt40v2}},
		{"max TLP red", aptgraph.ObjectFilter{MaxTLP: &red}, []*stix.Object{apt41, plugx, unmarked, old, apt40v2}},
		{"limit", aptgraph.ObjectFilter{Limit: 2}, []*stix.Object{apt41, plugx}},
		{"limit after seq", aptgraph.ObjectFilter{Limit: 2, AfterSeq: lastOfFirst.Seq}, []*stix.Object{plugx, unmarked}},
		{"types and name", aptgraph.ObjectFilter{Types: []string{"malware"}, Name: "APT40"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := objects(t, s, tt.f)
			var gotObjs []*stix.Object
			for _, o := range got {
				gotObjs = append(gotObjs, o.Object)
			}
			if diff := cmp.Diff(tt.want, gotObjs); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Seq <= got[i-1].Seq || !got[i].DateAdded.After(got[i-1].DateAdded) {
					t.Errorf("result %d (seq %d, added %v) does not follow result %d (seq %d, added %v)",
						i, got[i].Seq, got[i].DateAdded, i-1, got[i-1].Seq, got[i-1].DateAdded)
				}
			}
		})
	}
	_, err := s.Objects(ctx, aptgraph.ObjectFilter{Collection: "nope"})
	wantCode(t, "Objects in an unknown collection", err, aptgraph.ENOTFOUND)
}

func testRelationships(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	b := Report(1)
	write(t, s, b)
	group := stix.NewID("intrusion-set", "APT40")
	mss := stix.NewID("threat-actor", "Ministry of State Security")
	japan := stix.NewID("identity", "Government of Japan")
	count := func(typ string) (n int) {
		for _, o := range b.Objects {
			if o.Type == "relationship" && (typ == "" || o.RelationshipType == typ) {
				n++
			}
		}
		return n
	}
	rels := func(f aptgraph.RelationshipFilter) []*stix.Object {
		got, err := s.Relationships(ctx, f)
		if err != nil {
			t.Fatalf("Relationships(%+v): %v", f, err)
		}
		return got
	}
	tests := []struct {
		name  string
		f     aptgraph.RelationshipFilter
		want  int
		check func(o *stix.Object) bool
	}{
		{"all", aptgraph.RelationshipFilter{}, count(""), func(o *stix.Object) bool { return o.Type == "relationship" }},
		{"type", aptgraph.RelationshipFilter{Types: []string{"uses"}}, count("uses"), func(o *stix.Object) bool { return o.RelationshipType == "uses" }},
		{"source and type", aptgraph.RelationshipFilter{SourceRefs: []string{group}, Types: []string{"attributed-to"}}, 1,
			func(o *stix.Object) bool { return o.TargetRef == mss && o.Confidence != nil && *o.Confidence == 85 }},
		{"target", aptgraph.RelationshipFilter{TargetRefs: []string{mss}}, 1, func(o *stix.Object) bool { return o.SourceRef == group }},
		{"either end", aptgraph.RelationshipFilter{AnyRefs: []string{mss}}, 2,
			func(o *stix.Object) bool { return o.SourceRef == mss || o.TargetRef == mss }},
		{"claimant", aptgraph.RelationshipFilter{CreatedByRef: japan}, 1, func(o *stix.Object) bool { return o.RelationshipType == "attributed-to" }},
		{"limit", aptgraph.RelationshipFilter{Limit: 3}, 3, func(o *stix.Object) bool { return true }},
		{"nothing", aptgraph.RelationshipFilter{SourceRefs: []string{mss}, Types: []string{"uses"}}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rels(tt.f)
			if len(got) != tt.want {
				t.Errorf("%d relationships, want %d", len(got), tt.want)
			}
			for _, o := range got {
				if !tt.check(o) {
					t.Errorf("relationship %s %s %s %s does not match the filter", o.ID, o.SourceRef, o.RelationshipType, o.TargetRef)
				}
			}
		})
	}

	// Only the newest version of a relationship counts.
	var claim *stix.Object
	for _, o := range b.Objects {
		if o.RelationshipType == "attributed-to" {
			c := *o
			claim = &c
		}
	}
	claim.TargetRef = stix.NewID("threat-actor", "Someone else")
	claim.Modified = ts(365 * 24 * time.Hour)
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{claim}})
	if got := rels(aptgraph.RelationshipFilter{TargetRefs: []string{mss}, Types: []string{"attributed-to"}}); len(got) != 0 {
		t.Errorf("old version of the claim still found: %d", len(got))
	}
	if got := rels(aptgraph.RelationshipFilter{TargetRefs: []string{claim.TargetRef}}); len(got) != 1 || got[0].Modified != claim.Modified {
		t.Errorf("new version of the claim: %d found, want 1", len(got))
	}
}

func testSearch(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	b := Report(1)
	b.Text += "\nSpear-phishing e-mails carried the BADFLICK backdoor to shipyards in Hainan.\n"
	write(t, s, b)
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{
		obj("intrusion-set", "Lazarus Group", func(o *stix.Object) {
			o.Aliases = []string{"Hidden Cobra"}
			o.Description = "A North Korean group known for bank heists."
		}),
	}})

	find := func(q string) []*aptgraph.SearchHit {
		t.Helper()
		hits, err := s.Search(ctx, q, 10)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		return hits
	}
	has := func(hits []*aptgraph.SearchHit, id string) bool {
		return slices.ContainsFunc(hits, func(h *aptgraph.SearchHit) bool { return h.ID == id })
	}
	lazarus := stix.NewID("intrusion-set", "Lazarus Group")
	tests := []struct {
		query   string
		want    []string // ids that must be among the hits
		notWant []string // ids that must not
	}{
		{"shipyards Hainan", []string{b.Report.ID}, []string{lazarus}},
		{"shipyard", []string{b.Report.ID}, nil}, // stemmed
		{`"bank heists"`, []string{lazarus}, []string{b.Report.ID}},
		{`"heists bank"`, nil, []string{lazarus}},
		{"hidden cobra", []string{lazarus}, nil},
		{"Hainan OR heists", []string{b.Report.ID, lazarus}, nil},
		{"group -korean", nil, []string{lazarus}},
		{"nonexistentword", nil, []string{b.Report.ID, lazarus}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			hits := find(tt.query)
			for _, id := range tt.want {
				if !has(hits, id) {
					t.Errorf("hits %v lack %s", hitIDs(hits), id)
				}
			}
			for _, id := range tt.notWant {
				if has(hits, id) {
					t.Errorf("hits %v include %s", hitIDs(hits), id)
				}
			}
		})
	}

	hits := find("shipyards")
	if len(hits) == 0 {
		t.Fatal("no hits for shipyards")
	}
	h := hits[0]
	if h.ID != b.Report.ID || h.Type != "report" || h.Name != b.Report.Name {
		t.Errorf("hit %+v, want the report", *h)
	}
	if !strings.Contains(h.Snippet, aptgraph.MatchStart) || !strings.Contains(h.Snippet, aptgraph.MatchEnd) ||
		!strings.Contains(strings.ToLower(h.Snippet), "shipyards") {
		t.Errorf("snippet %q does not mark the match", h.Snippet)
	}
	hits = find("Hidden Cobra OR heists OR group")
	for i := 1; i < len(hits); i++ {
		if hits[i].Rank > hits[i-1].Rank {
			t.Errorf("hit %d ranks %v, above hit %d's %v", i, hits[i].Rank, i-1, hits[i-1].Rank)
		}
	}

	// Whatever a user types is a query, never an error.
	for _, q := range []string{
		`"`, `""`, `"""`, `"unterminated phrase`, `a"b"c`, `NEAR(a b)`, `a AND OR NOT b`, `OR`, `-`, `--`, `-a`,
		`*`, `a*`, `^a`, `a:b`, `col:shipyards`, `name:APT40`, `(`, `)`, `((a)`, `{a b}`, `a + b`, `'; DROP TABLE x; --`,
		`\"`, `\\`, `%`, `_`, `&|!<->`, `a & b | !c`, `a <-> b`, `e-mail`, "\x00", "\xff\xfe", "日本 サイバー",
		`" OR "`, `NOT`, `AND`, `a NOT`, strings.Repeat(`"(`, 100),
	} {
		if _, err := s.Search(ctx, q, 5); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
	}
	if hits := find(""); len(hits) != 0 {
		t.Errorf("empty query: %d hits, want none", len(hits))
	}
	_, err := s.Search(ctx, strings.Repeat("a ", 1000), 5)
	wantCode(t, "Search with a huge query", err, aptgraph.EINVALID)
}

func hitIDs(hits []*aptgraph.SearchHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

func testReportText(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	b := Report(1)
	text := b.Text
	b.Text = ""
	write(t, s, b)
	_, err := s.ReportText(ctx, b.Report.ID)
	wantCode(t, "ReportText of a report written without text", err, aptgraph.ENOTFOUND)

	// The same report with its text: no object changes, but the text is
	// kept and searched.
	b = Report(1)
	wantResult(t, write(t, s, b), aptgraph.WriteResult{Unchanged: len(b.Objects)})
	got, err := s.ReportText(ctx, b.Report.ID)
	if err != nil || got != text {
		t.Errorf("ReportText = %q, %v; want the text", got, err)
	}
	hits, err := s.Search(ctx, "maritime defence contractors", 5)
	if err != nil || len(hits) != 1 || hits[0].ID != b.Report.ID {
		t.Errorf("search in the text added later: %v, %v; want the report", hitIDs(hits), err)
	}
	_, err = s.ReportText(ctx, stix.NewID("report", "unknown"))
	wantCode(t, "ReportText of an unknown report", err, aptgraph.ENOTFOUND)
}

func testCollections(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	a := &aptgraph.Collection{Title: "Shared reports", Description: "for partners", Alias: "shared"}
	if err := s.CreateCollection(ctx, a); err != nil {
		t.Fatal(err)
	}
	if a.ID == "" || a.Created.IsZero() {
		t.Errorf("CreateCollection left id %q, created %v", a.ID, a.Created)
	}
	fixed := &aptgraph.Collection{ID: "91a7b528-80eb-42ed-a74d-c6fbd5a26116", Title: "ATT&CK"}
	if err := s.CreateCollection(ctx, fixed); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		c    *aptgraph.Collection
		code string
	}{
		{"same id", &aptgraph.Collection{ID: fixed.ID, Title: "again"}, aptgraph.ECONFLICT},
		{"same alias", &aptgraph.Collection{Title: "again", Alias: "shared"}, aptgraph.ECONFLICT},
		{"alias that is an id", &aptgraph.Collection{Title: "again", Alias: fixed.ID}, aptgraph.ECONFLICT},
		{"no title", &aptgraph.Collection{Title: " "}, aptgraph.EINVALID},
		{"id not a uuid", &aptgraph.Collection{ID: "mine", Title: "x"}, aptgraph.EINVALID},
	} {
		err := s.CreateCollection(ctx, tt.c)
		wantCode(t, "CreateCollection with "+tt.name, err, tt.code)
	}

	all, err := s.Collections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*aptgraph.Collection{a, fixed}, all); diff != "" {
		t.Errorf("Collections (-want +got):\n%s", diff)
	}
	for _, key := range []string{a.ID, "shared"} {
		got, err := s.Collection(ctx, key)
		if err != nil {
			t.Fatalf("Collection(%q): %v", key, err)
		}
		if diff := cmp.Diff(a, got); diff != "" {
			t.Errorf("Collection(%q) (-want +got):\n%s", key, diff)
		}
	}
	_, err = s.Collection(ctx, "a3b9d5f0-0000-4000-8000-000000000000")
	wantCode(t, "Collection of an unknown id", err, aptgraph.ENOTFOUND)
}

func testCollectionObjects(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	c1 := &aptgraph.Collection{Title: "one", Alias: "one"}
	c2 := &aptgraph.Collection{Title: "two"}
	for _, c := range []*aptgraph.Collection{c1, c2} {
		if err := s.CreateCollection(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	apt40 := obj("intrusion-set", "APT40")
	apt41 := obj("intrusion-set", "APT41")
	plugx := obj("malware", "PlugX")
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{apt40}})                           // in no collection
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{apt41, plugx}, Collection: "one"}) // by alias
	// APT40 joins c1 later, unchanged: it is added to the collection, and its
	// addition is later than PlugX's.
	res := write(t, s, &aptgraph.Batch{Objects: []*stix.Object{apt40}, Collection: c1.ID})
	wantResult(t, res, aptgraph.WriteResult{Unchanged: 1})
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{plugx}, Collection: c2.ID})

	in := func(f aptgraph.ObjectFilter) []*aptgraph.StoredObject { return objects(t, s, f) }
	got := in(aptgraph.ObjectFilter{Collection: c1.ID})
	if diff := cmp.Diff([]string{apt41.ID, plugx.ID, apt40.ID}, ids(got)); diff != "" {
		t.Fatalf("collection one (-want +got):\n%s", diff)
	}
	plain, _ := s.Object(ctx, apt40.ID)
	if !got[2].DateAdded.After(got[1].DateAdded) || !got[2].DateAdded.After(plain.DateAdded) || got[2].Seq <= got[1].Seq {
		t.Errorf("APT40 added to the collection at %v (seq %d): want after PlugX's %v (seq %d) and its own first write %v",
			got[2].DateAdded, got[2].Seq, got[1].DateAdded, got[1].Seq, plain.DateAdded)
	}
	if diff := cmp.Diff([]string{plugx.ID}, ids(in(aptgraph.ObjectFilter{Collection: c2.ID}))); diff != "" {
		t.Errorf("collection two (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{apt40.ID}, ids(in(aptgraph.ObjectFilter{Collection: "one", AfterSeq: got[1].Seq}))); diff != "" {
		t.Errorf("collection one after PlugX's seq (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{apt40.ID}, ids(in(aptgraph.ObjectFilter{Collection: "one", AddedAfter: got[1].DateAdded}))); diff != "" {
		t.Errorf("collection one added after PlugX (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{apt41.ID, plugx.ID}, ids(in(aptgraph.ObjectFilter{Collection: "one", Limit: 2}))); diff != "" {
		t.Errorf("collection one, limit 2 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{plugx.ID}, ids(in(aptgraph.ObjectFilter{Collection: "one", Types: []string{"malware"}}))); diff != "" {
		t.Errorf("collection one, malware (-want +got):\n%s", diff)
	}

	// A newer version written to c2 is the newest in c2, but c1 keeps
	// the version it was given.
	plugx2 := obj("malware", "PlugX", func(o *stix.Object) { o.Modified = ts(time.Hour); o.Description = "v2" })
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{plugx2}, Collection: c2.ID})
	for _, tt := range []struct {
		c    string
		f    aptgraph.ObjectFilter
		want []string
	}{
		{c2.ID, aptgraph.ObjectFilter{IDs: []string{plugx.ID}}, []string{"v2"}},
		{c2.ID, aptgraph.ObjectFilter{IDs: []string{plugx.ID}, AllVersions: true}, []string{"", "v2"}},
		{c2.ID, aptgraph.ObjectFilter{IDs: []string{plugx.ID}, Versions: []string{aptgraph.VersionFirst}}, []string{""}},
		{c1.ID, aptgraph.ObjectFilter{IDs: []string{plugx.ID}}, []string{""}},
	} {
		tt.f.Collection = tt.c
		var descs []string
		for _, o := range in(tt.f) {
			descs = append(descs, o.Object.Description)
		}
		if diff := cmp.Diff(tt.want, descs); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tt.f, diff)
		}
	}

	// Writing a report into a collection twice adds nothing the second time.
	b := Report(3)
	b.Collection = c2.ID
	write(t, s, b)
	n := len(in(aptgraph.ObjectFilter{Collection: c2.ID, AllVersions: true}))
	b = Report(3)
	b.Collection = c2.ID
	wantResult(t, write(t, s, b), aptgraph.WriteResult{Unchanged: len(b.Objects)})
	if m := len(in(aptgraph.ObjectFilter{Collection: c2.ID, AllVersions: true})); m != n {
		t.Errorf("re-writing a report into its collection: %d versions there, want %d", m, n)
	}
}

func testTokens(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	c := &aptgraph.Collection{Title: "partners", Alias: "partners"}
	if err := s.CreateCollection(ctx, c); err != nil {
		t.Fatal(err)
	}
	secret, tok, err := s.CreateToken(ctx, aptgraph.TokenSpec{Name: "partner A", Collections: []string{"partners"},
		Read: true, MaxTLP: stix.TLPGreen})
	if err != nil {
		t.Fatal(err)
	}
	if secret == "" || strings.Contains(fmt.Sprintf("%+v", *tok), secret) {
		t.Errorf("secret %q: want it set, and not in the token", secret)
	}
	want := &aptgraph.Token{ID: tok.ID, Name: "partner A", Collections: []string{c.ID}, Read: true,
		MaxTLP: stix.TLPGreen, Created: tok.Created}
	if diff := cmp.Diff(want, tok); diff != "" {
		t.Errorf("created token (-want +got):\n%s", diff)
	}
	got, err := s.TokenBySecret(ctx, secret)
	if err != nil {
		t.Fatalf("TokenBySecret: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TokenBySecret (-want +got):\n%s", diff)
	}
	if !got.CanRead(c.ID) || got.CanWrite(c.ID) {
		t.Errorf("token can read %v, write %v; want read only", got.CanRead(c.ID), got.CanWrite(c.ID))
	}

	secret2, tok2, err := s.CreateToken(ctx, aptgraph.TokenSpec{Name: "ingest", Collections: []string{aptgraph.AllCollections},
		Write: true, MaxTLP: stix.TLPRed})
	if err != nil {
		t.Fatal(err)
	}
	if secret2 == secret {
		t.Error("two tokens got one secret")
	}
	for _, bad := range []string{"", "nope", secret + "x", strings.ToUpper(secret), secret[:len(secret)-1]} {
		_, err := s.TokenBySecret(ctx, bad)
		wantCode(t, fmt.Sprintf("TokenBySecret(%q)", bad), err, aptgraph.EUNAUTHORIZED)
	}

	if err := s.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, tok.ID); err != nil {
		t.Errorf("revoking again: %v", err)
	}
	_, err = s.TokenBySecret(ctx, secret)
	wantCode(t, "TokenBySecret of a revoked token", err, aptgraph.EUNAUTHORIZED)
	if got, err := s.TokenBySecret(ctx, secret2); err != nil || got.ID != tok2.ID {
		t.Errorf("the other token after a revocation: %v, %v", got, err)
	}
	wantCode(t, "RevokeToken of an unknown id", s.RevokeToken(ctx, "nope"), aptgraph.ENOTFOUND)

	all, err := s.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != tok.ID || all[0].Revoked.IsZero() || all[1].ID != tok2.ID || !all[1].Revoked.IsZero() {
		t.Errorf("Tokens = %+v, want the revoked token and then the valid one", all)
	}

	for _, tt := range []struct {
		name string
		spec aptgraph.TokenSpec
		code string
	}{
		{"no name", aptgraph.TokenSpec{Collections: []string{"partners"}, Read: true}, aptgraph.EINVALID},
		{"no rights", aptgraph.TokenSpec{Name: "x", Collections: []string{"partners"}}, aptgraph.EINVALID},
		{"no collections", aptgraph.TokenSpec{Name: "x", Read: true}, aptgraph.EINVALID},
		{"bad TLP", aptgraph.TokenSpec{Name: "x", Collections: []string{"partners"}, Read: true, MaxTLP: 9}, aptgraph.EINVALID},
		{"unknown collection", aptgraph.TokenSpec{Name: "x", Collections: []string{"partners", "nope"}, Read: true}, aptgraph.ENOTFOUND},
	} {
		_, _, err := s.CreateToken(ctx, tt.spec)
		wantCode(t, "CreateToken with "+tt.name, err, tt.code)
	}
	if all, _ := s.Tokens(ctx); len(all) != 2 {
		t.Errorf("refused tokens were stored: %d tokens, want 2", len(all))
	}
}

// testConcurrentPaging checks the promise TAXII paging rests on: a reader
// that pages by seq while others write sees every object exactly once.
func testConcurrentPaging(t *testing.T, s aptgraph.Store) {
	const writers, batches, perBatch = 4, 20, 5
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range batches {
				b := Bulk(perBatch, fmt.Sprintf("w%d-b%d", w, i))
				b.Merge = i%2 == 0
				if _, err := s.Write(ctx, b); err != nil {
					errs <- fmt.Errorf("writer %d batch %d: %w", w, i, err)
					return
				}
			}
		})
	}

	seen := map[string]int{}
	var after int64
	var lastAdded time.Time
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	finished := false
	for {
		select {
		case <-done:
			finished = true
		default:
		}
		page, err := s.Objects(ctx, aptgraph.ObjectFilter{AfterSeq: after, Limit: 7})
		if err != nil {
			t.Fatalf("page after %d: %v", after, err)
		}
		for _, o := range page {
			seen[o.Object.ID]++
			if o.Seq <= after || !o.DateAdded.After(lastAdded) {
				t.Errorf("seq %d added %v after cursor %d added %v", o.Seq, o.DateAdded, after, lastAdded)
			}
			after, lastAdded = o.Seq, o.DateAdded
		}
		// Read on once the writers are done, until a page comes back empty.
		if finished && len(page) == 0 {
			break
		}
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(seen) != writers*batches*perBatch {
		t.Errorf("reader saw %d objects, want %d", len(seen), writers*batches*perBatch)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("reader saw %s %d times", id, n)
		}
	}
}

// testRawOnly checks that ObjectFilter.RawOnly selects the same versions,
// in the same order, with the same fields as a decoding read, only without
// Object; and that every read fills ID and Type.
func testRawOnly(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	c := &aptgraph.Collection{Title: "raw", Alias: "raw"}
	if err := s.CreateCollection(ctx, c); err != nil {
		t.Fatal(err)
	}
	apt40 := obj("intrusion-set", "APT40")
	plugx := obj("malware", "PlugX", func(o *stix.Object) { o.ObjectMarkingRefs = []string{stix.TLPAmber.MarkingID()} })
	secret := obj("malware", "Secret", func(o *stix.Object) { o.ObjectMarkingRefs = []string{stix.TLPRed.MarkingID()} })
	uses := obj("relationship", "uses", func(o *stix.Object) {
		o.Name, o.RelationshipType, o.SourceRef, o.TargetRef = "", "uses", apt40.ID, plugx.ID
	})
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{apt40, plugx, secret, uses}, Collection: "raw"})
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{obj("tool", "Outside")}})
	apt40v2 := obj("intrusion-set", "APT40", func(o *stix.Object) { o.Modified = ts(time.Hour); o.Description = "v2" })
	write(t, s, &aptgraph.Batch{Objects: []*stix.Object{apt40v2}, Collection: "raw"})

	amber := stix.TLPAmber
	for _, f := range []aptgraph.ObjectFilter{
		{},
		{AllVersions: true},
		{Versions: []string{aptgraph.VersionFirst}},
		{IDs: []string{apt40.ID, uses.ID}, AllVersions: true},
		{Types: []string{"malware"}},
		{MaxTLP: &amber},
		{AfterSeq: 2, Limit: 2, AllVersions: true},
		{Collection: "raw"},
		{Collection: c.ID, AllVersions: true},
		{Collection: "raw", MaxTLP: &amber, Limit: 3},
		{Collection: "raw", Versions: []string{aptgraph.VersionFirst}},
	} {
		want := objects(t, s, f)
		rf := f
		rf.RawOnly = true
		got := objects(t, s, rf)
		if len(got) != len(want) {
			t.Errorf("RawOnly %+v: %d objects, want %d", f, len(got), len(want))
			continue
		}
		if len(want) == 0 {
			t.Errorf("filter %+v selects nothing; the test wants objects to compare", f)
		}
		for i, w := range want {
			g := got[i]
			if g.Object != nil {
				t.Errorf("RawOnly %+v: object %d decoded", f, i)
			}
			if w.ID != w.Object.ID || w.Type != w.Object.Type {
				t.Errorf("%+v: object %d has ID %q Type %q, want %q %q", f, i, w.ID, w.Type, w.Object.ID, w.Object.Type)
			}
			if g.ID != w.ID || g.Type != w.Type || g.Seq != w.Seq || !g.DateAdded.Equal(w.DateAdded) ||
				g.TLP != w.TLP || g.Version != w.Version || string(g.Raw) != string(w.Raw) {
				t.Errorf("RawOnly %+v: object %d is %+v, want %+v", f, i, *g, *w)
			}
			var o stix.Object
			if err := json.Unmarshal(g.Raw, &o); err != nil || o.ID != g.ID {
				t.Errorf("RawOnly %+v: object %d raw %s does not decode to %s: %v", f, i, g.Raw, g.ID, err)
			}
		}
		kf := f
		kf.KeysOnly = true
		keys := objects(t, s, kf)
		if len(keys) != len(want) {
			t.Errorf("KeysOnly %+v: %d objects, want %d", f, len(keys), len(want))
			continue
		}
		for i, w := range want {
			k := keys[i]
			if k.Object != nil || k.Raw != nil {
				t.Errorf("KeysOnly %+v: object %d has Object or Raw", f, i)
			}
			if k.ID != w.ID || k.Type != w.Type || k.Seq != w.Seq || !k.DateAdded.Equal(w.DateAdded) || k.TLP != w.TLP || k.Version != w.Version {
				t.Errorf("KeysOnly %+v: object %d is %+v, want %+v", f, i, *k, *w)
			}
		}
	}
	one, err := s.Object(ctx, plugx.ID)
	if err != nil {
		t.Fatal(err)
	}
	if one.ID != plugx.ID || one.Type != "malware" {
		t.Errorf("Object(%s) has ID %q, Type %q", plugx.ID, one.ID, one.Type)
	}
}

// testAddedAfter checks AddedAfter at, between, before and after the
// additions, with and without a collection, against the filter's meaning:
// the versions whose DateAdded is later.
func testAddedAfter(t *testing.T, s aptgraph.Store) {
	ctx := t.Context()
	if err := s.CreateCollection(ctx, &aptgraph.Collection{Title: "aa", Alias: "aa"}); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		coll := "aa"
		if i == 1 {
			coll = "" // in no collection
		}
		write(t, s, &aptgraph.Batch{Objects: []*stix.Object{obj("malware", fmt.Sprint("M", i)), obj("tool", fmt.Sprint("T", i))}, Collection: coll})
	}
	for _, base := range []aptgraph.ObjectFilter{{}, {Collection: "aa"}, {AllVersions: true, RawOnly: true}} {
		all := objects(t, s, base)
		if len(all) < 6 {
			t.Fatalf("%+v: %d objects", base, len(all))
		}
		var times []time.Time
		for _, o := range all {
			times = append(times, o.DateAdded, o.DateAdded.Add(-time.Microsecond), o.DateAdded.Add(time.Microsecond))
		}
		times = append(times, all[0].DateAdded.Add(-time.Hour), all[len(all)-1].DateAdded.Add(time.Hour))
		for _, at := range times {
			var want []int64
			for _, o := range all {
				if o.DateAdded.After(at) {
					want = append(want, o.Seq)
				}
			}
			f := base
			f.AddedAfter = at
			var got []int64
			for _, o := range objects(t, s, f) {
				got = append(got, o.Seq)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%+v (-want +got):\n%s", f, diff)
			}
		}
	}
}
