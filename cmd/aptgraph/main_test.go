package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/shared"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestExtractSeed(t *testing.T) {
	code, out, errs := runCLI(t, "", "extract", shared.Path(t, "seed", "japan-apt40-article.txt"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var b struct {
		Type    string            `json:"type"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatalf("stdout is not a bundle: %v", err)
	}
	if b.Type != "bundle" || len(b.Objects) < 10 {
		t.Fatalf("got a %q with %d objects", b.Type, len(b.Objects))
	}
}

func TestIngestShowIdempotent(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	seed := shared.Path(t, "seed", "japan-apt40-article.txt")
	code, out, errs := runCLI(t, "", "ingest", "--db", db, "--json", "--published", "2021-07-20", seed)
	if code != exitOK {
		t.Fatalf("first ingest: exit %d: %s", code, errs)
	}
	var first ingestLine
	if err := json.Unmarshal([]byte(out), &first); err != nil || first.Created == 0 {
		t.Fatalf("first ingest: %q (%v)", out, err)
	}
	code, out, errs = runCLI(t, "", "ingest", "--db", db, "--json", "--published", "2021-07-20", seed)
	if code != exitOK {
		t.Fatalf("second ingest: exit %d: %s", code, errs)
	}
	var second ingestLine
	if err := json.Unmarshal([]byte(out), &second); err != nil {
		t.Fatal(err)
	}
	if second.Created != 0 || second.Updated != 0 {
		t.Fatalf("second ingest changed the store: %+v", second)
	}
	code, out, errs = runCLI(t, "", "show", "group", "Leviathan", "--db", db, "--json")
	if code != exitOK {
		t.Fatalf("show: exit %d: %s", code, errs)
	}
	var d aptgraph.Dossier
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Name != "APT40" || len(d.Claims) == 0 || len(d.Victims) == 0 {
		t.Fatalf("dossier: name %q, %d claims, %d victims", d.Name, len(d.Claims), len(d.Victims))
	}
	for _, c := range d.Claims {
		if len(c.Quotes) == 0 || c.Claimant == "" {
			t.Errorf("claim without quote or claimant: %+v", c)
		}
	}
	code, _, _ = runCLI(t, "", "show", "group", "No Such Group", "--db", db)
	if code != exitNotFound {
		t.Errorf("unknown group: exit %d, want %d", code, exitNotFound)
	}
	code, out, _ = runCLI(t, "", "search", "Narita", "--db", db, "--json")
	if code != exitOK || !strings.Contains(out, "report--") {
		t.Errorf("search: exit %d, %s", code, out)
	}
}

func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i * 7)
	}
	tests := []struct {
		name string
		path string
		want int
	}{
		{"empty", write("empty.txt", nil), exitUsage},
		{"binary", write("junk.bin", junk), exitUsage},
		{"damaged pdf", write("bad.pdf", []byte("%PDF-1.4\n1 0 obj <</Type /Catalog>>\nxref garbage")), exitUsage},
		{"scripts only", write("menu.html", []byte("<html><head><script>var a=1;</script></head><body><nav><a href=/>Home</a></nav><script>x()</script></body></html>")), exitUsage},
		{"missing", filepath.Join(dir, "nope.txt"), exitNotFound},
		{"invalid utf8", write("bad.txt", []byte("APT40 \xff\xfe attacked Japanese companies, Japan said.")), exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runCLI(t, "", "extract", tt.path)
			if code != tt.want {
				t.Fatalf("exit %d, want %d (%s)", code, tt.want, errs)
			}
			if code != exitOK && strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("error is not one line: %q", errs)
			}
		})
	}
	// Ingesting bad input leaves the store unchanged.
	db := filepath.Join(dir, "s.db")
	if code, _, errs := runCLI(t, "", "ingest", "--db", db, filepath.Join(dir, "empty.txt")); code != exitUsage {
		t.Fatalf("ingest empty: exit %d (%s)", code, errs)
	}
}

func TestUsage(t *testing.T) {
	if code, _, _ := runCLI(t, "", "nope"); code != exitUsage {
		t.Errorf("unknown command: exit %d", code)
	}
	for _, c := range commands {
		code, out, _ := runCLI(t, "", c.name, "--help")
		if code != exitOK || !strings.Contains(out, "Usage: aptgraph "+c.name) {
			t.Errorf("%s --help: exit %d, %q", c.name, code, out)
		}
	}
	if code, _, _ := runCLI(t, "", "extract", "--format", "xml", "x.txt"); code != exitUsage {
		t.Errorf("bad format: exit %d", code)
	}
}

func TestStdin(t *testing.T) {
	code, out, errs := runCLI(t, "APT41 was linked to the Chinese government, the FBI said.", "extract", "--format", "summary", "-")
	if code != exitOK || !strings.Contains(out, "APT41") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
}

// TestDossierAfterAttackImport: the seed, ingested after the ATT&CK import,
// shows APT40 with ATT&CK's aliases and techniques and the seed's claims.
func TestDossierAfterAttackImport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	if code, _, errs := runCLI(t, "", "import", "attack", "--db", db, "--quiet", shared.Path(t, "data", "attack", "enterprise-attack-18.1.json.gz")); code != exitOK {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	if code, _, errs := runCLI(t, "", "ingest", "--db", db, "--published", "2021-07-20", shared.Path(t, "seed", "japan-apt40-article.txt")); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	code, out, errs := runCLI(t, "", "show", "group", "Leviathan", "--db", db, "--json")
	if code != exitOK {
		t.Fatalf("show: exit %d: %s", code, errs)
	}
	var d struct {
		aptgraph.Dossier
		Timeline []*aptgraph.Event `json:"timeline"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Name != "APT40" {
		t.Fatalf("name %q, want APT40", d.Name)
	}
	for _, want := range []string{"Leviathan", "BRONZE MOHAWK", "TEMP.Periscope", "Gingham Typhoon"} {
		found := false
		for _, a := range d.AliasInfo {
			if a.Name == want {
				found = true
			}
		}
		if !found {
			t.Errorf("alias %s missing", want)
		}
	}
	techniques := 0
	for _, u := range d.Uses {
		if u.Type == "attack-pattern" && u.Source == "attack" && strings.HasPrefix(u.ExternalID, "T") {
			techniques++
		}
	}
	if techniques < 10 {
		t.Errorf("got %d ATT&CK techniques, want at least 10", techniques)
	}
	quoted := 0
	for _, c := range d.Claims {
		if len(c.Quotes) > 0 && c.Claimant != "" {
			quoted++
		}
	}
	if quoted < 5 || len(d.Timeline) == 0 {
		t.Errorf("%d claims with quotes, %d timeline events", quoted, len(d.Timeline))
	}
}
