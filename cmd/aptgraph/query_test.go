package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/shared"
	"github.com/aptgraph/aptgraph/stix"
)

// queryStore ingests the seed and two test reports, each with its date,
// into a new store and returns its path.
func queryStore(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "q.db")
	for _, in := range []struct{ path, date string }{
		{shared.Path(t, "seed", "japan-apt40-article.txt"), "2021-07-20"},
		{filepath.Join("..", "..", "extract", "testdata", "doj-apt10-indictment.txt"), "2018-12-20"},
		{filepath.Join("..", "..", "extract", "testdata", "wire-sandworm-gru.txt"), "2022-04-12"},
	} {
		if code, _, errs := runCLI(t, "", "ingest", "--db", db, "--published", in.date, in.path); code != exitOK {
			t.Fatalf("ingest %s: exit %d: %s", in.path, code, errs)
		}
	}
	return db
}

func TestGroupsCommand(t *testing.T) {
	db := queryStore(t)
	tests := []struct {
		name string
		args []string
		want []string
		code int
	}{
		{"all", nil, []string{"APT10", "APT40", "Sandworm", "Tick"}, exitOK},
		{"country", []string{"--targets-country", "JP"}, []string{"APT10", "APT40", "Tick"}, exitOK},
		{"sector", []string{"--targets-sector", "aerospace"}, []string{"APT10", "APT40"}, exitOK},
		{"sponsor", []string{"--sponsor", "MSS"}, []string{"APT10", "APT40"}, exitOK},
		{"sponsor country", []string{"--sponsor", "Russia"}, []string{"Sandworm"}, exitOK},
		{"uses", []string{"--uses", "T1566"}, []string{"APT10"}, exitOK},
		{"active since year", []string{"--active-since", "2020"}, []string{"APT40", "Sandworm", "Tick"}, exitOK},
		{"active since date", []string{"--active-since", "2022-01-01"}, []string{"Sandworm"}, exitOK},
		{"bad date", []string{"--active-since", "last year"}, nil, exitUsage},
		{"stray argument", []string{"APT40"}, nil, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", append([]string{"groups", "--db", db, "--json"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errs)
			}
			if tt.code != exitOK {
				return
			}
			var got []aptgraph.GroupSummary
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			var names []string
			for _, g := range got {
				names = append(names, g.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", names, tt.want)
			}
		})
	}
	code, out, _ := runCLI(t, "", "groups", "--db", db, "--targets-country", "Japan")
	if code != exitOK || !strings.Contains(out, "GROUP") || !strings.Contains(out, "Tick") || strings.Contains(out, "Sandworm") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "groups", "--db", db, "--targets-country", "Atlantis")
	if code != exitOK || !strings.Contains(out, "no groups match") {
		t.Errorf("no match: exit %d %q", code, out)
	}
	code, out, _ = runCLI(t, "", "groups", "--db", db, "--targets-country", "Atlantis", "--json")
	if code != exitOK || strings.TrimSpace(out) != "[]" {
		t.Errorf("no match as JSON: exit %d %q", code, out)
	}
}

func TestClaimsCommand(t *testing.T) {
	db := queryStore(t)
	code, out, errs := runCLI(t, "", "claims", "--db", db, "--about", "MSS", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var cs []aptgraph.Claim
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatal(err)
	}
	if len(cs) != 4 || cs[0].Group != "APT10" || cs[3].Group != "APT40" {
		t.Errorf("got %d claims: %+v", len(cs), cs)
	}
	code, out, _ = runCLI(t, "", "claims", "--db", db, "--about", "Leviathan")
	if code != exitOK || !strings.Contains(out, "Government of Japan: APT40 -> Government of China (confidence 85)") || !strings.Contains(out, "highly likely") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "", "claims", "--db", db); code != exitUsage {
		t.Errorf("no --about: exit %d", code)
	}
	if code, _, _ := runCLI(t, "", "claims", "--db", db, "--about", "Nobody"); code != exitNotFound {
		t.Errorf("unknown: exit %d", code)
	}
}

func TestTimelineCommand(t *testing.T) {
	db := queryStore(t)
	code, out, errs := runCLI(t, "", "timeline", "Leviathan", "--db", db, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var evs []aptgraph.Event
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatal(err)
	}
	if len(evs) < 10 || evs[0].Kind != aptgraph.EventFirstSeen {
		t.Fatalf("%d events, first %+v", len(evs), evs[0])
	}
	for i := 1; i < len(evs); i++ {
		if evs[i-1].Date > evs[i].Date {
			t.Errorf("event %d out of order", i)
		}
	}
	code, out, _ = runCLI(t, "", "timeline", "--db", db, "APT40")
	if code != exitOK || !strings.HasPrefix(out, "2011-01-01") || !strings.Contains(out, "campaign-start") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "", "timeline", "--db", db, "No Such Group"); code != exitNotFound {
		t.Errorf("unknown: exit %d", code)
	}
	if code, _, _ := runCLI(t, "", "timeline", "--db", db); code != exitUsage {
		t.Errorf("no name: exit %d", code)
	}
}

func TestExportCommand(t *testing.T) {
	db := queryStore(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "apt40.json")
	if code, _, errs := runCLI(t, "", "export", "stix", "--db", db, "--group", "Leviathan", "-o", out); code != exitOK {
		t.Fatalf("stix: exit %d: %s", code, errs)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var b stix.Bundle
	if err := json.Unmarshal(raw, &b); err != nil || b.Type != "bundle" || len(b.Objects) < 10 {
		t.Fatalf("bundle: %v, %d objects", err, len(b.Objects))
	}
	for _, o := range b.Objects {
		if o.Name == "Tick" || o.Name == "APT10" {
			t.Errorf("group export holds %s", o.Name)
		}
	}
	code, stdout, errs := runCLI(t, "", "export", "misp", "--db", db, "--max-tlp", "green")
	if code != exitOK {
		t.Fatalf("misp: exit %d: %s", code, errs)
	}
	var ev struct {
		Event struct {
			Info string `json:"info"`
			Tag  []struct {
				Name string `json:"name"`
			} `json:"Tag"`
		} `json:"Event"`
	}
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil || ev.Event.Info == "" || !strings.Contains(stdout, `misp-galaxy:threat-actor=\"APT40\"`) {
		t.Errorf("misp: %v\n%.400s", err, stdout)
	}
	code, stdout, errs = runCLI(t, "", "export", "csv", "--db", db, "--group", "Sandworm")
	if code != exitOK {
		t.Fatalf("csv: exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "group" || rows[1][0] != "Sandworm" {
		t.Errorf("csv: %v %v", err, rows)
	}
	for _, args := range [][]string{{"export"}, {"export", "xml"}, {"export", "stix", "--max-tlp", "purple"}} {
		if code, _, _ := runCLI(t, "", append(args, "--db", db)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, _, _ := runCLI(t, "", "export", "stix", "--db", db, "--group", "Nobody"); code != exitNotFound {
		t.Errorf("unknown group: exit %d", code)
	}
}
