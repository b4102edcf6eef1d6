package http

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// view is the store as one reader may see it: only the objects at or below
// the reader's TLP clearance. Every query of the web UI goes through a view,
// so that the domain's queries (BuildDossier, FindGroups, FindClaims,
// Timeline) can be used as they are and still never see a hidden object:
//
//   - objects above the clearance are not returned at all;
//   - a relationship is withheld when it, its source, its target or its
//     claimant (created_by_ref) is hidden;
//   - what a visible object says about hidden ones is cut out of it:
//     evidence from hidden reports, hidden object_refs, a hidden
//     created_by_ref, and any other *_ref(s) property naming a hidden id;
//   - search hits and report texts of hidden objects are not returned.
//
// Methods that write, and those about tokens and collections, are the
// store's own; the web UI does not call them.
type view struct {
	aptgraph.Store
	max stix.TLP
}

func newView(s aptgraph.Store, max stix.TLP) *view { return &view{Store: s, max: max} }

// chunk bounds the ids of one visibility query.
const chunk = 500

// visible returns which of ids the reader may see.
func (v *view) visible(ctx context.Context, ids []string) (map[string]bool, error) {
	set := map[string]bool{}
	var list []string
	for _, id := range ids {
		if id != "" && !set[id] {
			set[id] = false
			list = append(list, id)
		}
	}
	seen, ends, err := v.cleared(ctx, list)
	if err != nil {
		return nil, err
	}
	// A relationship is seen whole or not at all: its ends and claimant
	// must be seen too.
	if len(ends) > 0 {
		var need []string
		for _, refs := range ends {
			need = append(need, refs...)
		}
		endSeen, _, err := v.cleared(ctx, need)
		if err != nil {
			return nil, err
		}
		for id, refs := range ends {
			if !allVisible(refs, endSeen) {
				delete(seen, id)
			}
		}
	}
	return seen, nil
}

// cleared returns which of ids are at or below the reader's clearance, and
// the ends and claimants of those that are relationships or sightings.
func (v *view) cleared(ctx context.Context, ids []string) (map[string]bool, map[string][]string, error) {
	seen, ends := map[string]bool{}, map[string][]string{}
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		stored, err := v.Store.Objects(ctx, aptgraph.ObjectFilter{IDs: ids[:n], MaxTLP: &v.max})
		if err != nil {
			return nil, nil, err
		}
		for _, so := range stored {
			o := so.Object
			seen[o.ID] = true
			switch o.Type {
			case "relationship":
				ends[o.ID] = nonEmpty(o.SourceRef, o.TargetRef, o.CreatedByRef)
			case "sighting":
				ends[o.ID] = nonEmpty(append(extraRefs(o.Extra["sighting_of_ref"]), o.CreatedByRef)...)
			}
		}
		ids = ids[n:]
	}
	return seen, ends, nil
}

func nonEmpty(ids ...string) []string {
	return slices.DeleteFunc(ids, func(s string) bool { return s == "" })
}

// Object returns the newest version of an object the reader may see.
// Returns ENOTFOUND for a hidden object as for a missing one.
func (v *view) Object(ctx context.Context, id string) (*aptgraph.StoredObject, error) {
	objs, err := v.Objects(ctx, aptgraph.ObjectFilter{IDs: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(objs) == 0 {
		return nil, aptgraph.Errorf(aptgraph.ENOTFOUND, "no object %s", id)
	}
	return objs[0], nil
}

// Objects returns the visible objects that match f, cleaned of what they
// say about hidden ones.
func (v *view) Objects(ctx context.Context, f aptgraph.ObjectFilter) ([]*aptgraph.StoredObject, error) {
	if f.MaxTLP == nil || *f.MaxTLP > v.max {
		f.MaxTLP = &v.max
	}
	stored, err := v.Store.Objects(ctx, f)
	if err != nil {
		return nil, err
	}
	objs := make([]*stix.Object, len(stored))
	for i, o := range stored {
		objs[i] = o.Object
	}
	clean, err := v.clean(ctx, objs)
	if err != nil {
		return nil, err
	}
	out := make([]*aptgraph.StoredObject, 0, len(stored))
	for i, o := range stored {
		if clean[i] == nil {
			continue
		}
		c := *o
		c.Object = clean[i]
		if c.Raw, err = aptgraph.EncodeObject(c.Object); err != nil {
			return nil, err
		}
		out = append(out, &c)
	}
	return out, nil
}

// Relationships returns the visible relationships that match f whose ends
// and claimant are visible too.
func (v *view) Relationships(ctx context.Context, f aptgraph.RelationshipFilter) ([]*stix.Object, error) {
	limit := f.Limit
	f.Limit = 0 // withheld relationships must not use up the limit
	rels, err := v.Store.Relationships(ctx, f)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(rels))
	for i, r := range rels {
		ids[i] = r.ID
	}
	vis, err := v.visible(ctx, ids)
	if err != nil {
		return nil, err
	}
	rels = slices.DeleteFunc(rels, func(r *stix.Object) bool { return !vis[r.ID] })
	clean, err := v.clean(ctx, rels)
	if err != nil {
		return nil, err
	}
	out := make([]*stix.Object, 0, len(clean))
	for _, r := range clean {
		if r != nil {
			out = append(out, r)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// clean returns copies of objs, which the reader may see, without what
// they say about hidden objects; a relationship or sighting whose ends or
// claimant are hidden comes back nil.
func (v *view) clean(ctx context.Context, objs []*stix.Object) ([]*stix.Object, error) {
	var refs []string
	for _, o := range objs {
		refs = append(refs, refsOf(o)...)
	}
	vis, err := v.visible(ctx, refs)
	if err != nil {
		return nil, err
	}
	out := make([]*stix.Object, len(objs))
	for i, o := range objs {
		if o.Type == "relationship" && (!vis[o.SourceRef] || !vis[o.TargetRef] || o.CreatedByRef != "" && !vis[o.CreatedByRef]) {
			continue
		}
		c := *o
		if c.CreatedByRef != "" && !vis[c.CreatedByRef] {
			c.CreatedByRef = ""
		}
		c.ObjectRefs = keep(o.ObjectRefs, vis)
		c.Evidence = nil
		for _, e := range o.Evidence {
			if vis[e.ReportRef] {
				c.Evidence = append(c.Evidence, e)
			}
		}
		if len(o.Extra) > 0 {
			c.Extra = map[string]json.RawMessage{}
			for k, raw := range o.Extra {
				if isRefKey(k) && !allVisible(extraRefs(raw), vis) {
					if o.Type == "sighting" && k == "sighting_of_ref" {
						c.Extra = nil
						break
					}
					continue
				}
				c.Extra[k] = raw
			}
			if c.Extra == nil {
				continue // a sighting of a hidden object
			}
		}
		out[i] = &c
	}
	return out, nil
}

// refsOf returns the ids o refers to, other than its markings: markings are
// the public TLP definitions, not intelligence.
func refsOf(o *stix.Object) []string {
	refs := append([]string{o.CreatedByRef, o.SourceRef, o.TargetRef}, o.ObjectRefs...)
	for _, e := range o.Evidence {
		refs = append(refs, e.ReportRef)
	}
	for k, raw := range o.Extra {
		if isRefKey(k) {
			refs = append(refs, extraRefs(raw)...)
		}
	}
	return refs
}

// isRefKey reports whether the property k holds STIX ids, by the STIX
// naming rule (_ref, _refs), leaving out markings.
func isRefKey(k string) bool {
	return (strings.HasSuffix(k, "_ref") || strings.HasSuffix(k, "_refs")) && !strings.Contains(k, "marking")
}

// extraRefs reads an id or a list of ids; anything else reads as a
// reference to nothing visible, so that the property is dropped.
func extraRefs(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	return []string{""}
}

func allVisible(ids []string, vis map[string]bool) bool {
	for _, id := range ids {
		if !vis[id] {
			return false
		}
	}
	return true
}

func keep(ids []string, vis map[string]bool) []string {
	var out []string
	for _, id := range ids {
		if vis[id] {
			out = append(out, id)
		}
	}
	return out
}

// Search returns the hits the reader may see. It asks the store for more
// than limit, so that hidden hits do not leave the page short.
func (v *view) Search(ctx context.Context, query string, limit int) ([]*aptgraph.SearchHit, error) {
	if limit <= 0 {
		limit = 20
	}
	hits, err := v.Store.Search(ctx, query, limit*4)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	vis, err := v.visible(ctx, ids)
	if err != nil {
		return nil, err
	}
	hits = slices.DeleteFunc(hits, func(h *aptgraph.SearchHit) bool { return !vis[h.ID] })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// ReportText returns the text of a report the reader may see.
func (v *view) ReportText(ctx context.Context, reportID string) (string, error) {
	vis, err := v.visible(ctx, []string{reportID})
	if err != nil {
		return "", err
	}
	if !vis[reportID] {
		return "", aptgraph.Errorf(aptgraph.ENOTFOUND, "no text stored for report %s", reportID)
	}
	return v.Store.ReportText(ctx, reportID)
}
