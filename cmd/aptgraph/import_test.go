package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/shared"
	"github.com/aptgraph/aptgraph/kb"
)

func attackPath(t testing.TB, name string) string {
	t.Helper()
	p := shared.Path(t, "data", "attack", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("ATT&CK data: %v", err)
	}
	return p
}

func galaxyPath(t testing.TB, name string) string {
	t.Helper()
	return shared.Path(t, "data", "misp-galaxy", "clusters", name+".json")
}

func importJSON(t *testing.T, args ...string) importLine {
	t.Helper()
	code, out, errs := runCLI(t, "", append([]string{"import"}, append(args, "--json")...)...)
	if code != exitOK {
		t.Fatalf("import %v: exit %d: %s", args, code, errs)
	}
	var l importLine
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatalf("import %v: %q: %v", args, out, err)
	}
	return l
}

// TestImportAttackIdempotent imports ATT&CK Enterprise twice: the second
// import changes nothing, and revoked or deprecated groups are kept but not
// found as live groups.
func TestImportAttackIdempotent(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 24,772 objects twice")
	}
	file := attackPath(t, "enterprise-attack-18.1.json.gz")
	db := filepath.Join(t.TempDir(), "a.db")
	start := time.Now()
	first := importJSON(t, "attack", "--db", db, file)
	t.Logf("first import: %+v (%v)", first, time.Since(start))
	if first.Objects != 24772 || first.Created != first.Objects || first.History == 0 {
		t.Errorf("first import: %+v; want 24772 objects created, some history", first)
	}
	second := importJSON(t, "attack", "--db", db, file)
	if second.Created != 0 || second.Updated != 0 || second.Unchanged != second.Objects || second.Names != 0 {
		t.Errorf("second import changed the store: %+v", second)
	}

	ctx := context.Background()
	st, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sets, err := st.Objects(ctx, aptgraph.ObjectFilter{Types: []string{"intrusion-set"}})
	if err != nil {
		t.Fatal(err)
	}
	dead := 0
	for _, o := range sets {
		if aptgraph.IsLive(o.Object) {
			continue
		}
		dead++
		live, err := aptgraph.LiveGroups(ctx, st, o.Object.Name)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range live {
			if l.Object.ID == o.Object.ID {
				t.Errorf("LiveGroups(%q) lists revoked or deprecated %s", o.Object.Name, o.Object.ID)
			}
		}
	}
	if dead == 0 {
		t.Error("no revoked or deprecated intrusion-set stored as history")
	}
	code, out, errs := runCLI(t, "", "alias", "resolve", "--db", db, "Kryptonite Panda")
	if code != exitOK || !strings.Contains(out, "APT40") {
		t.Errorf("alias resolve Kryptonite Panda: exit %d: %s%s", code, out, errs)
	}
}

// BenchmarkImportAttack runs `aptgraph import attack` on ATT&CK Enterprise
// into a new SQLite store: reading, writing the objects, and the names.
func BenchmarkImportAttack(b *testing.B) {
	file := attackPath(b, "enterprise-attack-18.1.json.gz")
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := filepath.Join(b.TempDir(), "a.db")
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
		b.StartTimer()
		if code := run(context.Background(), e, []string{"import", "attack", "--quiet", "--db", db, file}); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(24772*b.N)/b.Elapsed().Seconds(), "objects/s")
}

// TestAmbiguousNamesResolve checks that every name the data gives to more
// than one group resolves as ambiguous, with those groups as candidates:
// from the embedded facts, and after importing the threat-actor galaxy.
func TestAmbiguousNamesResolve(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "a.db")
	ta := galaxyPath(t, "threat-actor")
	importJSON(t, "misp-galaxy", "--db", db, ta)
	g, err := readInput(ta, nil, kb.ReadGalaxy)
	if err != nil {
		t.Fatal(err)
	}
	st, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tc := range []struct {
		name  string
		facts *kb.Facts
	}{
		{"embedded", kb.Embedded()},
		{"with threat-actor galaxy", kb.Merge(kb.Embedded(), g.Facts())},
	} {
		if len(tc.facts.Ambiguous) == 0 {
			t.Fatalf("%s: the data gives no name to several groups", tc.name)
		}
		for norm, keys := range tc.facts.Ambiguous {
			cands, err := aptgraph.ResolveName(ctx, st, norm)
			if err != nil {
				t.Fatal(err)
			}
			if !aptgraph.Ambiguous(cands) {
				t.Errorf("%s: %q resolves to %d candidates, want ambiguous among %v", tc.name, norm, len(cands), keys)
				continue
			}
			got := map[string]bool{}
			for _, c := range cands {
				got[c.GroupKey] = true
			}
			for _, k := range keys {
				if !got[k] {
					t.Errorf("%s: %q: group %s missing from the candidates", tc.name, norm, k)
				}
			}
		}
		t.Logf("%s: %d ambiguous names, all resolve as ambiguous", tc.name, len(tc.facts.Ambiguous))
	}
	code, out, _ := runCLI(t, "", "alias", "resolve", "--db", db, "Lazarus")
	if code != exitOK {
		t.Fatalf("alias resolve: exit %d", code)
	}
	t.Logf("alias resolve Lazarus:\n%s", out)
}

// storeState is what the bad-input test compares before and after.
type storeState struct{ versions, names, claims int }

func snapshot(t *testing.T, db string) storeState {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var s storeState
	objs, err := st.Objects(ctx, aptgraph.ObjectFilter{AllVersions: true})
	if err != nil {
		t.Fatal(err)
	}
	s.versions = len(objs)
	if s.names, err = st.CountNames(ctx); err != nil {
		t.Fatal(err)
	}
	claims, err := st.AliasClaims(ctx, aptgraph.AliasClaimFilter{Undone: true})
	if err != nil {
		t.Fatal(err)
	}
	s.claims = len(claims)
	return s
}

// galaxyVariant writes a copy of a galaxy file changed by edit into dir.
func galaxyVariant(t *testing.T, dir, name string, edit func(values []map[string]any) []map[string]any) string {
	t.Helper()
	b, err := os.ReadFile(galaxyPath(t, "threat-actor"))
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	var values []map[string]any
	raw, _ := json.Marshal(f["values"])
	json.Unmarshal(raw, &values)
	f["values"] = edit(values)
	out, _ := json.Marshal(f)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportBadInput feeds each kind of bad file to import: each fails with
// one clear line and an invalid-input exit code, and leaves the store as it
// was.
func TestImportBadInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	importJSON(t, "attack", "--db", db, attackPath(t, "ics-attack-18.1.json"))
	if code, _, errs := runCLI(t, "", "alias", "join", "--db", db, "APT 40", "Gadolinium"); code != exitOK {
		t.Fatalf("alias join: %s", errs)
	}
	ics, err := os.ReadFile(attackPath(t, "ics-attack-18.1.json"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.json")
	os.WriteFile(truncated, ics[:len(ics)*2/3], 0o644)
	pdf := filepath.Join(dir, "report.pdf")
	os.WriteFile(pdf, []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), 0o644)
	dupUUID := galaxyVariant(t, dir, "dup.json", func(v []map[string]any) []map[string]any {
		return append(v, v[3])
	})
	hugeNames := galaxyVariant(t, dir, "huge.json", func(v []map[string]any) []map[string]any {
		meta, _ := v[0]["meta"].(map[string]any)
		var syn []string
		for i := range kb.MaxNames + 1 {
			syn = append(syn, fmt.Sprintf("Panda %d", i))
		}
		meta["synonyms"] = syn
		return v
	})

	tests := []struct {
		name string
		args []string
		want string // in the error line
	}{
		{"truncated bundle", []string{"attack", truncated}, "truncated or malformed ATT&CK bundle"},
		{"galaxy as attack", []string{"attack", galaxyPath(t, "threat-actor")}, "not an ATT&CK STIX bundle"},
		{"pdf as attack", []string{"attack", pdf}, "PDF"},
		{"attack as galaxy", []string{"misp-galaxy", attackPath(t, "ics-attack-18.1.json")}, "not a MISP galaxy cluster file"},
		{"huge name list", []string{"misp-galaxy", hugeNames}, "over the limit"},
		{"duplicate uuids", []string{"misp-galaxy", dupUUID}, "repeats uuid"},
	}
	before := snapshot(t, db)
	if before.versions == 0 || before.names == 0 || before.claims != 1 {
		t.Fatalf("store before: %+v", before)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"import", tt.args[0], "--db", db}, tt.args[1:]...)
			code, out, errs := runCLI(t, "", args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			lines := strings.Split(strings.TrimSuffix(errs, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(errs, "aptgraph: ") || !strings.Contains(errs, tt.want) {
				t.Errorf("stderr %q, want one line with %q", errs, tt.want)
			}
			t.Logf("%s", strings.TrimSpace(errs))
			if after := snapshot(t, db); after != before {
				t.Errorf("store changed: %+v, was %+v", after, before)
			}
		})
	}
}

// TestAliasCommands runs join, resolve, list, split and undo.
func TestAliasCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	cli := func(want int, args ...string) string {
		t.Helper()
		code, out, errs := runCLI(t, "", append(args, "--db", db)...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d: %s", args, code, want, errs)
		}
		return out
	}
	out := cli(exitOK, "alias", "resolve", "APT40")
	if !strings.Contains(out, "names APT40") || !strings.Contains(out, "Mandiant") {
		t.Errorf("resolve APT40:\n%s", out)
	}
	cli(exitNotFound, "alias", "resolve", "Purple Unicorn Zeta")
	out = cli(exitOK, "alias", "join", "Purple Unicorn Zeta", "APT40", "--by", "ana", "--note", "same infrastructure")
	if !strings.Contains(out, "claim 1: join") {
		t.Errorf("join: %s", out)
	}
	var res resolveOutput
	if err := json.Unmarshal([]byte(cli(exitOK, "alias", "resolve", "--json", "purple-unicorn zeta")), &res); err != nil {
		t.Fatal(err)
	}
	if res.Ambiguous || len(res.Candidates) != 1 || res.Candidates[0].Group != "APT40" || res.Candidates[0].JoinedBy != 1 {
		t.Errorf("resolve after join: %+v", res)
	}
	out = cli(exitOK, "alias", "list")
	if !strings.Contains(out, "local join") || !strings.Contains(out, "ana") {
		t.Errorf("list:\n%s", out)
	}
	out = cli(exitOK, "alias", "split", "APT40", "Purple Unicorn Zeta", "--by", "bo")
	if !strings.Contains(out, "undid claim 1") {
		t.Errorf("split after join: %s", out)
	}
	cli(exitNotFound, "alias", "resolve", "Purple Unicorn Zeta")
	if out = cli(exitOK, "alias", "list"); !strings.Contains(out, "no local claims") {
		t.Errorf("list after split:\n%s", out)
	}
	if out = cli(exitOK, "alias", "list", "--all"); !strings.Contains(out, "undone by bo") {
		t.Errorf("list --all:\n%s", out)
	}
	cli(exitOK, "alias", "split", "APT40", "Leviathan", "--by", "cy")
	cli(exitOK, "alias", "undo", "2")
	cli(exitFailure, "alias", "undo", "2") // ECONFLICT
	cli(exitNotFound, "alias", "undo", "99")
	cli(exitUsage, "alias", "undo", "x")
	cli(exitUsage, "alias", "join", "APT40")
	cli(exitUsage, "alias", "join", "APT 40", "apt-40")
	cli(exitUsage, "alias", "frobnicate")
	cli(exitUsage, "import", "stix")
}
