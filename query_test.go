package aptgraph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/reporttest"
	"github.com/aptgraph/aptgraph/internal/shared"
	"github.com/aptgraph/aptgraph/stix"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixtureReports are the reports of the fixture store, each with its own
// publication date so that time filters tell them apart.
var fixtureReports = []struct{ path, published string }{
	{"extract/testdata/doj-apt10-indictment.txt", "2018-12-20"},
	{"extract/testdata/uk-svr-statement.txt", "2020-07-16"},
	{"shared:japan-apt40-article.txt", "2021-07-20"},
	{"extract/testdata/vendor-withheld.txt", "2022-03-01"},
	{"extract/testdata/wire-sandworm-gru.txt", "2022-04-12"},
	{"extract/testdata/vendor-volt-typhoon.txt", "2023-05-24"},
}

// ingest extracts the report at path, dated published, into st; a path
// "shared:NAME" names a seed file in ../shared.
func ingest(t *testing.T, st aptgraph.Store, path, published string) {
	t.Helper()
	if rest, ok := strings.CutPrefix(path, "shared:"); ok {
		path = shared.Path(t, "seed", rest)
	}
	reporttest.Ingest(t, st, path, published)
}

func openStore(t *testing.T) aptgraph.Store { return reporttest.OpenStore(t) }

// fixture returns a store holding every fixture report.
func fixture(t *testing.T) aptgraph.Store {
	t.Helper()
	st := openStore(t)
	for _, r := range fixtureReports {
		ingest(t, st, r.path, r.published)
	}
	return st
}

func names(gs []*aptgraph.GroupSummary) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

func TestFindGroups(t *testing.T) {
	st := fixture(t)
	ctx := context.Background()
	date := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	all := []string{"APT10", "APT29", "APT40", "Lazarus Group", "Sandworm", "Tick", "Volt Typhoon"}
	tests := []struct {
		name string
		f    aptgraph.GroupFilter
		want []string
	}{
		{"no filter", aptgraph.GroupFilter{}, all},
		{"country code", aptgraph.GroupFilter{TargetsCountry: "JP"}, []string{"APT10", "APT40", "Tick"}},
		{"country name, any case", aptgraph.GroupFilter{TargetsCountry: "japan"}, []string{"APT10", "APT40", "Tick"}},
		{"country ukraine", aptgraph.GroupFilter{TargetsCountry: "UA"}, []string{"Sandworm"}},
		{"unknown country", aptgraph.GroupFilter{TargetsCountry: "Atlantis"}, []string{}},
		{"sector class", aptgraph.GroupFilter{TargetsSector: "Aerospace"}, []string{"APT10", "APT40"}},
		{"sector of a class or a victim", aptgraph.GroupFilter{TargetsSector: "transportation"}, []string{"Tick", "Volt Typhoon"}},
		{"sponsor initials", aptgraph.GroupFilter{Sponsor: "MSS"}, []string{"APT10", "APT40"}},
		{"sponsor name", aptgraph.GroupFilter{Sponsor: "ministry of state security"}, []string{"APT10", "APT40"}},
		{"sponsor country", aptgraph.GroupFilter{Sponsor: "China"}, []string{"APT10", "APT40", "Tick", "Volt Typhoon"}},
		{"sponsor country code", aptgraph.GroupFilter{Sponsor: "RU"}, []string{"APT29", "Sandworm"}},
		{"sponsor unit", aptgraph.GroupFilter{Sponsor: "PLA Unit 61419"}, []string{"Tick"}},
		{"technique parent counts sub-techniques", aptgraph.GroupFilter{Uses: "T1566"}, []string{"APT10", "APT29"}},
		{"sub-technique only", aptgraph.GroupFilter{Uses: "t1003.001"}, []string{"Volt Typhoon"}},
		{"technique name", aptgraph.GroupFilter{Uses: "valid accounts"}, []string{"Volt Typhoon"}},
		{"malware", aptgraph.GroupFilter{Uses: "PlugX"}, []string{"APT10"}},
		{"tool", aptgraph.GroupFilter{Uses: "impacket"}, []string{"Volt Typhoon"}},
		{"a technique id is not a prefix", aptgraph.GroupFilter{Uses: "T15"}, []string{}},
		{"active since a year", aptgraph.GroupFilter{ActiveSince: date("2019-01-01")}, []string{"APT29", "APT40", "Lazarus Group", "Sandworm", "Tick", "Volt Typhoon"}},
		{"active since a date", aptgraph.GroupFilter{ActiveSince: date("2022-01-01")}, []string{"Lazarus Group", "Sandworm", "Volt Typhoon"}},
		{"filters combine", aptgraph.GroupFilter{TargetsCountry: "Japan", Sponsor: "China", ActiveSince: date("2020-01-01")}, []string{"APT40", "Tick"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := aptgraph.FindGroups(ctx, st, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, names(got)); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUsesSubTechnique checks that a group that uses only a sub-technique
// is found by its parent's id, and not by a sibling's.
func TestUsesSubTechnique(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	ts := "2024-01-01T00:00:00.000Z"
	g := &stix.Object{Type: "intrusion-set", SpecVersion: "2.1", ID: stix.NewID("intrusion-set", "test group"), Created: ts, Modified: ts, Name: "Test Group"}
	ap := &stix.Object{Type: "attack-pattern", SpecVersion: "2.1", ID: stix.NewID("attack-pattern", "t1059.001"), Created: ts, Modified: ts,
		Name: "PowerShell", ExternalReferences: []stix.ExternalReference{{SourceName: "mitre-attack", ExternalID: "T1059.001"}}}
	r := &stix.Object{Type: "relationship", SpecVersion: "2.1", ID: stix.NewID("relationship", g.ID, "uses", ap.ID), Created: ts, Modified: ts,
		RelationshipType: "uses", SourceRef: g.ID, TargetRef: ap.ID}
	if _, err := st.Write(ctx, &aptgraph.Batch{Objects: []*stix.Object{g, ap, r}}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		uses string
		want []string
	}{{"T1059", []string{"Test Group"}}, {"T1059.001", []string{"Test Group"}}, {"powershell", []string{"Test Group"}}, {"T1059.003", []string{}}, {"T105", []string{}}} {
		got, err := aptgraph.FindGroups(ctx, st, aptgraph.GroupFilter{Uses: tt.uses})
		if err != nil {
			t.Fatal(err)
		}
		if !cmp.Equal(names(got), tt.want) {
			t.Errorf("uses %s: got %v, want %v", tt.uses, names(got), tt.want)
		}
	}
}

func TestGroupSummary(t *testing.T) {
	st := fixture(t)
	got, err := aptgraph.FindGroups(context.Background(), st, aptgraph.GroupFilter{Sponsor: "PLA Unit 61419"})
	if err != nil || len(got) != 1 {
		t.Fatalf("got %d groups, %v", len(got), err)
	}
	g := got[0]
	want := &aptgraph.GroupSummary{ID: g.ID, Name: "Tick", Aliases: g.Aliases, Sponsors: []string{"PLA Unit 61419"},
		Countries: []string{"Japan"}, Sectors: []string{"government", "transportation"},
		FirstSeen: "2021-07-20T00:00:00.000Z", LastSeen: "2021-07-20T00:00:00.000Z", Reports: 1}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if len(g.Aliases) == 0 {
		t.Error("no aliases")
	}
}

func TestFindClaims(t *testing.T) {
	st := fixture(t)
	ctx := context.Background()
	tests := []struct {
		about      string
		n          int    // how many claims
		everyGroup string // every claim is about this group, when set
		sponsor    string // every claim names this sponsor, when set
		claimant   string // every claim is made by this claimant, when set
	}{
		{about: "Leviathan", n: 9, everyGroup: "APT40"},
		{about: "apt40", n: 9, everyGroup: "APT40"},
		{about: "MSS", n: 4, sponsor: "Ministry of State Security"},
		{about: "SVR", n: 3, everyGroup: "APT29", sponsor: "SVR"},
		{about: "Government of Japan", n: 1, claimant: "Government of Japan"},
		{about: "Russia", n: 7},
	}
	for _, tt := range tests {
		t.Run(tt.about, func(t *testing.T) {
			got, err := aptgraph.FindClaims(ctx, st, tt.about)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.n {
				for _, c := range got {
					t.Logf("%s: %s -> %s", c.Claimant, c.Group, c.Sponsor)
				}
				t.Fatalf("got %d claims, want %d", len(got), tt.n)
			}
			for i, c := range got {
				if tt.everyGroup != "" && c.Group != tt.everyGroup {
					t.Errorf("claim about %s, want %s", c.Group, tt.everyGroup)
				}
				if tt.sponsor != "" && c.Sponsor != tt.sponsor {
					t.Errorf("claim names %s, want %s", c.Sponsor, tt.sponsor)
				}
				if tt.claimant != "" && c.Claimant != tt.claimant {
					t.Errorf("claim by %s, want %s", c.Claimant, tt.claimant)
				}
				if len(c.Quotes) == 0 || len(c.Reports) == 0 {
					t.Errorf("claim %s has no quote or report", c.ID)
				}
				if i > 0 && got[i-1].Date > c.Date {
					t.Errorf("claims out of order: %s before %s", got[i-1].Date, c.Date)
				}
			}
		})
	}
	// Claims on two dates come oldest first: APT10's (2018) before APT40's (2021).
	got, err := aptgraph.FindClaims(ctx, st, "Ministry of State Security")
	if err != nil {
		t.Fatal(err)
	}
	var groups []string
	for _, c := range got {
		groups = append(groups, c.Group)
	}
	if want := []string{"APT10", "APT10", "APT10", "APT40"}; !cmp.Equal(groups, want) {
		t.Errorf("order: got %v, want %v", groups, want)
	}
	if _, err := aptgraph.FindClaims(ctx, st, "Nobody At All"); aptgraph.ErrorCode(err) != aptgraph.ENOTFOUND {
		t.Errorf("unknown name: got %v, want %s", err, aptgraph.ENOTFOUND)
	}
}

func TestTimeline(t *testing.T) {
	st := fixture(t)
	ctx := context.Background()
	evs, err := aptgraph.Timeline(ctx, st, "Leviathan")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for i, e := range evs {
		kinds[e.Kind]++
		if i > 0 && evs[i-1].Date > e.Date {
			t.Errorf("event %d (%s %s) comes after %s", i, e.Date, e.Kind, evs[i-1].Date)
		}
	}
	want := map[string]int{aptgraph.EventFirstSeen: 1, aptgraph.EventLastSeen: 1, aptgraph.EventCampaignStart: 2,
		aptgraph.EventCampaignEnd: 1, aptgraph.EventTargetingStart: 3, aptgraph.EventReport: 1, aptgraph.EventClaim: 9}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("event kinds (-want +got):\n%s", diff)
	}
	if evs[0].Kind != aptgraph.EventFirstSeen || evs[0].Date[:4] != "2011" {
		t.Errorf("first event: %+v", evs[0])
	}
	for _, e := range evs {
		if e.Kind == aptgraph.EventClaim && (e.Quote == "" || e.ReportID == "") {
			t.Errorf("claim event without quote or report: %+v", e)
		}
	}
	// The same store gives the same timeline.
	again, err := aptgraph.Timeline(ctx, st, "APT40")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(evs, again); diff != "" {
		t.Errorf("timeline changed between calls:\n%s", diff)
	}
	if _, err := aptgraph.Timeline(ctx, st, "No Such Group"); aptgraph.ErrorCode(err) != aptgraph.ENOTFOUND {
		t.Errorf("unknown group: %v", err)
	}
}

// TestDossierGolden pins the APT40 dossier made from the seed article.
func TestDossierGolden(t *testing.T) {
	st := openStore(t)
	ingest(t, st, "shared:japan-apt40-article.txt", "2021-07-20")
	d, err := aptgraph.BuildDossier(context.Background(), st, "APT40")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "apt40-dossier.golden.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("dossier differs from %s (-want +got):\n%s", golden, diff)
	}
	// Built twice, the dossier reads the same.
	d2, err := aptgraph.BuildDossier(context.Background(), st, "Leviathan")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, d2); diff != "" {
		t.Errorf("dossier changed between calls:\n%s", diff)
	}
	if !sort.SliceIsSorted(d.Reports, func(i, j int) bool { return d.Reports[i].Published < d.Reports[j].Published }) {
		t.Error("reports out of order")
	}
}
