package http

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/extract"
	"github.com/aptgraph/aptgraph/internal/shared"
	"github.com/aptgraph/aptgraph/sqlite"
	"github.com/aptgraph/aptgraph/stix"
)

// fixedNow dates the documents that give no date of their own.
var fixedNow = time.Date(2024, 7, 9, 12, 0, 0, 0, time.UTC)

// fixture is a store filled from the extractor's test documents and the seed
// article, plus one TLP:AMBER report.
type fixture struct {
	store aptgraph.Store
	// amber is what only the amber report holds: its report and group.
	amberReport *stix.Object
	amberGroup  *stix.Object
	// seed is the TLP:CLEAR APT40 report.
	seed *stix.Object
	// clear and amber are token secrets with those clearances.
	clear, amber string
	// hidden are the ids a TLP:CLEAR reader must never see; secretNames
	// are names only hidden objects have.
	hidden      []string
	secretNames []string
}

// Ids of the objects addHidden writes.
const (
	secretSponsor  = "threat-actor--00000000-0000-4000-8000-00000000a001"
	secretClaimant = "identity--00000000-0000-4000-8000-00000000a002"
	secretMalware  = "malware--00000000-0000-4000-8000-00000000a003"
	clearAttrRel   = "relationship--00000000-0000-4000-8000-00000000a004" // clear, to a hidden sponsor
	clearUsesRel   = "relationship--00000000-0000-4000-8000-00000000a005" // clear, to hidden malware
	amberTargetRel = "relationship--00000000-0000-4000-8000-00000000a006" // amber, between clear objects
)

// addHidden writes, by hand, hidden objects tied to the clear APT40: an
// amber sponsor named by an amber claimant in a clear claim, amber malware
// that a clear relationship says APT40 uses and whose evidence points into
// the clear seed report (which lists it), and an amber relationship between
// two clear objects.
func (f *fixture) addHidden(t testing.TB, ctx context.Context) {
	t.Helper()
	apt40, err := f.store.Objects(ctx, aptgraph.ObjectFilter{Types: []string{"intrusion-set"}, Name: "APT40"})
	if err != nil || len(apt40) != 1 {
		t.Fatalf("APT40: got %d, err %v", len(apt40), err)
	}
	g := apt40[0].Object
	japan, err := f.store.Objects(ctx, aptgraph.ObjectFilter{Types: []string{"location"}, Name: "Japan"})
	if err != nil || len(japan) == 0 {
		t.Fatalf("Japan: got %d, err %v", len(japan), err)
	}
	text, err := f.store.ReportText(ctx, f.seed.ID)
	if err != nil {
		t.Fatal(err)
	}
	at := strings.Index(text, "APT40")
	if at < 0 {
		t.Fatal("seed text does not name APT40")
	}
	ts := stix.FormatTime(fixedNow)
	amber := []string{stix.TLPAmber.MarkingID()}
	clear := []string{stix.TLPClear.MarkingID()}
	conf := 95
	objs := []*stix.Object{
		{Type: "threat-actor", ID: secretSponsor, Name: "Bureau Nine", ThreatActorTypes: []string{"nation-state"}, ObjectMarkingRefs: amber},
		{Type: "identity", ID: secretClaimant, Name: "Hidden Claimant Org", IdentityClass: "organization", ObjectMarkingRefs: amber},
		{Type: "malware", ID: secretMalware, Name: "SecretImplant", ObjectMarkingRefs: amber,
			Evidence: []stix.Evidence{{ReportRef: f.seed.ID, Quote: "APT40", Start: at, End: at + 5}}},
		{Type: "relationship", ID: clearAttrRel, RelationshipType: "attributed-to", SourceRef: g.ID, TargetRef: secretSponsor,
			CreatedByRef: secretClaimant, Confidence: &conf, ObjectMarkingRefs: clear,
			Evidence: []stix.Evidence{{ReportRef: f.amberReport.ID, Quote: "Lotus Blossom uses Sagerunex.", Start: 0, End: 10}}},
		{Type: "relationship", ID: clearUsesRel, RelationshipType: "uses", SourceRef: g.ID, TargetRef: secretMalware, ObjectMarkingRefs: clear},
		{Type: "relationship", ID: amberTargetRel, RelationshipType: "targets", SourceRef: g.ID, TargetRef: japan[0].Object.ID,
			StartTime: "1999-01-01T00:00:00.000Z", ObjectMarkingRefs: amber},
	}
	for _, o := range objs {
		o.SpecVersion, o.Created, o.Modified = stix.SpecVersion, ts, ts
	}
	// The clear seed report lists the hidden objects, as a merge of an
	// amber bundle into it could.
	rep := *f.seed
	rep.ObjectRefs = append(append([]string{}, f.seed.ObjectRefs...), secretMalware, clearUsesRel, amberTargetRel)
	if _, err := f.store.Write(ctx, &aptgraph.Batch{Objects: append(objs, &rep), Merge: true}); err != nil {
		t.Fatalf("write hidden objects: %v", err)
	}
	all, err := f.store.Objects(ctx, aptgraph.ObjectFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		if o.TLP > stix.TLPClear {
			f.hidden = append(f.hidden, o.Object.ID)
		}
	}
	f.hidden = append(f.hidden, clearAttrRel, clearUsesRel)
	f.secretNames = []string{"Bureau Nine", "Hidden Claimant Org", "SecretImplant", "LOTUS PANDA", "Lotus Blossom", "Sagerunex", "Restricted note"}
}

// amberText is a report shared under TLP:AMBER about a group no clear
// document names.
// namesAmberGroup reports whether text names the group, or the malware, of
// the amber report.
func namesAmberGroup(text string) bool {
	l := strings.ToLower(text)
	for _, n := range []string{"lotus blossom", "lotus panda", "sagerunex", "spring dragon", "billbug", "thrip"} {
		if strings.Contains(l, n) {
			return true
		}
	}
	return false
}

const amberText = `Restricted note on Lotus Blossom

Lotus Blossom has targeted networks in Vietnam. Lotus Blossom uses Sagerunex.
`

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{store: st}
	write := func(title, text string, tlp stix.TLP) *stix.Object {
		t.Helper()
		r, err := extract.Default().Extract(&aptgraph.Document{Text: text, Title: title}, extract.Options{Now: fixedNow, TLP: tlp})
		if err != nil {
			t.Fatalf("extract %s: %v", title, err)
		}
		if _, err := st.Write(ctx, &aptgraph.Batch{Report: r.Report, Text: r.Text, Objects: r.Bundle.Objects, Merge: true}); err != nil {
			t.Fatalf("write %s: %v", title, err)
		}
		return r.Report
	}
	files, err := filepath.Glob("../extract/testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no extractor test documents: %v", err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// A clear document about the amber report's group would make its
		// names public, and the secret to keep would be no secret.
		if namesAmberGroup(string(b)) {
			continue
		}
		write("", string(b), stix.TLPClear)
	}
	b, err := os.ReadFile(shared.Path(t, "seed", "japan-apt40-article.txt"))
	if err != nil {
		t.Fatal(err)
	}
	f.seed = write("", string(b), stix.TLPClear)
	if _, err := st.PutNames(ctx, []*aptgraph.NameRecord{{Name: "Leviathan", Kind: aptgraph.NameGroup, GroupKey: "G0065",
		GroupName: "APT40", Source: "test", Coiner: "Proofpoint", Score: 0.9}}); err != nil {
		t.Fatalf("put names: %v", err)
	}
	f.amberReport = write("", amberText, stix.TLPAmber)
	groups, err := st.Objects(ctx, aptgraph.ObjectFilter{Types: []string{"intrusion-set"}, Name: "Lotus Blossom"})
	if err != nil || len(groups) != 1 {
		t.Fatalf("amber group: got %d groups, err %v", len(groups), err)
	}
	f.amberGroup = groups[0].Object
	f.addHidden(t, ctx)
	for _, tc := range []struct {
		secret *string
		tlp    stix.TLP
	}{{&f.clear, stix.TLPClear}, {&f.amber, stix.TLPAmber}} {
		s, _, err := st.CreateToken(ctx, aptgraph.TokenSpec{Name: "reader " + tc.tlp.String(), Collections: []string{aptgraph.AllCollections}, Read: true, MaxTLP: tc.tlp})
		if err != nil {
			t.Fatalf("create token: %v", err)
		}
		*tc.secret = s
	}
	return f
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
