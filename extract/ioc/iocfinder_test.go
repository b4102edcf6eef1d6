package ioc

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aptgraph/aptgraph/internal/shared"
)

// finderCase is one case of ioc-finder's test-suite, as ../shared/eval/README.md
// describes it.
type finderCase struct {
	Test     string              `json:"test"`
	Input    string              `json:"input"`
	Match    string              `json:"match"`
	Expected map[string][]string `json:"expected"`
	Options  map[string]any      `json:"options"`
	Count    *int                `json:"count"`
}

// finderTypes maps ioc-finder's output keys to ours. Every other key
// (asns, mac addresses, bitcoin addresses, registry keys, file paths,
// imphashes, the "_complete" variants of urls and e-mail addresses …) is out
// of scope.
var finderTypes = map[string]Type{
	"ipv4s": IPv4, "ipv6s": IPv6, "ipv4_cidrs": CIDR, "domains": Domain, "urls": URL,
	"email_addresses": Email, "md5s": MD5, "sha1s": SHA1, "sha256s": SHA256, "sha512s": SHA512,
	"cves": CVE,
}

// finderSkips lists the in-scope cases where ioc-finder's expectation
// conflicts with STIX or with what an analyst expects, keyed by the case's
// test name; "name#n" picks the n-th case (from 1) of that name.
var finderSkips = map[string]string{
	// File names read as domains.
	"tests/find_iocs_cases/file_paths.py:file_path_3":                                                                             "abc.py at the end of ~/foo/bar/abc.py is a Python file, not a domain in Paraguay's .py",
	"tests/find_iocs_cases/file_paths.py:file_path_5":                                                                             "test.py in ~/Desktop/test.py is a Python file, not a domain",
	"tests/find_iocs_cases/domains.py:domain-issue_104__domains_read_from_percent_encoded_url_query_params":                       "CBA0019_file_00002_pdf.zip in a URL path is a file name: registries hand out no names with '_', so it is no domain",
	"tests/find_iocs_cases/domains.py:domain-issue_104__domains_read_from_percent_encoded_url_query_params__with_options_false":   "expects the file name CBA0019_file_00002_pdf.zip as a domain (see above)",
	"tests/find_iocs_cases/domains.py:domain-issue_104__domains_read_from_percent_encoded_url_query_params__with_options_false_2": "expects the file name CBA0019_file_00002_pdf.zip as a domain (see above)",
	// Percent-encoding.
	"tests/find_iocs_cases/domains.py:domain-percent_encoding_not_unquoted_if_not_in_url": "%2F is an encoded '/', so the name in %2Ffreasdfuewriter.com is freasdfuewriter.com; ioc-finder keeps a bogus '2f' prefix outside URLs",
	// URL value.
	"tests/find_iocs_cases/urls.py:Complete URLs support userinfo in authority": "ioc-finder's 'urls' cuts http://userid:password@example.com:8080/ to 'password@example.com:8080/', which is no URL; the STIX url value is the whole URL",
}

func loadFinderCases(t *testing.T) []finderCase {
	t.Helper()
	b, err := os.ReadFile(shared.Path(t, "eval", "ioc", "ioc-finder.cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []finderCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("parse ioc-finder cases: %v", err)
	}
	return cases
}

func TestIOCFinderCases(t *testing.T) {
	cases := loadFinderCases(t)
	var pass, skip, fail, out, stray int
	seen := map[string]int{}
	usedSkips := map[string]bool{}
	for _, c := range cases {
		seen[c.Test]++
		key := c.Test
		if !inScope(c) {
			out++
			// Not counted, but an input that ioc-finder finds only (say) a
			// bitcoin address in should give none of our types either.
			if c.Match == "exact_all_types" {
				if got, err := finderResults(c); err == nil && len(got) > 0 {
					stray++
					t.Logf("out of scope %s: stray %q", c.Test, got)
				}
			}
			continue
		}
		reason, skipped := finderSkips[key]
		if !skipped {
			key = fmt.Sprintf("%s#%d", c.Test, seen[c.Test])
			reason, skipped = finderSkips[key]
		}
		if skipped {
			usedSkips[key] = true
		}
		err := checkFinderCase(c)
		switch {
		case skipped && err == nil:
			t.Errorf("case %q is skipped (%s) but passes: drop the skip", key, reason)
			skip++
		case skipped:
			skip++
		case err != nil:
			fail++
			t.Logf("FAIL %s (%s) input %.200q: %v", c.Test, c.Match, c.Input, err)
		default:
			pass++
		}
	}
	for k := range finderSkips {
		if !usedSkips[k] {
			t.Errorf("skip %q names no in-scope case", k)
		}
	}
	total := pass + fail
	rate := float64(pass) / float64(max(total, 1))
	t.Logf("ioc-finder cases: %d in scope: %d pass, %d skip, %d fail (%.1f%% of %d judged); %d out of scope (%d of them with stray indicators)",
		pass+skip+fail, pass, skip, fail, 100*rate, total, out, stray)
	if rate < 0.95 {
		t.Errorf("pass rate %.1f%%, want >= 95%%", 100*rate)
	}
}

// inScope reports whether a case expects anything of a type Scan reports.
func inScope(c finderCase) bool {
	for k := range c.Expected {
		if _, ok := finderTypes[k]; ok {
			return true
		}
	}
	return false
}

// finderResults runs Scan on a case's input and groups the values by
// ioc-finder key, deduplicated, in text order. ioc-finder's options are
// emulated as filters over Scan's output, using the match offsets.
func finderResults(c finderCase) (map[string][]string, error) {
	all := Scan(c.Input)
	var drops []func(Match) bool
	for opt, v := range c.Options {
		on, _ := v.(bool)
		if on || opt == "included_ioc_types" { // included_ioc_types: see included
			continue
		}
		switch opt {
		case "parse_domain_from_url":
			drops = append(drops, func(m Match) bool { return m.Type == Domain && isURLHost(all, m) })
		case "parse_from_url_path":
			drops = append(drops, func(m Match) bool { return inURLPath(c.Input, all, m) })
		case "parse_domain_from_email_address":
			drops = append(drops, func(m Match) bool { return m.Type == Domain && within(all, m, Email) })
		case "parse_domain_name_from_xmpp_address":
			drops = append(drops, func(m Match) bool {
				return m.Type == Domain && m.Start > 0 && c.Input[m.Start-1] == '@' && !within(all, m, Email)
			})
		case "parse_address_from_cidr":
			drops = append(drops, func(m Match) bool { return (m.Type == IPv4 || m.Type == IPv6) && within(all, m, CIDR) })
		case "parse_urls_without_scheme":
			drops = append(drops, func(m Match) bool { return m.Type == URL && !strings.Contains(m.Value, "://") })
		default:
			return nil, fmt.Errorf("option %q is not emulated", opt)
		}
	}
	var ms []Match
	for _, m := range all {
		if !slices.ContainsFunc(drops, func(drop func(Match) bool) bool { return drop(m) }) {
			ms = append(ms, m)
		}
	}
	got := map[string][]string{}
	for key, typ := range finderTypes {
		if !included(c, key) {
			continue
		}
		for _, m := range ms {
			if m.Type != typ || key == "ipv4_cidrs" && strings.Contains(m.Value, ":") {
				continue
			}
			if !slices.Contains(got[key], m.Value) {
				got[key] = append(got[key], m.Value)
			}
		}
	}
	return got, nil
}

// within reports whether m lies inside a match of type typ.
func within(ms []Match, m Match, typ Type) bool {
	for _, o := range ms {
		if o.Type == typ && o.Start <= m.Start && m.End <= o.End && o != m {
			return true
		}
	}
	return false
}

// isURLHost reports whether m is the host of a URL: the first host-type
// match inside it.
func isURLHost(ms []Match, m Match) bool {
	for _, u := range ms {
		if u.Type != URL || m.Start < u.Start || m.End > u.End {
			continue
		}
		for _, h := range ms {
			if (h.Type == Domain || h.Type == IPv4 || h.Type == IPv6) && h.Start >= u.Start && h.End <= u.End {
				return h == m
			}
		}
	}
	return false
}

// inURLPath reports whether m (not a URL or its host) lies in the path of a
// URL, before its query.
func inURLPath(input string, ms []Match, m Match) bool {
	if m.Type == URL || isURLHost(ms, m) {
		return false
	}
	for _, u := range ms {
		if u.Type != URL || m.Start < u.Start || m.End > u.End {
			continue
		}
		q := strings.IndexAny(input[u.Start:u.End], "?#")
		if q < 0 || m.Start < u.Start+q {
			return true
		}
	}
	return false
}

// checkFinderCase returns why Scan's output does not meet a case, or nil.
func checkFinderCase(c finderCase) error {
	got, err := finderResults(c)
	if err != nil {
		return err
	}
	for key, want := range c.Expected {
		if _, ok := finderTypes[key]; !ok {
			continue
		}
		g := got[key]
		wantSet := lowerKeys(key, want)
		switch c.Match {
		case "exact", "exact_all_types", "same_items":
			if !sameSet(g, wantSet) {
				return fmt.Errorf("%s: got %q, want %q", key, g, wantSet)
			}
		case "contains":
			for _, w := range wantSet {
				if !slices.Contains(g, w) {
					return fmt.Errorf("%s: got %q, want it to contain %q", key, g, w)
				}
			}
		case "not_contains":
			for _, w := range wantSet {
				if slices.Contains(g, w) {
					return fmt.Errorf("%s: got %q, want it not to contain %q", key, g, w)
				}
			}
		case "none":
			if len(g) > 0 {
				return fmt.Errorf("%s: got %q, want none", key, g)
			}
		case "count":
			if c.Count == nil || len(g) != *c.Count {
				return fmt.Errorf("%s: got %d values %q, want %d", key, len(g), g, *c.Count)
			}
		case "first":
			if len(g) == 0 || len(wantSet) == 0 || g[0] != wantSet[0] {
				return fmt.Errorf("%s: got %q, want %q first", key, g, wantSet)
			}
		default:
			return fmt.Errorf("unknown match kind %q", c.Match)
		}
	}
	if c.Match == "exact_all_types" {
		for key := range finderTypes {
			if _, listed := c.Expected[key]; listed || !included(c, key) {
				continue
			}
			if len(got[key]) > 0 {
				return fmt.Errorf("%s: got %q, want none", key, got[key])
			}
		}
	}
	return nil
}

// included reports whether the case's included_ioc_types option, if any, lets key through.
func included(c finderCase, key string) bool {
	v, ok := c.Options["included_ioc_types"].([]any)
	if !ok {
		return true
	}
	for _, k := range v {
		if k == key {
			return true
		}
	}
	return false
}

// lowerKeys normalises expected values the way Scan does for the key's type.
func lowerKeys(key string, want []string) []string {
	out := make([]string, 0, len(want))
	for _, w := range want {
		switch key {
		case "domains", "md5s", "sha1s", "sha256s", "sha512s":
			w = strings.ToLower(w)
		}
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	sort.Strings(x)
	sort.Strings(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}
