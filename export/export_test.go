package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/export"
	"github.com/aptgraph/aptgraph/internal/reporttest"
	"github.com/aptgraph/aptgraph/internal/shared"
	"github.com/aptgraph/aptgraph/schema"
	"github.com/aptgraph/aptgraph/stix"
)

func ingest(t *testing.T, st aptgraph.Store, path, published string) {
	reporttest.Ingest(t, st, path, published)
}

func openStore(t *testing.T) aptgraph.Store { return reporttest.OpenStore(t) }

// fixture returns a store with the seed and the extractor's test reports.
func fixture(t *testing.T) aptgraph.Store {
	t.Helper()
	st := openStore(t)
	ingest(t, st, shared.Path(t, "seed", "japan-apt40-article.txt"), "2021-07-20")
	for _, r := range []struct{ name, date string }{
		{"doj-apt10-indictment", "2018-12-20"}, {"uk-svr-statement", "2020-07-16"}, {"vendor-withheld", "2022-03-01"},
		{"wire-sandworm-gru", "2022-04-12"}, {"vendor-volt-typhoon", "2023-05-24"},
	} {
		ingest(t, st, filepath.Join("..", "extract", "testdata", r.name+".txt"), r.date)
	}
	return st
}

var (
	validatorOnce sync.Once
	validator     *schema.Validator
	validatorErr  error
)

func validate(t *testing.T, b *stix.Bundle) {
	t.Helper()
	validatorOnce.Do(func() { validator, validatorErr = schema.Load(shared.Path(t, "data", "stix2-json-schemas", "schemas")) })
	if validatorErr != nil {
		t.Fatal(validatorErr)
	}
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	passed, failures := validator.Bundle(raw)
	for _, f := range failures {
		t.Errorf("schema: %v", f)
	}
	if passed != len(b.Objects) {
		t.Errorf("%d of %d objects passed", passed, len(b.Objects))
	}
}

// refsResolve checks that every reference in b is to an object in b, a TLP
// marking aside.
func refsResolve(t *testing.T, b *stix.Bundle) {
	t.Helper()
	in := map[string]bool{}
	for _, o := range b.Objects {
		in[o.ID] = true
	}
	for _, o := range b.Objects {
		refs := append([]string{o.SourceRef, o.TargetRef, o.CreatedByRef}, o.ObjectRefs...)
		refs = append(refs, o.ObjectMarkingRefs...)
		for _, e := range o.Evidence {
			refs = append(refs, e.ReportRef)
		}
		for _, r := range refs {
			if r != "" && !in[r] {
				t.Errorf("%s refers to %s, which is not exported", o.ID, r)
			}
		}
	}
}

func TestSTIX(t *testing.T) {
	st := fixture(t)
	ctx := context.Background()
	all, err := export.STIX(ctx, st, export.Options{MaxTLP: stix.TLPRed})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := st.Objects(ctx, aptgraph.ObjectFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Objects) != len(stored) {
		t.Errorf("whole store: got %d objects, the store holds %d", len(all.Objects), len(stored))
	}
	validate(t, all)
	refsResolve(t, all)

	grp, err := export.STIX(ctx, st, export.Options{Group: "Leviathan"})
	if err != nil {
		t.Fatal(err)
	}
	validate(t, grp)
	refsResolve(t, grp)
	types := map[string]int{}
	names := map[string]bool{}
	for _, o := range grp.Objects {
		types[o.Type]++
		names[o.Name] = true
	}
	for _, n := range []string{"APT40", "Government of China", "Ministry of State Security", "JAXA", "Japan", "China", "Government of Japan", "FireEye"} {
		if !names[n] {
			t.Errorf("group export lacks %s", n)
		}
	}
	for _, n := range []string{"Tick", "APT10", "SVR", "Narita Airport"} {
		if names[n] {
			t.Errorf("group export holds %s, which is not APT40's", n)
		}
	}
	if types["report"] != 1 || types["marking-definition"] != 1 || types["campaign"] != 2 {
		t.Errorf("group export types: %v", types)
	}
	again, err := export.STIX(ctx, st, export.Options{Group: "APT40"})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(grp)
	b, _ := json.Marshal(again)
	if !bytes.Equal(a, b) {
		t.Error("exporting twice gave two bundles")
	}
	if _, err := export.STIX(ctx, st, export.Options{Group: "No Such Group"}); aptgraph.ErrorCode(err) != aptgraph.ENOTFOUND {
		t.Errorf("unknown group: %v", err)
	}
}

// addAmber writes, over the seed, a victim and a report marked TLP:AMBER, and
// clear objects that point at them: a relationship to the amber victim, a
// clear victim whose evidence quotes the amber report.
func addAmber(t *testing.T, st aptgraph.Store) (secrets []string) {
	t.Helper()
	ctx := context.Background()
	g, err := aptgraph.FindGroup(ctx, st, "APT40")
	if err != nil {
		t.Fatal(err)
	}
	ts := "2024-02-01T00:00:00.000Z"
	amber := []string{stix.TLPAmber.MarkingID()}
	clear := []string{stix.TLPClear.MarkingID()}
	rep := &stix.Object{Type: "report", SpecVersion: "2.1", ID: stix.NewID("report", "amber report"), Created: ts, Modified: ts,
		Name: "Closed briefing", Published: ts, ObjectMarkingRefs: amber}
	quote := "Secret Harbour Ltd was breached by APT40 in January."
	ev := []stix.Evidence{{ReportRef: rep.ID, Quote: quote, Start: 0, End: len(quote)}}
	victim := &stix.Object{Type: "identity", SpecVersion: "2.1", ID: stix.NewID("identity", "secret harbour ltd"), Created: ts, Modified: ts,
		Name: "Secret Harbour Ltd", IdentityClass: "organization", ObjectMarkingRefs: amber, Evidence: ev}
	toVictim := &stix.Object{Type: "relationship", SpecVersion: "2.1", ID: stix.NewID("relationship", g.ID, "targets", victim.ID),
		Created: ts, Modified: ts, RelationshipType: "targets", SourceRef: g.ID, TargetRef: victim.ID, ObjectMarkingRefs: clear}
	public := &stix.Object{Type: "identity", SpecVersion: "2.1", ID: stix.NewID("identity", "public port authority"), Created: ts, Modified: ts,
		Name: "Public Port Authority", IdentityClass: "organization", ObjectMarkingRefs: clear, Evidence: ev}
	toPublic := &stix.Object{Type: "relationship", SpecVersion: "2.1", ID: stix.NewID("relationship", g.ID, "targets", public.ID),
		Created: ts, Modified: ts, RelationshipType: "targets", SourceRef: g.ID, TargetRef: public.ID, ObjectMarkingRefs: clear, Evidence: ev}
	rep.ObjectRefs = []string{g.ID, victim.ID, toVictim.ID, public.ID, toPublic.ID}
	if _, err := st.Write(ctx, &aptgraph.Batch{Objects: []*stix.Object{rep, victim, toVictim, public, toPublic}}); err != nil {
		t.Fatal(err)
	}
	return []string{rep.ID, victim.ID, toVictim.ID, "Secret Harbour", "Closed briefing"}
}

func TestTLPTrimming(t *testing.T) {
	st := openStore(t)
	ingest(t, st, shared.Path(t, "seed", "japan-apt40-article.txt"), "2021-07-20")
	secrets := addAmber(t, st)
	ctx := context.Background()
	for _, group := range []string{"", "APT40"} {
		b, err := export.STIX(ctx, st, export.Options{Group: group, MaxTLP: stix.TLPClear})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(b)
		for _, s := range secrets {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("group %q: clear export contains %q", group, s)
			}
		}
		if !bytes.Contains(raw, []byte("Public Port Authority")) {
			t.Errorf("group %q: clear export lost the clear victim", group)
		}
		validate(t, b)
		refsResolve(t, b)
		ev, err := export.MISP(ctx, st, export.Options{Group: group})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := export.CSV(ctx, st, export.Options{Group: group}, &buf); err != nil {
			t.Fatal(err)
		}
		mraw, _ := json.Marshal(ev)
		for _, s := range secrets {
			if bytes.Contains(mraw, []byte(s)) || strings.Contains(buf.String(), s) {
				t.Errorf("group %q: MISP or CSV export contains %q", group, s)
			}
		}
		// Cleared for amber, the reader sees it all.
		b, err = export.STIX(ctx, st, export.Options{Group: group, MaxTLP: stix.TLPAmber})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ = json.Marshal(b)
		for _, s := range secrets {
			if !bytes.Contains(raw, []byte(s)) {
				t.Errorf("group %q: amber export lacks %q", group, s)
			}
		}
		validate(t, b)
		refsResolve(t, b)
		if ev, err := export.MISP(ctx, st, export.Options{Group: group, MaxTLP: stix.TLPAmber}); err != nil || ev.Event.Distribution != "1" || ev.Event.Tag[0].Name != "tlp:amber" {
			t.Errorf("amber MISP event: %v %+v", err, ev.Event.Tag)
		}
	}
}

// mispTypes are the categories the MISP core format allows for the types
// aptgraph writes (draft-dulaunoy-misp-core-format, "Attribute").
var mispTypes = map[string][]string{
	"ip-dst":        {"Network activity", "Payload delivery", "External analysis"},
	"domain":        {"Network activity", "Payload delivery", "External analysis"},
	"url":           {"Network activity", "Payload delivery", "External analysis"},
	"email-src":     {"Network activity", "Payload delivery", "Social network"},
	"md5":           {"Payload delivery", "Artifacts dropped", "Payload installation", "External analysis"},
	"sha1":          {"Payload delivery", "Artifacts dropped", "Payload installation", "External analysis"},
	"sha256":        {"Payload delivery", "Artifacts dropped", "Payload installation", "External analysis"},
	"vulnerability": {"Payload delivery", "Payload installation", "External analysis"},
	"threat-actor":  {"Attribution"},
	"text":          {"Attribution", "Other", "Internal reference"},
}

func TestMISP(t *testing.T) {
	st := fixture(t)
	ev, err := export.MISP(context.Background(), st, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	// Check the JSON itself against what the core format says MUST or SHALL be there.
	var doc struct {
		Event map[string]any `json:"Event"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Event == nil {
		t.Fatalf("not a MISP event: %v", err)
	}
	e := doc.Event
	for _, k := range []string{"id", "uuid", "info", "date", "threat_level_id", "analysis", "distribution", "timestamp",
		"publish_timestamp", "org_id", "orgc_id", "attribute_count", "sharing_group_id"} {
		if s, ok := e[k].(string); !ok || s == "" {
			t.Errorf("Event.%s = %v, want a non-empty string", k, e[k])
		}
	}
	if _, ok := e["published"].(bool); !ok {
		t.Errorf("Event.published = %v, want a boolean", e["published"])
	}
	if _, err := time.Parse("2006-01-02", ev.Event.Date); err != nil {
		t.Errorf("date %q: %v", ev.Event.Date, err)
	}
	if !uuidLike(ev.Event.UUID) {
		t.Errorf("uuid %q", ev.Event.UUID)
	}
	if !strings.Contains("1234", ev.Event.ThreatLevelID) || !strings.Contains("012", ev.Event.Analysis) || ev.Event.Distribution != "3" {
		t.Errorf("threat level %q, analysis %q, distribution %q", ev.Event.ThreatLevelID, ev.Event.Analysis, ev.Event.Distribution)
	}
	attrs, _ := e["Attribute"].([]any)
	if len(attrs) == 0 || ev.Event.AttributeCount != strconvItoa(len(attrs)) {
		t.Fatalf("%d attributes, attribute_count %s", len(attrs), ev.Event.AttributeCount)
	}
	seenUUID := map[string]bool{}
	for _, a := range attrs {
		m := a.(map[string]any)
		for _, k := range []string{"uuid", "type", "category", "value", "event_id", "distribution", "timestamp"} {
			if s, ok := m[k].(string); !ok || s == "" {
				t.Errorf("attribute %v: %s missing", m["value"], k)
			}
		}
		for _, k := range []string{"to_ids", "deleted"} {
			if _, ok := m[k].(bool); !ok {
				t.Errorf("attribute %v: %s not a boolean", m["value"], k)
			}
		}
		uuid, _ := m["uuid"].(string)
		if seenUUID[uuid] || !uuidLike(uuid) {
			t.Errorf("attribute uuid %q repeated or malformed", uuid)
		}
		seenUUID[uuid] = true
		typ, _ := m["type"].(string)
		cats, ok := mispTypes[typ]
		if !ok {
			t.Errorf("unexpected attribute type %q", typ)
			continue
		}
		if !contains(cats, m["category"].(string)) {
			t.Errorf("type %s in category %v, want one of %v", typ, m["category"], cats)
		}
	}
	values := map[string]string{}
	for _, a := range ev.Event.Attribute {
		values[a.Type+" "+a.Value] = a.Category
	}
	for _, want := range []string{"ip-dst 45.120.156.69", "ip-dst 198.51.100.23", "domain news-update.online", "url https://update-checker.net/gate.php",
		"email-src billing-support@update-checker.net", "md5 5d41402abc4b2a76b9719d911017c592",
		"sha256 b4f7c5e3f14fb57be8b5f020377b993618b6e3532a4e1eb4a4ef8c6e26aa5e5e", "vulnerability CVE-2019-19781", "threat-actor APT40"} {
		if _, ok := values[want]; !ok {
			t.Errorf("no attribute %s", want)
		}
	}
	claims := 0
	for _, a := range ev.Event.Attribute {
		if a.Type == "text" && strings.Contains(a.Value, "Government of Japan says APT40 is attributed to Government of China (confidence 85)") {
			claims++
			if !strings.Contains(a.Comment, "highly likely") {
				t.Errorf("claim note without its quote: %q", a.Comment)
			}
		}
	}
	if claims != 1 {
		t.Errorf("%d notes for Japan's claim, want 1", claims)
	}
	tags := map[string]bool{}
	for _, tg := range ev.Event.Tag {
		tags[tg.Name] = true
	}
	for _, want := range []string{"tlp:clear", `misp-galaxy:threat-actor="APT40"`, `misp-galaxy:threat-actor="Sandworm"`, `misp-galaxy:mitre-attack-pattern="Phishing - T1566"`} {
		if !tags[want] {
			t.Errorf("no tag %s", want)
		}
	}
}

func uuidLike(s string) bool {
	return len(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-'
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func strconvItoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestCSV(t *testing.T) {
	st := fixture(t)
	var buf bytes.Buffer
	if err := export.CSV(context.Background(), st, export.Options{Group: "Leviathan"}, &buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != "group,relationship,target,claimant,confidence,date,report,quote" {
		t.Fatalf("header %v, %d rows", rows[0], len(rows))
	}
	kinds := map[string]int{}
	japan := false
	for _, r := range rows[1:] {
		if r[0] != "APT40" {
			t.Errorf("row about %s, want APT40", r[0])
		}
		kinds[r[1]]++
		if r[1] == "attributed-to" && (r[3] == "" || r[7] == "" || r[6] == "") {
			t.Errorf("claim row without claimant, report or quote: %v", r)
		}
		if r[1] == "attributed-to" && r[3] == "Government of Japan" {
			japan = r[2] == "Government of China" && r[4] == "85" && strings.HasPrefix(r[5], "2021-07-20")
		}
	}
	if kinds["attributed-to"] != 9 || kinds["targets"] != 9 || kinds["originates-from"] != 1 {
		t.Errorf("rows by relationship: %v", kinds)
	}
	if !japan {
		t.Error("no row for Japan's claim with confidence 85")
	}
}
