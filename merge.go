package aptgraph

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/aptgraph/aptgraph/stix"
)

// MaxEvidence caps the quotes one object keeps across reports. Without a cap
// an object every report names (a country, a big group) would grow, and be
// rewritten, with each report; the reports that name it stay listed in their
// object_refs.
const MaxEvidence = 50

// MergeObject merges new into old, two versions of one object (the same
// deterministic id, from two reports), and reports whether the result says
// anything old does not. Neither argument is modified.
//
// Lists accumulate: aliases (case-insensitively, leaving out the name),
// sectors, object_refs, labels, markings, the type vocabularies, kill-chain
// phases, external_references and evidence (one per report_ref, start and
// end). first_seen and start_time move to the earlier of the two, last_seen
// and stop_time to the later. Every other property keeps old's value and
// takes new's only where old has none; created stays old's.
//
// When changed, merged.Modified is later than old.Modified (new's when that is
// later still), so the result is a new version; when not, merged equals old,
// and re-ingesting a report writes nothing.
func MergeObject(old, new *stix.Object) (merged *stix.Object, changed bool) {
	m := cloneObject(old)
	// changed is tracked as the merge goes, not found by comparing
	// encodings: an object named in many reports carries much evidence, and
	// encoding it twice per merge would be most of a write's cost.
	changed = false
	grew := func(n, was int) { changed = changed || n != was }

	m.Aliases = unionAliases(m.Name, m.Aliases, new.Aliases)
	grew(len(m.Aliases), len(old.Aliases))
	for _, f := range []struct {
		dst *[]string
		src []string
	}{
		{&m.Sectors, new.Sectors}, {&m.ObjectRefs, new.ObjectRefs}, {&m.Labels, new.Labels},
		{&m.ObjectMarkingRefs, new.ObjectMarkingRefs}, {&m.ThreatActorTypes, new.ThreatActorTypes},
		{&m.MalwareTypes, new.MalwareTypes}, {&m.ToolTypes, new.ToolTypes},
		{&m.IndicatorTypes, new.IndicatorTypes}, {&m.ReportTypes, new.ReportTypes},
	} {
		was := len(*f.dst)
		*f.dst = union(*f.dst, f.src)
		grew(len(*f.dst), was)
	}
	m.KillChainPhases = unionBy(m.KillChainPhases, new.KillChainPhases,
		func(p stix.KillChainPhase) string { return p.KillChainName + "\x00" + p.PhaseName })
	grew(len(m.KillChainPhases), len(old.KillChainPhases))
	m.ExternalReferences = unionBy(m.ExternalReferences, new.ExternalReferences, func(r stix.ExternalReference) string {
		b, _ := json.Marshal(r) // sorted hashes: equal references give equal bytes
		return string(b)
	})
	grew(len(m.ExternalReferences), len(old.ExternalReferences))
	if len(m.Evidence) < MaxEvidence {
		m.Evidence = unionBy(m.Evidence, new.Evidence, func(e stix.Evidence) string {
			return e.ReportRef + "\x00" + strconv.Itoa(e.Start) + "\x00" + strconv.Itoa(e.End)
		})
		if len(m.Evidence) > MaxEvidence {
			m.Evidence = m.Evidence[:MaxEvidence]
		}
		grew(len(m.Evidence), len(old.Evidence))
	}

	for _, f := range []struct {
		dst   *string
		src   string
		later bool
	}{{&m.FirstSeen, new.FirstSeen, false}, {&m.LastSeen, new.LastSeen, true},
		{&m.StartTime, new.StartTime, false}, {&m.StopTime, new.StopTime, true}} {
		if w := widen(*f.dst, f.src, f.later); w != *f.dst {
			*f.dst, changed = w, true
		}
	}

	for _, f := range []struct {
		dst *string
		src string
	}{
		{&m.SpecVersion, new.SpecVersion}, {&m.Created, new.Created}, {&m.CreatedByRef, new.CreatedByRef},
		{&m.Lang, new.Lang}, {&m.Name, new.Name}, {&m.Description, new.Description},
		{&m.Objective, new.Objective}, {&m.PrimaryMotivation, new.PrimaryMotivation},
		{&m.IdentityClass, new.IdentityClass}, {&m.Country, new.Country}, {&m.Region, new.Region},
		{&m.Pattern, new.Pattern}, {&m.PatternType, new.PatternType}, {&m.ValidFrom, new.ValidFrom},
		{&m.Published, new.Published}, {&m.RelationshipType, new.RelationshipType},
		{&m.SourceRef, new.SourceRef}, {&m.TargetRef, new.TargetRef}, {&m.Value, new.Value},
		{&m.DefinitionType, new.DefinitionType}, {&m.Hedge, new.Hedge}, {&m.SHA256, new.SHA256},
	} {
		if *f.dst == "" && f.src != "" {
			*f.dst, changed = f.src, true
		}
	}
	if m.Confidence == nil && new.Confidence != nil {
		m.Confidence, changed = clonePtr(new.Confidence), true
	}
	if m.IsFamily == nil && new.IsFamily != nil {
		m.IsFamily, changed = clonePtr(new.IsFamily), true
	}
	m.Hashes = fillMap(m.Hashes, new.Hashes, &changed)
	m.Definition = fillMap(m.Definition, new.Definition, &changed)
	m.Extensions = fillMap(m.Extensions, new.Extensions, &changed)
	m.Extra = fillMap(m.Extra, new.Extra, &changed)

	if !changed {
		return m, false
	}
	m.Modified = laterModified(old.Modified, new.Modified)
	return m, true
}

// cloneObject returns a copy of o that shares nothing MergeObject changes.
func cloneObject(o *stix.Object) *stix.Object {
	c := *o
	c.Labels = slices.Clone(o.Labels)
	c.ExternalReferences = slices.Clone(o.ExternalReferences)
	c.ObjectMarkingRefs = slices.Clone(o.ObjectMarkingRefs)
	c.Aliases = slices.Clone(o.Aliases)
	c.ThreatActorTypes = slices.Clone(o.ThreatActorTypes)
	c.Sectors = slices.Clone(o.Sectors)
	c.MalwareTypes = slices.Clone(o.MalwareTypes)
	c.ToolTypes = slices.Clone(o.ToolTypes)
	c.KillChainPhases = slices.Clone(o.KillChainPhases)
	c.IndicatorTypes = slices.Clone(o.IndicatorTypes)
	c.ReportTypes = slices.Clone(o.ReportTypes)
	c.ObjectRefs = slices.Clone(o.ObjectRefs)
	c.Evidence = slices.Clone(o.Evidence)
	c.Hashes = maps.Clone(o.Hashes)
	c.Definition = maps.Clone(o.Definition)
	c.Extensions = maps.Clone(o.Extensions)
	c.Extra = maps.Clone(o.Extra)
	c.Confidence = clonePtr(o.Confidence)
	c.IsFamily = clonePtr(o.IsFamily)
	return &c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// union appends to a the strings of b it lacks, keeping a's order.
func union(a, b []string) []string {
	return unionBy(a, b, func(s string) string { return s })
}

func unionBy[T any](a, b []T, key func(T) string) []T {
	if len(b) == 0 {
		return a
	}
	seen := make(map[string]bool, len(a)+len(b))
	for _, x := range a {
		seen[key(x)] = true
	}
	for _, x := range b {
		if k := key(x); !seen[k] {
			seen[k] = true
			a = append(a, x)
		}
	}
	return a
}

// unionAliases is union for aliases: spellings that differ only in case or
// spacing are one alias, and the object's own name is none.
func unionAliases(name string, a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	seen := map[string]bool{NameKey(name): true}
	for _, x := range a {
		seen[NameKey(x)] = true
	}
	for _, x := range b {
		if k := NameKey(x); k != "" && !seen[k] {
			seen[k] = true
			a = append(a, x)
		}
	}
	return a
}

// widen returns the later of two timestamps when later is set, else the
// earlier. An empty or unreadable timestamp never wins over a readable one.
func widen(a, b string, later bool) string {
	ta, errA := stix.ParseTime(a)
	tb, errB := stix.ParseTime(b)
	switch {
	case errB != nil:
		return a
	case errA != nil:
		return b
	case later && tb.After(ta), !later && tb.Before(ta):
		return b
	}
	return a
}

// fillMap adds to dst the keys of src it lacks, and notes whether it added any.
func fillMap[V any](dst, src map[string]V, changed *bool) map[string]V {
	for k, v := range src {
		if _, ok := dst[k]; !ok {
			if dst == nil {
				dst = make(map[string]V, len(src))
			}
			dst[k] = v
			*changed = true
		}
	}
	return dst
}

// laterModified returns the modified timestamp of a merged version: one
// millisecond (STIX's usual precision) after old, or new when that is later.
// Objects that have neither (cyber-observables) stay without.
// old+1ms is rendered at millisecond precision, which is still after old.
func laterModified(old, new string) string {
	to, errOld := stix.ParseTime(old)
	tn, errNew := stix.ParseTime(new)
	switch {
	case errOld != nil && errNew != nil:
		return old
	case errOld != nil:
		return new
	case errNew == nil && tn.After(to.Add(time.Millisecond)):
		return new
	}
	return stix.FormatTime(to.Add(time.Millisecond))
}
