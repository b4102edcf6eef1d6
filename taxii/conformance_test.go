package taxii_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
	"github.com/aptgraph/aptgraph/taxii"
)

// TestTAXII21 runs the conformance tests on every engine: SQLite always,
// PostgreSQL when APTGRAPH_TEST_POSTGRES is set. Each name states the
// requirement of TAXII 2.1 (OASIS, 2021) that the test checks; those marked
// aptgraph are this server's own rules.
func TestTAXII21(t *testing.T) {
	tests := []struct {
		name string
		fn   func(t *testing.T, eng engine)
	}{
		{"4.1_DiscoveryAndAPIRoot_MustAnswerToAuthorisedClients_CollectionsOutsideScopeAre404", testDiscoveryAndCollections},
		{"5.5_AddObjects_MustAnswer202WithStatus_GetMustReturnPostedObjectsWhole", testPostGetRoundTrip},
		{"3.4_Pagination_MoreMustBeTrueWhileObjectsRemain_NextMustResume", testPaging},
		{"3.4_AddedAfter_MustReturnOnlyLaterAdditions_3.5_MatchFiltersMustAND_Manifest_Versions", testAddedAfterAndMatch},
		{"1.6.8_Auth_MustAnswer401WithoutValidCredentials_403WithoutPermission_StatusOnlyToPoster", testAuth},
		{"aptgraph_TLP_MustNotDiscloseObjectsOrRefsAboveClearance", testTLP},
		{"3.6_BadInput_MustAnswerErrorMessage_406_415_413_400_NothingAdded", testBadInput},
		{"3.6_ChunkedBodyOverMaxContentLength_MustAnswer413", testChunkedOversize},
		{"Client_PushPullResume_FollowsNextAndAddedAfter", testClientPushPull},
		{"3.4_ConcurrentPostsWhilePaging_EveryObjectReadExactlyOnce", testConcurrentPaging},
		{"aptgraph_AccessMatrix_ClearanceByTLPByEndpoint", testAccessMatrix},
		{"aptgraph_TLP_RefReMarkedRedIsHiddenAtOnce", testRemarkedRefHidden},
	}
	forEachEngine(t, func(t *testing.T, eng engine) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { tt.fn(t, eng) })
		}
	})
}

// testAccessMatrix checks every cell of token clearance × object TLP ×
// endpoint: an object (relationships included) is served to a token only
// when it and every object it points at are at or below the token's
// clearance, and no endpoint names an id the token may not see.
func testAccessMatrix(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{MaxPageSize: 1000, DefaultPageSize: 1000})
	levels := []stix.TLP{stix.TLPClear, stix.TLPGreen, stix.TLPAmber, stix.TLPAmberStrict, stix.TLPRed}

	type item struct {
		obj  *stix.Object
		tlp  stix.TLP   // its own marking
		refs []stix.TLP // the markings of what it points at (source, target)
	}
	var items []item
	byLevel := map[stix.TLP]*stix.Object{}
	for _, l := range levels {
		o := malware("m-"+l.String(), l)
		byLevel[l] = o
		items = append(items, item{obj: o, tlp: l})
	}
	// A relationship between every pair of levels, at every level of its own.
	for _, own := range levels {
		for _, src := range levels {
			for _, dst := range levels {
				r := relationship(byLevel[src].ID, byLevel[dst].ID, own)
				items = append(items, item{obj: r, tlp: own, refs: []stix.TLP{src, dst}})
			}
		}
	}
	var all []*stix.Object
	for _, it := range items {
		all = append(all, it.obj)
	}
	e.mustPost(e.rw, all...)

	visible := func(it item, clearance stix.TLP) bool {
		if it.tlp > clearance {
			return false
		}
		for _, r := range it.refs {
			if r > clearance {
				return false
			}
		}
		return true
	}
	endpoints := []string{"objects", "object", "versions", "manifest"}
	cells, correct := 0, 0
	check := func(ok bool, format string, args ...any) {
		cells++
		if ok {
			correct++
			return
		}
		t.Errorf(format, args...)
	}
	for _, clearance := range levels {
		tok := e.token(aptgraph.TokenSpec{Name: clearance.String(), Collections: []string{e.coll.ID}, Read: true, MaxTLP: clearance})
		var list taxii.Envelope
		_, _, listBody := e.do(http.MethodGet, e.url(e.objectsPath()), tok, nil)
		if err := json.Unmarshal(listBody, &list); err != nil {
			t.Fatal(err)
		}
		listed := ids(t, list.Objects)
		var man taxii.Manifest
		_, _, manBody := e.do(http.MethodGet, e.url("collections/"+e.coll.ID+"/manifest/"), tok, nil)
		if err := json.Unmarshal(manBody, &man); err != nil {
			t.Fatal(err)
		}
		var manIDs []string
		for _, r := range man.Objects {
			manIDs = append(manIDs, r.ID)
		}
		for _, it := range items {
			want := visible(it, clearance)
			id := it.obj.ID
			for _, ep := range endpoints {
				var got bool
				var body []byte
				switch ep {
				case "objects":
					got, body = slices.Contains(listed, id), listBody
				case "manifest":
					got, body = slices.Contains(manIDs, id), manBody
				case "object", "versions":
					path := e.objectsPath() + id + "/"
					if ep == "versions" {
						path += "versions/"
					}
					var code int
					code, _, body = e.do(http.MethodGet, e.url(path), tok, nil)
					got = code == http.StatusOK
					if code != http.StatusOK && code != http.StatusNotFound {
						t.Errorf("%s %s: status %d", ep, id, code)
					}
				}
				check(got == want, "clearance %s, object at %s refs %v, %s: served %v, want %v", clearance, it.tlp, it.refs, ep, got, want)
				// Nothing the token may not see is named, in any endpoint.
				leak := false
				for l, o := range byLevel {
					if l > clearance && bytes.Contains(body, []byte(o.ID)) {
						leak = true
					}
				}
				check(!leak, "clearance %s, %s of %s names an object above the clearance", clearance, ep, id)
			}
		}
	}
	pct := 100 * float64(correct) / float64(cells)
	t.Logf("access matrix: %d of %d cells correct (%.1f%%): %d clearances × %d objects × %d endpoints, each checked for visibility and leaks",
		correct, cells, pct, len(levels), len(items), len(endpoints))
	if correct != cells {
		t.Errorf("access matrix %.1f%% correct, want 100%%", pct)
	}
}

// testRemarkedRefHidden re-marks an object TLP:RED after a page showed a
// relationship to it: the next page must withhold the relationship, even
// though the server remembers the TLP of referenced objects.
func testRemarkedRefHidden(t *testing.T, eng engine) {
	e := newEnv(t, eng, taxii.ServerOptions{})
	a, b := malware("a", stix.TLPClear), malware("b", stix.TLPClear)
	rel := relationship(a.ID, b.ID, stix.TLPClear)
	e.mustPost(e.rw, a, b, rel)
	green := e.token(aptgraph.TokenSpec{Name: "g", Collections: []string{e.coll.ID}, Read: true, MaxTLP: stix.TLPGreen})
	seen := func() bool {
		var env taxii.Envelope
		e.get(e.url(e.objectsPath()), green, http.StatusOK, &env)
		return slices.Contains(ids(t, env.Objects), rel.ID)
	}
	if !seen() {
		t.Fatal("relationship between clear objects withheld")
	}
	// A new version of b, marked red, written straight to the store as
	// another process would.
	b2 := *b
	b2.Modified = "2024-07-01T00:00:00.000Z"
	b2.ObjectMarkingRefs = []string{stix.TLPRed.MarkingID()}
	if _, err := e.store.Write(t.Context(), &aptgraph.Batch{Objects: []*stix.Object{&b2}}); err != nil {
		t.Fatal(err)
	}
	if seen() {
		t.Error("relationship to an object re-marked red still served to a green token")
	}
}
