// Package export writes what the store knows in the formats other tools
// read: a STIX 2.1 bundle, a MISP event, and CSV for spreadsheets.
//
// Every format is made from the same STIX export, so they share its rules:
// only objects at or below Options.MaxTLP leave the store, and every
// reference to an object left behind is trimmed, so that nothing exported
// names or quotes what the reader may not see.
package export

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// Options selects what to export.
type Options struct {
	// Group, when set, is a name or alias of a group: only it and what it
	// connects to are exported (its relationships and the objects at their
	// other ends: sponsors, victims, countries, sectors, tools, campaigns;
	// the claimants; where sponsors and claimants are located; the reports
	// that give evidence; the marking definitions). Empty exports the store.
	Group string

	// MaxTLP is the most restricted TLP level exported. Its zero value,
	// TLP:CLEAR, exports only what anyone may see.
	MaxTLP stix.TLP
}

// STIX returns the export as a STIX 2.1 bundle. Objects come in the store's
// write order, marking definitions first; the bundle id is derived from its
// content, so the same store exports the same bundle. Returns ENOTFOUND or
// ECONFLICT for an Options.Group that names no single group the reader may
// see.
func STIX(ctx context.Context, s aptgraph.Store, opt Options) (*stix.Bundle, error) {
	max := opt.MaxTLP
	var objs []*stix.Object
	if opt.Group == "" {
		stored, err := s.Objects(ctx, aptgraph.ObjectFilter{MaxTLP: &max})
		if err != nil {
			return nil, err
		}
		for _, o := range stored {
			objs = append(objs, o.Object)
		}
	} else {
		ids, err := groupIDs(ctx, s, opt.Group, max)
		if err != nil {
			return nil, err
		}
		stored, err := s.Objects(ctx, aptgraph.ObjectFilter{IDs: ids, MaxTLP: &max})
		if err != nil {
			return nil, err
		}
		for _, o := range stored {
			objs = append(objs, o.Object)
		}
	}
	objs = trim(objs)
	return &stix.Bundle{Type: "bundle", ID: bundleID(objs), Objects: objs}, nil
}

// groupIDs returns the ids of a group and of what it connects to.
func groupIDs(ctx context.Context, s aptgraph.Store, name string, max stix.TLP) ([]string, error) {
	g, err := aptgraph.FindGroup(ctx, s, name)
	if err != nil {
		return nil, err
	}
	// FindGroup sees every level; the reader may not.
	if seen, err := s.Objects(ctx, aptgraph.ObjectFilter{IDs: []string{g.ID}, MaxTLP: &max}); err != nil {
		return nil, err
	} else if len(seen) == 0 {
		return nil, aptgraph.Errorf(aptgraph.ENOTFOUND, "no group named %q in the store", name)
	}
	ids := map[string]bool{g.ID: true}
	evidence := func(ev []stix.Evidence) {
		for _, e := range ev {
			ids[e.ReportRef] = true
		}
	}
	evidence(g.Evidence)
	rels, err := s.Relationships(ctx, aptgraph.RelationshipFilter{AnyRefs: []string{g.ID}})
	if err != nil {
		return nil, err
	}
	var ends []string
	for _, r := range rels {
		ids[r.ID], ids[r.SourceRef], ids[r.TargetRef] = true, true, true
		evidence(r.Evidence)
		for _, id := range []string{r.SourceRef, r.TargetRef, r.CreatedByRef} {
			if id != "" && id != g.ID {
				ids[id] = true
				ends = append(ends, id)
			}
		}
	}
	if len(ends) > 0 {
		// Where sponsors and claimants are: their country.
		locs, err := s.Relationships(ctx, aptgraph.RelationshipFilter{SourceRefs: ends, Types: []string{"located-at"}})
		if err != nil {
			return nil, err
		}
		for _, r := range locs {
			ids[r.ID], ids[r.TargetRef] = true, true
		}
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		if id != "" {
			list = append(list, id)
		}
	}
	sort.Strings(list)
	return list, nil
}

// trim returns objs with every reference to an object outside them removed:
// relationships whose ends or claimant are missing and reports left with
// nothing to refer to are dropped (until none is), evidence from missing
// reports goes, and other references are cut out. TLP marking definitions
// that objects refer to are added. The objects given are not changed.
func trim(objs []*stix.Object) []*stix.Object {
	// Marking definitions first; add the TLP ones that are referred to.
	in := map[string]bool{}
	for _, o := range objs {
		in[o.ID] = true
	}
	var marks, rest []*stix.Object
	for _, o := range objs {
		if o.Type == "marking-definition" {
			marks = append(marks, o)
		} else {
			rest = append(rest, o)
		}
	}
	var added []string
	for _, o := range objs {
		for _, m := range o.ObjectMarkingRefs {
			if t, ok := stix.TLPOfMarking(m); ok && !in[m] && m == t.MarkingID() {
				in[m] = true
				added = append(added, m)
			}
		}
	}
	sort.Strings(added)
	for _, m := range added {
		t, _ := stix.TLPOfMarking(m)
		marks = append(marks, stix.TLPMarking(t))
	}
	objs = append(marks, rest...)

	// Drop what cannot stand without a missing object, until nothing more goes.
	keep := map[string]bool{}
	for _, o := range objs {
		keep[o.ID] = true
	}
	for changed := true; changed; {
		changed = false
		for _, o := range objs {
			if keep[o.ID] && !standsAlone(o, keep) {
				keep[o.ID] = false
				changed = true
			}
		}
	}
	out := make([]*stix.Object, 0, len(objs))
	for _, o := range objs {
		if keep[o.ID] {
			out = append(out, cut(o, keep))
		}
	}
	return out
}

// standsAlone reports whether o still makes sense with only the objects in
// keep: a relationship needs its ends and its claimant, a sighting what it
// sights, a report at least one object to refer to.
func standsAlone(o *stix.Object, keep map[string]bool) bool {
	switch o.Type {
	case "relationship":
		return keep[o.SourceRef] && keep[o.TargetRef] && (o.CreatedByRef == "" || keep[o.CreatedByRef])
	case "sighting":
		var ref string
		if raw, ok := o.Extra["sighting_of_ref"]; ok && json.Unmarshal(raw, &ref) == nil {
			return keep[ref]
		}
	case "report", "grouping", "note", "opinion":
		if len(o.ObjectRefs) == 0 {
			return true
		}
		for _, r := range o.ObjectRefs {
			if keep[r] {
				return true
			}
		}
		return false
	}
	return true
}

// cut returns a copy of o without its references to objects not in keep.
// TLP marking references stay, since every reader knows those definitions.
func cut(o *stix.Object, keep map[string]bool) *stix.Object {
	c := *o
	if c.CreatedByRef != "" && !keep[c.CreatedByRef] {
		c.CreatedByRef = ""
	}
	c.ObjectRefs = filterIDs(o.ObjectRefs, keep)
	var marks []string
	for _, m := range o.ObjectMarkingRefs {
		if keep[m] {
			marks = append(marks, m)
		} else if _, ok := stix.TLPOfMarking(m); ok {
			marks = append(marks, m)
		}
	}
	c.ObjectMarkingRefs = marks
	c.Evidence = nil
	for _, e := range o.Evidence {
		if keep[e.ReportRef] {
			c.Evidence = append(c.Evidence, e)
		}
	}
	if len(o.Extra) > 0 {
		c.Extra = map[string]json.RawMessage{}
		for k, v := range o.Extra {
			switch {
			case strings.HasSuffix(k, "_ref"):
				var id string
				if json.Unmarshal(v, &id) == nil && !keep[id] {
					continue
				}
			case strings.HasSuffix(k, "_refs"):
				var ids []string
				if json.Unmarshal(v, &ids) == nil {
					ids = filterIDs(ids, keep)
					if len(ids) == 0 {
						continue
					}
					v, _ = json.Marshal(ids)
				}
			}
			c.Extra[k] = v
		}
	}
	return &c
}

func filterIDs(ids []string, keep map[string]bool) []string {
	var out []string
	for _, id := range ids {
		if keep[id] {
			out = append(out, id)
		}
	}
	return out
}

// bundleID derives a bundle's id from the ids and versions of its objects.
func bundleID(objs []*stix.Object) string {
	parts := make([]string, 0, len(objs))
	for _, o := range objs {
		parts = append(parts, o.ID+"@"+o.Modified)
	}
	sort.Strings(parts)
	return stix.NewID("bundle", strings.Join(parts, ","))
}
