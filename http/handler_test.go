package http

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aptgraph/aptgraph"
)

// serve starts h on 127.0.0.1 and returns its base URL.
func serve(t testing.TB, h nethttp.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

type response struct {
	status int
	header nethttp.Header
	body   string
}

// get fetches path with the token secret as Bearer ("" for none).
func get(t testing.TB, base, path, secret string) response {
	t.Helper()
	req, err := nethttp.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	res, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

func TestPages(t *testing.T) {
	f := newFixture(t)
	base := serve(t, NewHandler(f.store, Options{Title: "aptgraph test"}))
	seed := url.PathEscape(f.seed.ID)
	tests := []struct {
		name, path string
		status     int
		want       []string
	}{
		{"home", "/", 200, []string{"<form", `name="q"`, `href="/groups/APT40"`, "Government of China", "Japan", "2024-07-09", "Recent reports", "<td class=\"num\">18</td>"}},
		{"group by alias", "/groups/Leviathan", 200, []string{"<h1>APT40", "Leviathan <small>named by Proofpoint</small>", "claimants attribute APT40 to",
			"Government of Japan", "highly likely", `<rect width="85"`, "alleged", "accused", `id="timeline-svg"`, "<circle", "JAXA", "maritime",
			"/reports/" + seed + "?start=", "https://attack.mitre.org/groups/G0065/"}},
		{"group techniques", "/groups/Volt%20Typhoon", 200, []string{"https://attack.mitre.org/techniques/", "Microsoft"}},
		{"report", "/reports/" + seed, 200, []string{`<mark title="`, "\nintrusion-set: APT40\n", "<aside>", "JAXA", "Kato Katsunobu"}},
		{"report focus", "/reports/" + seed + "?start=0&end=5", 200, []string{`<span id="hl"></span>`, `class="focus`}},
		{"search", "/search?q=Leviathan", 200, []string{`class="group-link" href="/groups/APT40"`, "<mark>Leviathan</mark>"}},
		{"search escapes", "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", 200, []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}},
		{"search form", "/search", 200, []string{`name="q"`}},
		{"claims", "/claims?about=APT40", 200, []string{"Government of Japan", "Kato Katsunobu", "Randy Grossman", "Ministry of State Security"}},
		{"claims by sponsor country", "/claims?about=China", 200, []string{"APT40", "Volt Typhoon"}},
		{"claims form", "/claims", 200, []string{`name="about"`}},
		{"unknown group", "/groups/NoSuchGroup", 404, []string{"no group named"}},
		{"ambiguous group", "/groups/BeagleBoyz", 409, []string{"ambiguous"}},
		{"unknown report", "/reports/report--00000000-0000-4000-8000-000000000000", 404, nil},
		{"not a report", "/reports/" + url.PathEscape(f.amberGroup.ID), 404, nil},
		{"no such page", "/nowhere", 404, []string{"there is no page"}},
		{"static css", "/static/style.css", 200, []string{"mark"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := get(t, base, tc.path, f.amber)
			if res.status != tc.status {
				t.Fatalf("GET %s: got status %d, want %d; body:\n%.500s", tc.path, res.status, tc.status, res.body)
			}
			ct := res.header.Get("Content-Type")
			wantCT := "text/html; charset=utf-8"
			if strings.HasPrefix(tc.path, "/static/") {
				wantCT = "text/css; charset=utf-8"
			}
			if ct != wantCT {
				t.Errorf("Content-Type: got %q, want %q", ct, wantCT)
			}
			if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("Content-Security-Policy: got %q", csp)
			}
			if got := res.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options: got %q, want nosniff", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("GET %s: body lacks %q", tc.path, w)
				}
			}
		})
	}
}

func TestAPI(t *testing.T) {
	f := newFixture(t)
	base := serve(t, NewHandler(f.store, Options{}))
	seed := url.PathEscape(f.seed.ID)
	tests := []struct {
		name, path string
		status     int
		check      func(t *testing.T, body map[string]any)
	}{
		{"groups", "/api/groups", 200, func(t *testing.T, b map[string]any) {
			gs, _ := b["groups"].([]any)
			if len(gs) < 9 {
				t.Errorf("got %d groups, want at least 9", len(gs))
			}
		}},
		{"group by alias", "/api/groups/Leviathan", 200, func(t *testing.T, b map[string]any) {
			if b["name"] != "APT40" {
				t.Errorf("name: got %v, want APT40", b["name"])
			}
			if cs, _ := b["claims"].([]any); len(cs) < 8 {
				t.Errorf("got %d claims, want at least 8", len(cs))
			}
		}},
		{"report", "/api/reports/" + seed, 200, func(t *testing.T, b map[string]any) {
			if txt, _ := b["text"].(string); !strings.Contains(txt, "APT40") {
				t.Errorf("text lacks APT40")
			}
			if objs, _ := b["objects"].([]any); len(objs) == 0 {
				t.Errorf("no objects")
			}
		}},
		{"search", "/api/search?q=Leviathan", 200, func(t *testing.T, b map[string]any) {
			hits, _ := b["hits"].([]any)
			if len(hits) == 0 || hits[0].(map[string]any)["name"] != "APT40" {
				t.Errorf("hits: got %v, want APT40 first", hits)
			}
			if sn := hits[0].(map[string]any)["snippet"].(string); !strings.Contains(sn, aptgraph.MatchStart+"Leviathan"+aptgraph.MatchEnd) {
				t.Errorf("snippet %q does not mark the match", sn)
			}
		}},
		{"object", "/api/objects/" + url.PathEscape(f.amberGroup.ID), 200, func(t *testing.T, b map[string]any) {
			if b["type"] != "intrusion-set" || b["name"] != "LOTUS PANDA" {
				t.Errorf("got %v %v, want intrusion-set LOTUS PANDA", b["type"], b["name"])
			}
		}},
		{"unknown group", "/api/groups/NoSuchGroup", 404, wantError(aptgraph.ENOTFOUND)},
		{"ambiguous group", "/api/groups/BeagleBoyz", 409, wantError(aptgraph.ECONFLICT)},
		{"empty search", "/api/search?q=", 400, wantError(aptgraph.EINVALID)},
		{"long search", "/api/search?q=" + strings.Repeat("a", 1200), 400, wantError(aptgraph.EINVALID)},
		{"unknown object", "/api/objects/malware--00000000-0000-4000-8000-000000000000", 404, wantError(aptgraph.ENOTFOUND)},
		{"unknown endpoint", "/api/nothing", 404, wantError(aptgraph.ENOTFOUND)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := get(t, base, tc.path, f.amber)
			if res.status != tc.status {
				t.Fatalf("GET %s: got status %d, want %d; body:\n%.500s", tc.path, res.status, tc.status, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type: got %q, want application/json", ct)
			}
			var body map[string]any
			if err := json.Unmarshal([]byte(res.body), &body); err != nil {
				t.Fatalf("body is not a JSON object: %v\n%.300s", err, res.body)
			}
			tc.check(t, body)
		})
	}
}

func wantError(code string) func(*testing.T, map[string]any) {
	return func(t *testing.T, b map[string]any) {
		t.Helper()
		if b["error"] != code {
			t.Errorf("error: got %v, want %q", b["error"], code)
		}
		if m, _ := b["message"].(string); m == "" {
			t.Errorf("no message")
		}
	}
}

// TestTLP checks that a reader cleared for TLP:CLEAR never sees a hidden
// object, its id or its name, on any page or API response; and that a
// reader cleared for TLP:AMBER does, so that the check can fail.
func TestTLP(t *testing.T) {
	f := newFixture(t)
	base := serve(t, NewHandler(f.store, Options{Public: true}))
	seed := url.PathEscape(f.seed.ID)
	paths := []string{"/", "/groups/APT40", "/groups/Leviathan", "/reports/" + seed, "/reports/" + seed + "?start=0&end=5",
		"/search?q=APT40", "/search?q=Lotus", "/search?q=SecretImplant", "/search?q=Sagerunex", "/search?q=Bureau",
		"/claims?about=APT40", "/claims?about=China", "/claims?about=Bureau%20Nine", "/claims?about=Hidden%20Claimant%20Org",
		"/api/groups", "/api/groups/APT40", "/api/reports/" + seed, "/api/search?q=Lotus", "/api/search?q=SecretImplant",
		"/api/objects/" + url.PathEscape(f.seed.ID), "/groups/Lotus%20Blossom", "/api/groups/Lotus%20Blossom",
		"/reports/" + url.PathEscape(f.amberReport.ID), "/api/reports/" + url.PathEscape(f.amberReport.ID)}
	for _, id := range f.hidden {
		paths = append(paths, "/api/objects/"+url.PathEscape(id))
	}
	apt40, err := aptgraph.FindGroup(context.Background(), f.store, "APT40")
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, "/api/objects/"+url.PathEscape(apt40.ID))

	for _, who := range []struct{ name, secret string }{{"clear token", f.clear}, {"anonymous", ""}} {
		t.Run(who.name, func(t *testing.T) {
			for _, p := range paths {
				res := get(t, base, p, who.secret)
				// What the request itself says may be said back to it.
				body := res.body
				for _, echo := range echoes(p) {
					body = strings.ReplaceAll(body, echo, "")
				}
				res.body = body
				if res.status != 200 && res.status != 404 {
					t.Errorf("GET %s: got status %d, want 200 or 404", p, res.status)
				}
				for _, id := range f.hidden {
					if strings.Contains(res.body, id) || strings.Contains(res.body, url.PathEscape(id)) {
						t.Errorf("GET %s shows hidden id %s", p, id)
					}
				}
				for _, n := range f.secretNames {
					if strings.Contains(strings.ToLower(res.body), strings.ToLower(n)) {
						t.Errorf("GET %s shows hidden name %q", p, n)
					}
				}
			}
		})
	}
	// What the clear reader was denied, the amber reader sees.
	for _, tc := range []struct{ path, want string }{
		{"/groups/APT40", "Bureau Nine"},
		{"/groups/APT40", "Hidden Claimant Org"},
		{"/groups/APT40", "SecretImplant"},
		{"/groups/APT40", "1999"},
		{"/reports/" + seed, "malware: SecretImplant"},
		{"/api/reports/" + seed, secretMalware},
		{"/api/objects/" + seed, amberTargetRel},
		{"/", "LOTUS PANDA"},
		{"/groups/Lotus%20Blossom", "Vietnam"},
		{"/search?q=SecretImplant", "SecretImplant"},
	} {
		res := get(t, base, tc.path, f.amber)
		if res.status != 200 || !strings.Contains(res.body, tc.want) {
			t.Errorf("amber GET %s: got status %d, body without %q", tc.path, res.status, tc.want)
		}
	}
	// The amber group is a plain 404 to the clear reader, as an unknown one.
	if res := get(t, base, "/api/groups/Lotus%20Blossom", f.clear); res.status != 404 || !strings.Contains(res.body, `"not_found"`) {
		t.Errorf("clear GET amber group: got %d %s, want 404 not_found", res.status, res.body)
	}
}

func TestAuth(t *testing.T) {
	f := newFixture(t)
	private := serve(t, NewHandler(f.store, Options{}))
	public := serve(t, NewHandler(f.store, Options{Public: true}))
	tests := []struct {
		name, base, path string
		auth             func(*nethttp.Request)
		status           int
	}{
		{"private, anonymous page", private, "/", nil, 401},
		{"private, anonymous api", private, "/api/groups", nil, 401},
		{"private, bad bearer", private, "/api/groups", func(r *nethttp.Request) { r.Header.Set("Authorization", "Bearer aptg_nope") }, 401},
		{"private, bad basic", private, "/", func(r *nethttp.Request) { r.SetBasicAuth("me", "aptg_nope") }, 401},
		{"private, odd scheme", private, "/", func(r *nethttp.Request) { r.Header.Set("Authorization", "Digest x") }, 401},
		{"private, bearer", private, "/api/groups", func(r *nethttp.Request) { r.Header.Set("Authorization", "Bearer "+f.clear) }, 200},
		{"private, basic", private, "/", func(r *nethttp.Request) { r.SetBasicAuth("reader", f.clear) }, 200},
		{"private, static needs no token", private, "/static/app.js", nil, 200},
		{"public, anonymous", public, "/", nil, 200},
		{"public, bad token is still refused", public, "/", func(r *nethttp.Request) { r.Header.Set("Authorization", "Bearer aptg_nope") }, 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := nethttp.NewRequest("GET", tc.base+tc.path, nil)
			if tc.auth != nil {
				tc.auth(req)
			}
			res, err := nethttp.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Fatalf("got status %d, want %d", res.StatusCode, tc.status)
			}
			if tc.status == 401 {
				if len(res.Header.Values("WWW-Authenticate")) == 0 {
					t.Errorf("401 without WWW-Authenticate")
				}
				if strings.HasPrefix(tc.path, "/api/") && !strings.Contains(string(b), `"error": "unauthorized"`) {
					t.Errorf("body: got %s, want a JSON unauthorized error", b)
				}
			}
		})
	}
}

// failing is a store whose reads fail with an internal error whose text
// must not reach a client.
type failing struct{ aptgraph.Store }

const secretDetail = "disk /dev/sda1 exploded at 0xdeadbeef"

func (failing) Objects(context.Context, aptgraph.ObjectFilter) ([]*aptgraph.StoredObject, error) {
	return nil, errors.New(secretDetail)
}

func (failing) Search(context.Context, string, int) ([]*aptgraph.SearchHit, error) {
	return nil, aptgraph.WrapError(aptgraph.EINTERNAL, "search failed: "+secretDetail, errors.New(secretDetail))
}

func TestErrorMapping(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		msg    string
	}{
		{aptgraph.Errorf(aptgraph.ENOTFOUND, "no such thing"), 404, "no such thing"},
		{aptgraph.Errorf(aptgraph.EINVALID, "bad input"), 400, "bad input"},
		{aptgraph.Errorf(aptgraph.EUNAUTHORIZED, "who are you"), 401, "who are you"},
		{aptgraph.Errorf(aptgraph.ECONFLICT, "ambiguous"), 409, "ambiguous"},
		{aptgraph.Errorf(aptgraph.EINTERNAL, "db broke"), 500, "internal error"},
		{aptgraph.Errorf(aptgraph.EUNAVAILABLE, "db down"), 500, "internal error"},
		{errors.New("raw detail"), 500, "internal error"},
	} {
		code, st, msg := status(tc.err)
		if st != tc.status || msg != tc.msg || code != aptgraph.ErrorCode(tc.err) {
			t.Errorf("status(%v): got %q %d %q, want %q %d %q", tc.err, code, st, msg, aptgraph.ErrorCode(tc.err), tc.status, tc.msg)
		}
	}

	f := newFixture(t)
	base := serve(t, NewHandler(failing{f.store}, Options{Public: true, Log: discardLog()}))
	for _, p := range []string{"/", "/api/groups", "/search?q=x", "/api/search?q=x", "/groups/APT40", "/api/objects/malware--00000000-0000-4000-8000-000000000000"} {
		res := get(t, base, p, "")
		if res.status != 500 {
			t.Errorf("GET %s: got status %d, want 500", p, res.status)
		}
		if strings.Contains(res.body, "deadbeef") || strings.Contains(res.body, "search failed") {
			t.Errorf("GET %s: internal detail reaches the client:\n%s", p, res.body)
		}
		if strings.HasPrefix(p, "/api/") && !strings.Contains(res.body, `"error": "internal"`) {
			t.Errorf("GET %s: got %s, want a JSON internal error", p, res.body)
		}
	}
}

// echoes returns what a request path says that a response may repeat: its
// last path segment and its query values, as typed and as escaped.
func echoes(path string) []string {
	u, err := url.Parse(path)
	if err != nil {
		return nil
	}
	var out []string
	if i := strings.LastIndex(u.Path, "/"); i >= 0 && i+1 < len(u.Path) {
		out = append(out, u.Path[i+1:])
	}
	for _, vs := range u.Query() {
		out = append(out, vs...)
	}
	for _, s := range out {
		out = append(out, url.PathEscape(s), url.QueryEscape(s))
	}
	return slices.DeleteFunc(out, func(s string) bool { return len(s) < 3 })
}
