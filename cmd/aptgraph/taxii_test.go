package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
	"github.com/aptgraph/aptgraph/storetest"
	"github.com/aptgraph/aptgraph/taxii"
)

// mustRun runs a command line and fails the test unless it exits 0.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("aptgraph %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// newToken makes a read-write TLP:RED token for collection in the store db.
func newToken(t *testing.T, db, collection string) string {
	t.Helper()
	out := mustRun(t, "token", "create", "--db", db, "--name", "test", "--collection", collection,
		"--read", "--write", "--max-tlp", "red", "--json")
	var tok struct{ Secret string }
	if err := json.Unmarshal([]byte(out), &tok); err != nil || tok.Secret == "" {
		t.Fatalf("token create printed %q (%v)", out, err)
	}
	return tok.Secret
}

// countVersions returns how many object versions the store db holds, in
// collection when it is set, and how many distinct ids.
func countVersions(t *testing.T, db, collection string) (versions, distinct int) {
	t.Helper()
	st, err := openStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	objs, err := st.Objects(context.Background(), aptgraph.ObjectFilter{AllVersions: true, Collection: collection})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, o := range objs {
		seen[o.Object.ID] = true
	}
	return len(objs), len(seen)
}

// TestTaxiiOwnServer pulls from and pushes to aptgraph's own TAXII server.
func TestTaxiiOwnServer(t *testing.T) {
	dir := t.TempDir()
	serverDB, localDB := filepath.Join(dir, "server.db"), filepath.Join(dir, "local.db")
	mustRun(t, "taxii", "collection", "create", "--db", serverDB, "--title", "Shared", "--alias", "shared")
	mustRun(t, "taxii", "collection", "create", "--db", serverDB, "--title", "Back", "--alias", "back")
	if out := mustRun(t, "taxii", "collection", "list", "--db", serverDB); !strings.Contains(out, "shared") || !strings.Contains(out, "back") {
		t.Fatalf("collection list = %q", out)
	}
	secret := newToken(t, serverDB, "*")

	st, err := openStore(context.Background(), serverDB)
	if err != nil {
		t.Fatal(err)
	}
	b := storetest.Bulk(250, "own")
	b.Collection = "shared"
	if _, err := st.Write(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(taxii.NewServer(st, taxii.ServerOptions{}))
	defer srv.Close()
	defer st.Close()

	out := mustRun(t, "taxii", "pull", srv.URL+"/taxii2/", "--collection", "shared", "--db", localDB,
		"--token", secret, "--page-size", "40", "--json")
	var sum struct{ Pages, Objects, Created int }
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Pages != 7 || sum.Objects != 250 || sum.Created != 250 {
		t.Errorf("pull = %+v, want 250 objects created in 7 pages", sum)
	}
	if v, d := countVersions(t, localDB, ""); v != 250 || d != 250 {
		t.Errorf("local store holds %d versions of %d ids, want 250 of 250", v, d)
	}
	// A second pull resumes after the last object: nothing new.
	out = mustRun(t, "taxii", "pull", srv.URL+"/taxii2/api1/", "--collection", "shared", "--db", localDB, "--token", secret, "--json")
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Objects != 0 {
		t.Errorf("second pull = %s, want 0 objects", out)
	}

	for range 2 { // pushing twice adds no duplicates
		mustRun(t, "taxii", "push", srv.URL+"/taxii2/api1/", "--collection", "back", "--db", localDB, "--token", secret, "--chunk", "100")
		if v, d := countVersions(t, serverDB, "back"); v != 250 || d != 250 {
			t.Errorf("collection back holds %d versions of %d ids, want 250 of 250", v, d)
		}
	}
	code, _, _ := runCLI(t, "", "taxii", "pull", srv.URL+"/taxii2/api1/", "--collection", "shared", "--db", localDB, "--token", "wrong", "--restart")
	if code != exitDenied {
		t.Errorf("pull with a wrong token: exit %d, want %d", code, exitDenied)
	}
}

// miniServer is a minimal TAXII 2.1 server written from the specification
// alone, sharing no code with package taxii: one API root at /api/, one
// collection "c1", next tokens that are plain offsets, and a fault switch
// that makes one GET fail, to interrupt a pull.
type miniServer struct {
	mu      sync.Mutex
	entries []miniEntry
	clock   time.Time
	gets    int
	failAt  int      // the GET (1-based) that answers 503; 0 for none
	queries []string // the query of every GET of objects
}

type miniEntry struct {
	id    string
	raw   json.RawMessage
	added time.Time
}

const taxiiType = "application/taxii+json;version=2.1"

func (m *miniServer) add(raws ...json.RawMessage) {
	for _, raw := range raws {
		var o struct{ ID string }
		json.Unmarshal(raw, &o)
		m.clock = m.clock.Add(time.Millisecond)
		m.entries = append(m.entries, miniEntry{id: o.ID, raw: raw, added: m.clock})
	}
}

func (m *miniServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", taxiiType)
	if !strings.Contains(r.Header.Get("Accept"), "application/taxii+json") {
		w.WriteHeader(http.StatusNotAcceptable)
		fmt.Fprint(w, `{"title":"not acceptable"}`)
		return
	}
	switch {
	case r.URL.Path == "/taxii2/":
		fmt.Fprintf(w, `{"title":"mini","default":"http://%s/api/","api_roots":["http://%s/api/"]}`, r.Host, r.Host)
	case r.URL.Path == "/api/collections/c1/objects/" && r.Method == http.MethodGet:
		m.gets++
		m.queries = append(m.queries, r.URL.RawQuery)
		if m.gets == m.failAt {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"title":"try later","http_status":"503"}`)
			return
		}
		q := r.URL.Query()
		var after time.Time
		if v := q.Get("added_after"); v != "" {
			after, _ = time.Parse(time.RFC3339Nano, v)
		}
		limit, _ := strconv.Atoi(q.Get("limit"))
		if limit <= 0 || limit > 10 {
			limit = 10
		}
		start, _ := strconv.Atoi(strings.TrimPrefix(q.Get("next"), "off"))
		var page []miniEntry
		more, next := false, 0
		for i := start; i < len(m.entries); i++ {
			if !m.entries[i].added.After(after) {
				continue
			}
			if len(page) == limit {
				more, next = true, i
				break
			}
			page = append(page, m.entries[i])
		}
		env := map[string]any{"more": more}
		if more {
			env["next"] = "off" + strconv.Itoa(next)
		}
		var objs []json.RawMessage
		for _, e := range page {
			objs = append(objs, e.raw)
		}
		env["objects"] = objs
		if len(page) > 0 {
			w.Header().Set("X-TAXII-Date-Added-First", page[0].added.Format(time.RFC3339Nano))
			w.Header().Set("X-TAXII-Date-Added-Last", page[len(page)-1].added.Format(time.RFC3339Nano))
		}
		json.NewEncoder(w).Encode(env)
	case r.URL.Path == "/api/collections/c1/objects/" && r.Method == http.MethodPost:
		var env struct{ Objects []json.RawMessage }
		if err := json.NewDecoder(r.Body).Decode(&env); err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/taxii+json") {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"title":"bad envelope"}`)
			return
		}
		m.add(env.Objects...)
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, `{"id":"2d086da7-4bdc-4f91-900e-d77486753710","status":"complete","total_count":%d,"success_count":%d,"failure_count":0,"pending_count":0}`,
			len(env.Objects), len(env.Objects))
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"title":"not found"}`)
	}
}

func bulkRaws(t *testing.T, n int, seed string) []json.RawMessage {
	t.Helper()
	var raws []json.RawMessage
	for _, o := range storetest.Bulk(n, seed).Objects {
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, b)
	}
	return raws
}

// TestTaxiiMiniServer pulls from and pushes to an independent TAXII 2.1
// server, and resumes a pull that a server error interrupted.
func TestTaxiiMiniServer(t *testing.T) {
	m := &miniServer{clock: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), failAt: 4}
	m.add(bulkRaws(t, 95, "mini")...)
	srv := httptest.NewServer(m)
	defer srv.Close()
	dir := t.TempDir()
	db, state := filepath.Join(dir, "local.db"), filepath.Join(dir, "cursor.json")

	// The fourth page fails: three pages (30 objects) are stored and the
	// cursor stays after them.
	code, out, errs := runCLI(t, "", "taxii", "pull", srv.URL+"/taxii2/", "--collection", "c1", "--db", db, "--state", state)
	if code == exitOK {
		t.Fatalf("pull through a failing server: exit 0 (%s), want an error", out)
	}
	if !strings.Contains(errs, "resume") {
		t.Errorf("error %q does not say how to resume", errs)
	}
	if v, _ := countVersions(t, db, ""); v != 30 {
		t.Fatalf("after the interruption the store holds %d objects, want 30", v)
	}
	// Run again: it goes on from the fourth page, not the first.
	out = mustRun(t, "taxii", "pull", srv.URL+"/taxii2/", "--collection", "c1", "--db", db, "--state", state, "--json")
	var sum struct {
		Objects, Created int
		Resumed          bool
	}
	json.Unmarshal([]byte(out), &sum)
	if !sum.Resumed || sum.Objects != 65 || sum.Created != 65 {
		t.Errorf("resumed pull = %s, want 65 objects created", out)
	}
	if q := m.queries[4]; !strings.Contains(q, "next=off30") {
		t.Errorf("resumed pull began with ?%s, want next=off30", q)
	}
	if v, d := countVersions(t, db, ""); v != 95 || d != 95 {
		t.Errorf("store holds %d versions of %d ids, want 95 of 95", v, d)
	}
	// Later pulls ask with added_after and get only what was added since.
	m.mu.Lock()
	m.add(bulkRaws(t, 5, "late")...)
	m.mu.Unlock()
	out = mustRun(t, "taxii", "pull", srv.URL+"/api/", "--collection", "c1", "--db", db, "--state", state, "--json")
	json.Unmarshal([]byte(out), &sum)
	if sum.Objects != 5 {
		t.Errorf("incremental pull = %s, want 5 objects", out)
	}
	if q := m.queries[len(m.queries)-1]; !strings.Contains(q, "added_after=") {
		t.Errorf("incremental pull asked ?%s, want added_after", q)
	}

	// Push the store to the mini server's collection.
	m.mu.Lock()
	m.entries = nil
	m.mu.Unlock()
	mustRun(t, "taxii", "push", srv.URL+"/api/", "--collection", "c1", "--db", db, "--chunk", "40")
	m.mu.Lock()
	got := map[string]bool{}
	for _, e := range m.entries {
		got[e.id] = true
	}
	m.mu.Unlock()
	if len(got) != 100 {
		t.Errorf("mini server received %d distinct objects, want 100", len(got))
	}
}

// TestServeKill9 kills `aptgraph serve` with SIGKILL in the middle of
// 10,000 posted objects: the SQLite store must hold whole envelopes only,
// and posting everything again after a restart must add no duplicates.
func TestServeKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "aptgraph")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v: %s", err, out)
	}
	db := filepath.Join(dir, "a.db")
	mustRun(t, "taxii", "collection", "create", "--db", db, "--title", "K", "--alias", "k")
	secret := newToken(t, db, "k")

	const total, chunk = 10000, 500
	objs := storetest.Bulk(total, "kill").Objects
	chunks := make([][]*stix.Object, 0, total/chunk)
	for i := 0; i < total; i += chunk {
		chunks = append(chunks, objs[i:i+chunk])
	}

	// First run: post envelopes one after another, kill -9 after the
	// fifth is acknowledged, while the sixth is on its way.
	cmd, url := startServe(t, bin, db)
	c := taxii.NewClient(url+"/taxii2/api1/", secret, nil)
	var acked int
	for i, ch := range chunks {
		if i == 5 {
			go func() { time.Sleep(20 * time.Millisecond); cmd.Process.Signal(syscall.SIGKILL) }()
		}
		if _, err := c.Push(context.Background(), "k", ch); err != nil {
			break
		}
		acked++
	}
	cmd.Wait()
	if acked == len(chunks) {
		t.Fatal("every envelope was acknowledged: the kill came too late")
	}

	// The store is consistent: each envelope is wholly there or wholly absent.
	st, err := openStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := st.Objects(context.Background(), aptgraph.ObjectFilter{AllVersions: true, Collection: "k"})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]int{}
	for _, so := range stored {
		have[so.Object.ID]++
	}
	whole := 0
	for i, ch := range chunks {
		n := 0
		for _, o := range ch {
			n += have[o.ID]
		}
		switch {
		case n == len(ch):
			whole++
		case n != 0:
			t.Errorf("envelope %d is partly stored: %d of %d objects", i, n, len(ch))
		}
		if i < acked && n != len(ch) {
			t.Errorf("acknowledged envelope %d is missing after the kill", i)
		}
	}
	t.Logf("killed after %d acknowledged envelopes; %d whole envelopes stored (%d objects)", acked, whole, len(stored))

	// Restart on the same file and post all again: no duplicates.
	cmd, url = startServe(t, bin, db)
	c = taxii.NewClient(url+"/taxii2/api1/", secret, nil)
	c.ChunkSize = chunk
	if _, err := c.Push(context.Background(), "k", objs); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if v, d := countVersions(t, db, "k"); v != total || d != total {
		t.Errorf("after re-posting, the collection holds %d versions of %d ids, want %d of %d", v, d, total, total)
	}
}

// startServe starts `aptgraph serve` on a free loopback port and returns
// it with its base URL, read from what it prints.
func startServe(t *testing.T, bin, db string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "APTGRAPH_DB="+db)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(stderr)
	urlc := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if _, rest, ok := strings.Cut(lines.Text(), "serving TAXII 2.1 on "); ok {
				urlc <- strings.TrimSuffix(strings.Fields(rest)[0], "/taxii2/")
			}
		}
	}()
	select {
	case u := <-urlc:
		return cmd, u
	case <-time.After(20 * time.Second):
		t.Fatal("aptgraph serve did not start")
	}
	return nil, ""
}
