package aptgraph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aptgraph/aptgraph/stix"
)

// The kinds of thing a NameRecord names.
const (
	NameGroup    = "group"    // a threat group (intrusion set)
	NameSoftware = "software" // a malware family or tool
	NameCountry  = "country"
	NameSector   = "sector"
)

// The kinds of AliasClaim.
const (
	AliasJoin  = "join"  // the two names are the same group
	AliasSplit = "split" // the two names are different groups
)

// MaxNameRecords is the most name records one PutNames takes. The embedded
// facts and every galaxy together give under 100,000.
const MaxNameRecords = 500_000

// NameRecord is one scored claim, with its provenance, that a name belongs
// to a group (or software, country, sector): who coined the name, and which
// dataset links it to the group. Two records of one name for two groups are
// two claims side by side; nothing merges them.
type NameRecord struct {
	Name      string  `json:"name"`       // the name as the source spells it
	Norm      string  `json:"norm"`       // NormalizeName(Name)
	Kind      string  `json:"kind"`       // NameGroup, NameSoftware, NameCountry or NameSector
	GroupKey  string  `json:"group_key"`  // the group's stable key: a MISP cluster uuid or an ATT&CK id
	GroupName string  `json:"group_name"` // the group's canonical name
	Source    string  `json:"source,omitempty"`
	Coiner    string  `json:"coiner,omitempty"`
	Score     float64 `json:"score"` // how well the name points at the group, in (0, 1]; 1 for the canonical name
}

// PrepareNames checks records for PutNames, fills in a missing Norm, and
// returns them with one record per (Norm, Kind, GroupKey): the first. Every
// store calls it before it writes. Returns EINVALID for a record without a
// name, kind, group key or group name, with a Norm other than
// NormalizeName(Name), or with a score outside (0, 1], and ETOOLARGE past
// MaxNameRecords.
func PrepareNames(recs []*NameRecord) ([]*NameRecord, error) {
	if len(recs) > MaxNameRecords {
		return nil, Errorf(ETOOLARGE, "%d name records, over the limit of %d", len(recs), MaxNameRecords)
	}
	type key struct{ norm, kind, group string }
	seen := make(map[key]bool, len(recs))
	out := make([]*NameRecord, 0, len(recs))
	for i, r := range recs {
		if r == nil {
			return nil, Errorf(EINVALID, "name record %d is missing", i)
		}
		norm := NormalizeName(r.Name)
		switch {
		case norm == "":
			return nil, Errorf(EINVALID, "name record %d has no name", i)
		case len(r.Name) > 256 || len(r.GroupName) > 256 || len(r.GroupKey) > 256 || len(r.Source) > 256 || len(r.Coiner) > 256:
			return nil, Errorf(EINVALID, "name record %d: a name, key, source or coiner is over 256 bytes", i)
		case badText(r.Name, r.GroupName, r.GroupKey, r.Source, r.Coiner):
			return nil, Errorf(EINVALID, "name record %d: text that is not UTF-8 or holds a NUL", i)
		case r.Norm != "" && r.Norm != norm:
			return nil, Errorf(EINVALID, "name record %q: norm %q is not the name's normal form", r.Name, r.Norm)
		case r.Kind != NameGroup && r.Kind != NameSoftware && r.Kind != NameCountry && r.Kind != NameSector:
			return nil, Errorf(EINVALID, "name record %q: unknown kind %q", r.Name, r.Kind)
		case r.GroupKey == "" || strings.TrimSpace(r.GroupName) == "":
			return nil, Errorf(EINVALID, "name record %q has no group key or group name", r.Name)
		case !(r.Score > 0 && r.Score <= 1) || math.IsNaN(r.Score):
			return nil, Errorf(EINVALID, "name record %q: score %v is not in (0, 1]", r.Name, r.Score)
		}
		k := key{norm, r.Kind, r.GroupKey}
		if seen[k] {
			continue
		}
		seen[k] = true
		c := *r
		c.Norm = norm
		out = append(out, &c)
	}
	return out, nil
}

// AliasClaim is a local analyst's claim that two names are the same group
// (AliasJoin) or different groups (AliasSplit). Claims are kept when undone,
// so the history of who said what stays.
type AliasClaim struct {
	ID       int64     `json:"id"`
	Kind     string    `json:"kind"` // AliasJoin or AliasSplit
	A        string    `json:"a"`    // the names as the analyst gave them
	B        string    `json:"b"`
	NormA    string    `json:"-"` // NormalizeName(A), filled by Validate
	NormB    string    `json:"-"`
	By       string    `json:"by,omitempty"` // who made the claim
	Note     string    `json:"note,omitempty"`
	Created  time.Time `json:"created"`
	Undone   time.Time `json:"undone,omitzero"` // zero while the claim stands
	UndoneBy string    `json:"undone_by,omitempty"`
}

// Standing reports whether the claim has not been undone.
func (c *AliasClaim) Standing() bool { return c.Undone.IsZero() }

// Other returns the normalised name on the other side of the claim from
// norm.
func (c *AliasClaim) Other(norm string) string {
	if c.NormA == norm {
		return c.NormB
	}
	return c.NormA
}

// OtherName is the other name of the claim as it was written, beside the
// name whose normal form is norm.
func (c *AliasClaim) OtherName(norm string) string {
	if c.NormA == norm {
		return c.B
	}
	return c.A
}

// Validate checks a new claim and fills NormA and NormB. Returns EINVALID
// for an unknown kind, a missing name, two names with the same normal form,
// or a name, author or note that is too long.
func (c *AliasClaim) Validate() error {
	if c.Kind != AliasJoin && c.Kind != AliasSplit {
		return Errorf(EINVALID, "alias claim kind %q is neither %q nor %q", c.Kind, AliasJoin, AliasSplit)
	}
	c.A, c.B = strings.TrimSpace(c.A), strings.TrimSpace(c.B)
	c.NormA, c.NormB = NormalizeName(c.A), NormalizeName(c.B)
	switch {
	case c.NormA == "" || c.NormB == "":
		return Errorf(EINVALID, "an alias claim needs two names")
	case c.NormA == c.NormB:
		return Errorf(EINVALID, "%q and %q are the same name", c.A, c.B)
	case len(c.A) > 256 || len(c.B) > 256 || len(c.By) > 256:
		return Errorf(EINVALID, "a name or author of an alias claim is over 256 bytes")
	case len(c.Note) > 4096:
		return Errorf(EINVALID, "the note of an alias claim is over 4096 bytes")
	case badText(c.A, c.B, c.By, c.Note):
		return Errorf(EINVALID, "an alias claim holds text that is not UTF-8 or holds a NUL")
	}
	return nil
}

// ValidateUndo checks who undoes a claim. Returns EINVALID for a name over
// 256 bytes, not UTF-8, or holding a NUL. Every store calls it in
// UndoAliasClaim.
func ValidateUndo(by string) error {
	if len(by) > 256 || badText(by) {
		return Errorf(EINVALID, "the name of who undoes a claim is over 256 bytes, not UTF-8 or holds a NUL")
	}
	return nil
}

// AliasClaimFilter selects alias claims. Zero fields do not filter.
type AliasClaimFilter struct {
	Norm   string // claims with this normalised name on either side
	Undone bool   // include undone claims
}

// AliasCandidate is a group a name may stand for, with where that comes from.
type AliasCandidate struct {
	GroupKey string  `json:"group_key"`
	Group    string  `json:"group"`  // the group's canonical name
	Name     string  `json:"name"`   // the name that matched, as the data spells it
	Source   string  `json:"source"` // the dataset that links the name to the group, or "local" for an analyst's join
	Coiner   string  `json:"coiner,omitempty"`
	Score    float64 `json:"score"` // in [0, 1]; shared among the candidates of a name; 0 when split off
	// JoinedBy is the id of the standing local claim that joins the name to
	// this group, and SplitBy that of the claim that splits it off; 0 when
	// the data alone gives the candidate.
	JoinedBy int64  `json:"joined_by,omitempty"`
	SplitBy  int64  `json:"split_by,omitempty"`
	Via      string `json:"via,omitempty"` // the other name of that claim
}

// Ambiguous reports whether candidates, as ResolveName returns them, leave
// more than one group that is not split off.
func Ambiguous(cands []*AliasCandidate) bool {
	n := 0
	for _, c := range cands {
		if c.SplitBy == 0 {
			n++
		}
	}
	return n > 1
}

// ResolveName returns the groups name may stand for, best first: those the
// stored name records give it to, each scored and with its source and
// coiner, together with what standing local claims say. A join with another
// name adds that name's groups (one step: joins are not followed further);
// a split from another name keeps, but scores 0 and marks, each group the
// other name also stands for, unless name is that group's canonical name.
// No candidate means the name is unknown; several that are not split off
// mean it is ambiguous (see Ambiguous). Returns EINVALID for a name with no
// letters or digits.
func ResolveName(ctx context.Context, s Store, name string) ([]*AliasCandidate, error) {
	norm := NormalizeName(name)
	if norm == "" {
		return nil, Errorf(EINVALID, "no name given")
	}
	cands, err := dataCandidates(ctx, s, norm)
	if err != nil {
		return nil, err
	}
	claims, err := s.AliasClaims(ctx, AliasClaimFilter{Norm: norm})
	if err != nil {
		return nil, err
	}
	at := make(map[string]*AliasCandidate, len(cands))
	for _, c := range cands {
		at[c.GroupKey] = c
	}
	for _, cl := range claims {
		if cl.Kind != AliasJoin {
			continue
		}
		other, err := dataCandidates(ctx, s, cl.Other(norm))
		if err != nil {
			return nil, err
		}
		via := cl.OtherName(norm)
		for _, o := range other {
			if at[o.GroupKey] != nil {
				continue
			}
			o.Source, o.Coiner, o.JoinedBy, o.Via = "local", cl.By, cl.ID, via
			at[o.GroupKey] = o
			cands = append(cands, o)
		}
	}
	// Scores are shared among the groups a name stands for, as in kb.Index.
	for _, c := range cands {
		c.Score /= float64(len(cands))
	}
	for _, cl := range claims {
		if cl.Kind != AliasSplit {
			continue
		}
		other, err := dataCandidates(ctx, s, cl.Other(norm))
		if err != nil {
			return nil, err
		}
		via := cl.OtherName(norm)
		for _, o := range other {
			c := at[o.GroupKey]
			if c == nil || c.SplitBy != 0 || NormalizeName(c.Group) == norm {
				continue
			}
			c.SplitBy, c.Via, c.Score = cl.ID, via, 0
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].Score != cands[j].Score {
			return cands[i].Score > cands[j].Score
		}
		return cands[i].GroupKey < cands[j].GroupKey
	})
	return cands, nil
}

// dataCandidates returns the groups the stored records give norm to, one
// per group (the best-scored record), unscaled.
func dataCandidates(ctx context.Context, s Store, norm string) ([]*AliasCandidate, error) {
	recs, err := s.Names(ctx, norm)
	if err != nil {
		return nil, err
	}
	var out []*AliasCandidate
	at := map[string]*AliasCandidate{}
	for _, r := range recs {
		if r.Kind != NameGroup {
			continue
		}
		c := at[r.GroupKey]
		if c != nil && c.Score >= r.Score {
			continue
		}
		if c == nil {
			c = &AliasCandidate{}
			at[r.GroupKey] = c
			out = append(out, c)
		}
		*c = AliasCandidate{GroupKey: r.GroupKey, Group: r.GroupName, Name: r.Name,
			Source: r.Source, Coiner: r.Coiner, Score: r.Score}
	}
	return out, nil
}

// JoinNames records the claim, by who, that a and b are the same group. When
// a standing split of the two names exists, it is undone instead, and
// returned with cancelled set.
func JoinNames(ctx context.Context, s Store, a, b, by, note string) (c *AliasClaim, cancelled bool, err error) {
	return claimNames(ctx, s, AliasJoin, AliasSplit, a, b, by, note)
}

// SplitNames records the claim, by who, that a and b are different groups.
// When a standing join of the two names exists, it is undone instead, and
// returned with cancelled set.
func SplitNames(ctx context.Context, s Store, a, b, by, note string) (c *AliasClaim, cancelled bool, err error) {
	return claimNames(ctx, s, AliasSplit, AliasJoin, a, b, by, note)
}

func claimNames(ctx context.Context, s Store, kind, opposite, a, b, by, note string) (*AliasClaim, bool, error) {
	c := &AliasClaim{Kind: kind, A: a, B: b, By: by, Note: note}
	if err := c.Validate(); err != nil {
		return nil, false, err
	}
	claims, err := s.AliasClaims(ctx, AliasClaimFilter{Norm: c.NormA})
	if err != nil {
		return nil, false, err
	}
	for _, o := range claims {
		if o.Other(c.NormA) != c.NormB {
			continue
		}
		switch o.Kind {
		case opposite:
			u, err := s.UndoAliasClaim(ctx, o.ID, by)
			return u, true, err
		case kind:
			return nil, false, Errorf(ECONFLICT, "claim %d already says so", o.ID)
		}
	}
	if err := s.CreateAliasClaim(ctx, c); err != nil {
		return nil, false, err
	}
	return c, false, nil
}

// IsLive reports whether o is live: neither revoked nor marked deprecated
// (x_mitre_deprecated). ATT&CK imports keep revoked and deprecated objects
// as history; lookups of groups by name should pass them over.
func IsLive(o *stix.Object) bool {
	if o == nil || o.Revoked {
		return false
	}
	var dep bool
	if raw, ok := o.Extra["x_mitre_deprecated"]; ok && json.Unmarshal(raw, &dep) == nil && dep {
		return false
	}
	return true
}

// LiveGroups returns the stored intrusion sets whose name or an alias is
// name (compared as ObjectFilter.Name does), leaving out those that are not
// live (see IsLive).
func LiveGroups(ctx context.Context, s Store, name string) ([]*StoredObject, error) {
	objs, err := s.Objects(ctx, ObjectFilter{Types: []string{"intrusion-set"}, Name: name})
	if err != nil {
		return nil, fmt.Errorf("find groups: %w", err)
	}
	out := objs[:0]
	for _, o := range objs {
		if IsLive(o.Object) {
			out = append(out, o)
		}
	}
	return out, nil
}

// NormalizeName returns the form of a name that alias lookups compare:
// case-folded, with spaces, hyphens, dots and underscores dropped, so that
// "APT 10", "apt-10" and "APT10" are equal, while "APT1" and "APT10" stay
// apart. kb.Normalize, which builds the facts the name records come from,
// calls it, so facts and stores compare names the same way.
func NormalizeName(name string) string {
	clean := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') || nameSeparator(rune(c)) {
			clean = false
			break
		}
	}
	if clean {
		return name
	}
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		if nameSeparator(r) {
			continue
		}
		b.WriteRune(FoldRune(r))
	}
	return b.String()
}

// badText reports whether any of ss is not valid UTF-8 or holds a NUL,
// which not every engine can store.
func badText(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return true
		}
	}
	return false
}

func nameSeparator(r rune) bool {
	switch r {
	case ' ', '-', '.', '_', '\t', '\n', '\r', '\u00a0',
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212',
		'\u3000', '\u30fb', '\u00b7':
		return true
	}
	return r > utf8.RuneSelf && unicode.IsSpace(r)
}

// FoldRune maps r to its lower-case form, using the smallest rune of its
// case orbit for runes such as 'ſ' and 'K' (Kelvin) that lower-casing leaves
// apart. Name comparisons everywhere fold with it.
func FoldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	start := unicode.ToLower(r)
	l := start
	for f := unicode.SimpleFold(start); f != start; f = unicode.SimpleFold(f) {
		if f < l && unicode.IsLower(f) {
			l = f
		}
	}
	return l
}
