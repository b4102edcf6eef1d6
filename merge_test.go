package aptgraph_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

const (
	groupID   = "intrusion-set--2e2f5c4c-0b6e-5d7b-9b70-2f2b2e3c4d5e"
	report1   = "report--11111111-1111-5111-8111-111111111111"
	report2   = "report--22222222-2222-5222-8222-222222222222"
	amberMark = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
	clearMark = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
)

func group(modify func(o *stix.Object)) *stix.Object {
	o := &stix.Object{
		Type: "intrusion-set", SpecVersion: "2.1", ID: groupID,
		Created: "2024-01-01T00:00:00.000Z", Modified: "2024-01-01T00:00:00.000Z",
		Name: "APT40", Aliases: []string{"Leviathan"},
		ObjectMarkingRefs: []string{clearMark},
		Evidence:          []stix.Evidence{{ReportRef: report1, Quote: "APT40", Start: 10, End: 15}},
	}
	if modify != nil {
		modify(o)
	}
	return o
}

func TestMergeObject(t *testing.T) {
	tests := []struct {
		name        string
		old, new    *stix.Object
		want        *stix.Object // Modified is checked separately
		wantChanged bool
	}{
		{
			name: "same object is no change",
			old:  group(nil), new: group(nil),
			want: group(nil),
		},
		{
			name: "same content, later modified is no change",
			old:  group(nil),
			new:  group(func(o *stix.Object) { o.Modified = "2025-05-05T00:00:00.000Z"; o.Created = "2025-05-05T00:00:00.000Z" }),
			want: group(nil),
		},
		{
			name: "aliases union, case-insensitive, name left out",
			old:  group(nil),
			new: group(func(o *stix.Object) {
				o.Aliases = []string{"LEVIATHAN", "apt40", "Kryptonite Panda", "  kryptonite   panda "}
			}),
			want:        group(func(o *stix.Object) { o.Aliases = []string{"Leviathan", "Kryptonite Panda"} }),
			wantChanged: true,
		},
		{
			name: "evidence deduped by report, start and end",
			old:  group(nil),
			new: group(func(o *stix.Object) {
				o.Evidence = []stix.Evidence{
					{ReportRef: report1, Quote: "APT40 (changed quote)", Start: 10, End: 15},
					{ReportRef: report2, Quote: "APT40", Start: 10, End: 15},
					{ReportRef: report2, Quote: "APT40", Start: 10, End: 15},
				}
			}),
			want: group(func(o *stix.Object) {
				o.Evidence = append(o.Evidence, stix.Evidence{ReportRef: report2, Quote: "APT40", Start: 10, End: 15})
			}),
			wantChanged: true,
		},
		{
			name: "sectors, labels, object_refs and markings union",
			old: group(func(o *stix.Object) {
				o.Sectors = []string{"defense"}
				o.Labels = []string{"a"}
				o.ObjectRefs = []string{"x--1"}
			}),
			new: group(func(o *stix.Object) {
				o.Sectors = []string{"maritime", "defense"}
				o.Labels = []string{"b"}
				o.ObjectRefs = []string{"x--1", "x--2"}
				o.ObjectMarkingRefs = []string{amberMark}
			}),
			want: group(func(o *stix.Object) {
				o.Sectors = []string{"defense", "maritime"}
				o.Labels = []string{"a", "b"}
				o.ObjectRefs = []string{"x--1", "x--2"}
				o.ObjectMarkingRefs = []string{clearMark, amberMark}
			}),
			wantChanged: true,
		},
		{
			name: "external references deduped",
			old: group(func(o *stix.Object) {
				o.ExternalReferences = []stix.ExternalReference{{SourceName: "mitre-attack", ExternalID: "G0065"}}
			}),
			new: group(func(o *stix.Object) {
				o.ExternalReferences = []stix.ExternalReference{
					{SourceName: "mitre-attack", ExternalID: "G0065"},
					{SourceName: "report", URL: "https://example.org/a"},
				}
			}),
			want: group(func(o *stix.Object) {
				o.ExternalReferences = []stix.ExternalReference{
					{SourceName: "mitre-attack", ExternalID: "G0065"},
					{SourceName: "report", URL: "https://example.org/a"},
				}
			}),
			wantChanged: true,
		},
		{
			name: "seen range widened both ways",
			old: group(func(o *stix.Object) {
				o.FirstSeen = "2019-03-01T00:00:00Z"
				o.LastSeen = "2020-01-01T00:00:00Z"
			}),
			new: group(func(o *stix.Object) {
				o.FirstSeen = "2018-01-01T00:00:00.000Z"
				o.LastSeen = "2021-06-01T00:00:00Z"
			}),
			want: group(func(o *stix.Object) {
				o.FirstSeen = "2018-01-01T00:00:00.000Z"
				o.LastSeen = "2021-06-01T00:00:00Z"
			}),
			wantChanged: true,
		},
		{
			name: "range inside the old one is no change",
			old: group(func(o *stix.Object) {
				o.FirstSeen = "2018-01-01T00:00:00Z"
				o.LastSeen = "2021-01-01T00:00:00Z"
			}),
			new: group(func(o *stix.Object) {
				o.FirstSeen = "2019-01-01T00:00:00Z"
				o.LastSeen = "2020-01-01T00:00:00Z"
			}),
			want: group(func(o *stix.Object) {
				o.FirstSeen = "2018-01-01T00:00:00Z"
				o.LastSeen = "2021-01-01T00:00:00Z"
			}),
		},
		{
			name: "relationship start and stop widened",
			old: &stix.Object{Type: "relationship", ID: "relationship--1", Modified: "2024-01-01T00:00:00.000Z",
				StartTime: "2020-01-01T00:00:00Z", StopTime: "2020-06-01T00:00:00Z"},
			new: &stix.Object{Type: "relationship", ID: "relationship--1", Modified: "2024-01-01T00:00:00.000Z",
				StartTime: "2020-03-01T00:00:00Z", StopTime: "2022-06-01T00:00:00Z"},
			want: &stix.Object{Type: "relationship", ID: "relationship--1",
				StartTime: "2020-01-01T00:00:00Z", StopTime: "2022-06-01T00:00:00Z"},
			wantChanged: true,
		},
		{
			name: "empty fields filled from new, set ones kept",
			old:  group(func(o *stix.Object) { o.Description = "old words" }),
			new: group(func(o *stix.Object) {
				o.Description = "new words"
				o.PrimaryMotivation = "espionage"
				o.Confidence = new(85)
				o.Extra = map[string]json.RawMessage{"x_vendor_score": json.RawMessage(`7`)}
			}),
			want: group(func(o *stix.Object) {
				o.Description = "old words"
				o.PrimaryMotivation = "espionage"
				o.Confidence = new(85)
				o.Extra = map[string]json.RawMessage{"x_vendor_score": json.RawMessage(`7`)}
			}),
			wantChanged: true,
		},
		{
			name: "set confidence and created kept",
			old:  group(func(o *stix.Object) { o.Confidence = new(50) }),
			new:  group(func(o *stix.Object) { o.Confidence = new(90); o.Created = "2025-01-01T00:00:00.000Z" }),
			want: group(func(o *stix.Object) { o.Confidence = new(50) }),
		},
		{
			name: "hashes and kill chain phases filled",
			old: &stix.Object{Type: "file", ID: "file--1", Hashes: map[string]string{"MD5": "aa"},
				KillChainPhases: []stix.KillChainPhase{{KillChainName: "mitre-attack", PhaseName: "execution"}}},
			new: &stix.Object{Type: "file", ID: "file--1", Hashes: map[string]string{"MD5": "bb", "SHA-256": "cc"},
				KillChainPhases: []stix.KillChainPhase{{KillChainName: "mitre-attack", PhaseName: "execution"},
					{KillChainName: "mitre-attack", PhaseName: "persistence"}}},
			want: &stix.Object{Type: "file", ID: "file--1", Hashes: map[string]string{"MD5": "aa", "SHA-256": "cc"},
				KillChainPhases: []stix.KillChainPhase{{KillChainName: "mitre-attack", PhaseName: "execution"},
					{KillChainName: "mitre-attack", PhaseName: "persistence"}}},
			wantChanged: true,
		},
		{
			name: "same hashes and phases is no change",
			old: &stix.Object{Type: "file", ID: "file--1", Hashes: map[string]string{"MD5": "aa"},
				KillChainPhases: []stix.KillChainPhase{{KillChainName: "k", PhaseName: "p"}}},
			new: &stix.Object{Type: "file", ID: "file--1", Hashes: map[string]string{"MD5": "aa"},
				KillChainPhases: []stix.KillChainPhase{{KillChainName: "k", PhaseName: "p"}}},
			want: &stix.Object{Type: "file", ID: "file--1", Hashes: map[string]string{"MD5": "aa"},
				KillChainPhases: []stix.KillChainPhase{{KillChainName: "k", PhaseName: "p"}}},
		},
		{
			name: "observable without timestamps gains evidence, stays without modified",
			old: &stix.Object{Type: "ipv4-addr", ID: "ipv4-addr--1", Value: "192.0.2.1",
				Evidence: []stix.Evidence{{ReportRef: report1, Start: 1, End: 2}}},
			new: &stix.Object{Type: "ipv4-addr", ID: "ipv4-addr--1", Value: "192.0.2.1",
				Evidence: []stix.Evidence{{ReportRef: report2, Start: 1, End: 2}}},
			want: &stix.Object{Type: "ipv4-addr", ID: "ipv4-addr--1", Value: "192.0.2.1",
				Evidence: []stix.Evidence{{ReportRef: report1, Start: 1, End: 2}, {ReportRef: report2, Start: 1, End: 2}}},
			wantChanged: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldJSON, _ := json.Marshal(tt.old)
			newJSON, _ := json.Marshal(tt.new)

			got, changed := aptgraph.MergeObject(tt.old, tt.new)
			if changed != tt.wantChanged {
				t.Errorf("changed = %v, want %v", changed, tt.wantChanged)
			}
			if after, _ := json.Marshal(tt.old); string(after) != string(oldJSON) {
				t.Errorf("old was modified:\n%s\nwas\n%s", after, oldJSON)
			}
			if after, _ := json.Marshal(tt.new); string(after) != string(newJSON) {
				t.Errorf("new was modified:\n%s\nwas\n%s", after, newJSON)
			}

			switch {
			case !changed && got.Modified != tt.old.Modified:
				t.Errorf("unchanged merge has modified %q, want old's %q", got.Modified, tt.old.Modified)
			case changed && tt.old.Modified != "" && aptgraph.VersionKey(got) <= aptgraph.VersionKey(tt.old):
				t.Errorf("changed merge has modified %q, not after old's %q", got.Modified, tt.old.Modified)
			case changed && tt.old.Modified == "" && got.Modified != "":
				t.Errorf("merge gave modified %q to an object without one", got.Modified)
			}
			// changed must say exactly whether the merge says anything new.
			same := *got
			same.Modified = tt.old.Modified
			sameJSON, _ := json.Marshal(&same)
			if (string(sameJSON) != string(oldJSON)) != changed {
				t.Errorf("changed = %v, but the merged object without its modified is\n%s\nand old is\n%s", changed, sameJSON, oldJSON)
			}
			want := *tt.want
			want.Modified = got.Modified
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("merged object (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMergeObjectModified(t *testing.T) {
	tests := []struct {
		name         string
		old, new     string
		wantModified string
	}{
		{"one millisecond after old", "2024-01-01T00:00:00.000Z", "2023-01-01T00:00:00.000Z", "2024-01-01T00:00:00.001Z"},
		{"new when later", "2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"},
		{"sub-millisecond old", "2024-01-01T00:00:00.000999Z", "", "2024-01-01T00:00:00.001Z"},
		{"old without modified takes new", "", "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := group(func(o *stix.Object) { o.Modified = tt.old })
			nw := group(func(o *stix.Object) { o.Modified = tt.new; o.Aliases = []string{"Gadolinium"} })
			got, changed := aptgraph.MergeObject(old, nw)
			if !changed {
				t.Fatalf("changed = false, want true")
			}
			if got.Modified != tt.wantModified {
				t.Errorf("modified = %q, want %q", got.Modified, tt.wantModified)
			}
		})
	}
}

// TestMergeObjectIdempotent checks that merging a merge's input again
// changes nothing, which is what makes re-ingesting a report a no-op.
func TestMergeObjectIdempotent(t *testing.T) {
	a := group(nil)
	b := group(func(o *stix.Object) {
		o.Aliases = []string{"Gadolinium"}
		o.Evidence = []stix.Evidence{{ReportRef: report2, Start: 1, End: 9}}
		o.FirstSeen = "2015-01-01T00:00:00Z"
	})
	m, changed := aptgraph.MergeObject(a, b)
	if !changed {
		t.Fatal("first merge: changed = false, want true")
	}
	for _, in := range []*stix.Object{a, b, m} {
		if _, changed := aptgraph.MergeObject(m, in); changed {
			t.Errorf("merging %s again: changed = true, want false", in.ID)
		}
	}
}
