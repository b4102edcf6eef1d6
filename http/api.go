package http

import (
	nethttp "net/http"
	"strings"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// apiGroups answers GET /api/groups: {"groups": [GroupSummary...]}.
func (h *handler) apiGroups(r *nethttp.Request, v *view) (any, error) {
	sums, err := aptgraph.FindGroups(r.Context(), v, aptgraph.GroupFilter{})
	if err != nil {
		return nil, err
	}
	return map[string]any{"groups": sums}, nil
}

// apiGroup answers GET /api/groups/{name} with the group's Dossier.
func (h *handler) apiGroup(r *nethttp.Request, v *view) (any, error) {
	return aptgraph.BuildDossier(r.Context(), v, r.PathValue("name"))
}

// apiEvidence is where in a report's text an object is evidenced.
type apiEvidence struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Quote string `json:"quote"`
}

// apiFound is an object a report supports.
type apiFound struct {
	ID       string        `json:"id"`
	Type     string        `json:"type"`
	Name     string        `json:"name"`
	Evidence []apiEvidence `json:"evidence"`
}

// apiReport answers GET /api/reports/{id}: the report object, its
// normalised text, and the objects it supports with their evidence spans.
func (h *handler) apiReport(r *nethttp.Request, v *view) (any, error) {
	rep, err := loadReport(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	objs := make([]apiFound, 0, len(rep.Objects))
	for _, o := range rep.Objects {
		f := apiFound{ID: o.ID, Type: o.Type, Name: displayName(o), Evidence: []apiEvidence{}}
		for _, e := range o.Evidence {
			if e.ReportRef == rep.Report.ID {
				f.Evidence = append(f.Evidence, apiEvidence{e.Start, e.End, e.Quote})
			}
		}
		objs = append(objs, f)
	}
	return struct {
		Report  *stix.Object `json:"report"`
		Text    string       `json:"text"`
		Objects []apiFound   `json:"objects"`
	}{rep.Report, rep.Text, objs}, nil
}

// apiHit is one search result. Snippet marks each matched term with
// aptgraph.MatchStart and MatchEnd (U+0002, U+0003).
type apiHit struct {
	ID      string  `json:"id"`
	Type    string  `json:"type"`
	Name    string  `json:"name"`
	Snippet string  `json:"snippet"`
	Rank    float64 `json:"rank"`
}

// apiSearch answers GET /api/search?q=.
func (h *handler) apiSearch(r *nethttp.Request, v *view) (any, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return nil, aptgraph.Errorf(aptgraph.EINVALID, "give a search query as q")
	}
	hits, err := v.Search(r.Context(), q, 50)
	if err != nil {
		return nil, err
	}
	out := make([]apiHit, 0, len(hits))
	for _, x := range hits {
		out = append(out, apiHit{x.ID, x.Type, x.Name, x.Snippet, x.Rank})
	}
	return map[string]any{"query": q, "hits": out}, nil
}

// apiObject answers GET /api/objects/{id} with the STIX object, cleaned of
// what it says about objects the reader may not see.
func (h *handler) apiObject(r *nethttp.Request, v *view) (any, error) {
	o, err := v.Object(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return o.Object, nil
}
