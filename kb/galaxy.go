package kb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/aptgraph/aptgraph"
)

// Limits on the files ReadGalaxy and ReadAttack accept. They are far above
// anything the real data holds (the largest galaxy, malpedia, has 3,683
// clusters of at most 41 names; enterprise ATT&CK is 50 MB of 24,772 objects)
// and exist so that a hostile or broken file cannot take all memory.
const (
	// MaxGalaxyBytes is the largest galaxy cluster file, after gunzip.
	MaxGalaxyBytes = 64 << 20
	// MaxGalaxyValues is the most clusters one galaxy file may hold.
	MaxGalaxyValues = 100_000
	// MaxNames is the most names (synonyms, name attributions, ATT&CK
	// aliases) one cluster or object may give.
	MaxNames = 1_000
	// MaxNameLen is the longest name, in bytes, of a group, alias or
	// software.
	MaxNameLen = 256
	// MaxAttackBytes is the largest ATT&CK bundle, after gunzip.
	MaxAttackBytes = 1 << 30
	// MaxAttackObjects is the most objects an ATT&CK bundle may hold.
	MaxAttackObjects = 2_000_000
)

// The galaxy types ReadGalaxy accepts.
const (
	GalaxyThreatActor = "threat-actor"
	GalaxyMicrosoft   = "microsoft-activity-group"
	Galaxy360net      = "360net-threat-actor"
	GalaxyMitre       = "mitre-intrusion-set"
	GalaxySector      = "sector"
	GalaxyCountry     = "country"
	GalaxyMalpedia    = "malpedia"
)

var galaxyTypes = []string{GalaxyThreatActor, GalaxyMicrosoft, Galaxy360net, GalaxyMitre,
	GalaxySector, GalaxyCountry, GalaxyMalpedia}

// Galaxy is one MISP galaxy cluster file.
type Galaxy struct {
	Type     string // one of the Galaxy* constants
	Name     string
	UUID     string
	Version  int
	Clusters []Cluster
}

// Cluster is one value of a MISP galaxy: a group, a malware family, a
// country or a sector. Only facts are kept; descriptions and references are
// dropped on reading.
type Cluster struct {
	UUID     string
	Value    string
	Synonyms []string
	// Attributions are the name-attribution entries: a name and the uuid of
	// the vendor that uses it.
	Attributions []Attribution
	// Origins are the origin:NAME meta keys: a name and who coined it.
	Origins []Attribution
	Country string // meta country, as given (ISO2 in threat-actor and microsoft-activity-group)
	// StateSponsor is the threat-actor meta cfr-suspected-state-sponsor.
	StateSponsor string
	// OriginThreat is the microsoft-activity-group meta microsoft-origin-threat.
	OriginThreat string
	ExternalID   string // mitre-intrusion-set meta external_id (G0007)
	ISO, ISO3    string // country meta ISO and ISO3
	// Title is the description of a country cluster, which there holds the
	// country's name as displayed ("North Korea"); other descriptions are
	// prose and are not kept.
	Title   string
	Revoked bool
	Related []Related
}

// Attribution ties a name to who uses or coined it. In name-attribution
// entries Vendor is the uuid MISP gives the vendor; in origin entries it is
// the vendor's name.
type Attribution struct {
	Name   string
	Vendor string
}

// Related is a link from a cluster to another cluster, by uuid.
type Related struct {
	DestUUID string
	Type     string // "similar", "uses", "revoked-by", ...
}

// ReadGalaxy reads a MISP galaxy cluster file (clusters/*.json of the
// misp-galaxy repository), plain or gzip-compressed. Errors are *aptgraph.Error:
// EINVALID for a file that is not a galaxy cluster file, is truncated or
// malformed, or repeats a cluster uuid; EUNSUPPORTED for a galaxy type other
// than those listed in the Galaxy* constants; ETOOLARGE past MaxGalaxyBytes,
// MaxGalaxyValues or MaxNames.
func ReadGalaxy(r io.Reader) (*Galaxy, error) {
	src, err := maybeGunzip(r)
	if err != nil {
		return nil, malformed("MISP galaxy cluster file", err)
	}
	data, err := io.ReadAll(io.LimitReader(src, MaxGalaxyBytes+1))
	if err != nil {
		return nil, malformed("MISP galaxy cluster file", err)
	}
	if len(data) > MaxGalaxyBytes {
		return nil, aptgraph.Errorf(aptgraph.ETOOLARGE, "MISP galaxy cluster file is over the limit of %d MiB", MaxGalaxyBytes>>20)
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\xef\xbb\xbf"))
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, aptgraph.Errorf(aptgraph.EINVALID, "not a MISP galaxy cluster file: %s", sniff(trimmed))
	}
	var f struct {
		Type    string            `json:"type"`
		Name    string            `json:"name"`
		UUID    string            `json:"uuid"`
		Version json.RawMessage   `json:"version"`
		Values  []json.RawMessage `json:"values"`
		Objects json.RawMessage   `json:"objects"`
	}
	if err := json.Unmarshal(trimmed, &f); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, aptgraph.WrapError(aptgraph.EINVALID, "not a MISP galaxy cluster file: field "+te.Field+" has the wrong type", err)
		}
		return nil, malformed("MISP galaxy cluster file", err)
	}
	if f.Values == nil || f.Type == "" {
		if f.Type == "bundle" || f.Objects != nil {
			return nil, aptgraph.Errorf(aptgraph.EINVALID, "not a MISP galaxy cluster file: it is a STIX bundle (import it as ATT&CK)")
		}
		return nil, aptgraph.Errorf(aptgraph.EINVALID, "not a MISP galaxy cluster file: no type and values")
	}
	if !knownGalaxy(f.Type) {
		return nil, aptgraph.Errorf(aptgraph.EUNSUPPORTED, "MISP galaxy type %q is not supported (supported: %s)", clip(f.Type), strings.Join(galaxyTypes, ", "))
	}
	if len(f.Values) > MaxGalaxyValues {
		return nil, aptgraph.Errorf(aptgraph.ETOOLARGE, "MISP galaxy cluster file has %d values, over the limit of %d", len(f.Values), MaxGalaxyValues)
	}
	g := &Galaxy{Type: f.Type, Name: f.Name, UUID: f.UUID, Clusters: make([]Cluster, 0, len(f.Values))}
	if v := strings.Trim(string(f.Version), `"`); v != "" {
		g.Version, _ = strconv.Atoi(v)
	}
	seen := make(map[string]int, len(f.Values))
	for i, raw := range f.Values {
		c, err := parseCluster(raw)
		if err != nil {
			return nil, fmt.Errorf("galaxy value %d: %w", i, err)
		}
		if j, dup := seen[c.UUID]; dup {
			return nil, aptgraph.Errorf(aptgraph.EINVALID, "MISP galaxy cluster file repeats uuid %s (values %d and %d)", c.UUID, j, i)
		}
		seen[c.UUID] = i
		g.Clusters = append(g.Clusters, c)
	}
	return g, nil
}

// Facts returns the facts the galaxy gives on its own, to lay over others
// with Merge.
func (g *Galaxy) Facts() *Facts {
	return Build(Sources{Galaxies: []*Galaxy{g}})
}

func knownGalaxy(t string) bool {
	for _, k := range galaxyTypes {
		if k == t {
			return true
		}
	}
	return false
}

func parseCluster(raw json.RawMessage) (Cluster, error) {
	var v struct {
		UUID        string                     `json:"uuid"`
		Value       string                     `json:"value"`
		Description string                     `json:"description"`
		Meta        map[string]json.RawMessage `json:"meta"`
		Related     []struct {
			DestUUID string `json:"dest-uuid"`
			Type     string `json:"type"`
		} `json:"related"`
		Revoked bool `json:"revoked"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return Cluster{}, aptgraph.WrapError(aptgraph.EINVALID, "malformed MISP galaxy cluster", err)
	}
	if !validUUID(v.UUID) {
		return Cluster{}, aptgraph.Errorf(aptgraph.EINVALID, "MISP galaxy cluster %q has no valid uuid", clip(v.Value))
	}
	c := Cluster{UUID: strings.ToLower(v.UUID), Value: strings.TrimSpace(v.Value), Revoked: v.Revoked}
	if c.Value == "" {
		return Cluster{}, aptgraph.Errorf(aptgraph.EINVALID, "MISP galaxy cluster %s has no value", c.UUID)
	}
	if len(c.Value) > MaxNameLen {
		return Cluster{}, aptgraph.Errorf(aptgraph.EINVALID, "MISP galaxy cluster %s: value is over %d bytes", c.UUID, MaxNameLen)
	}
	names := 0
	if iso := v.Meta["ISO"]; iso != nil && len(v.Description) <= MaxNameLen {
		c.Title = strings.TrimSpace(v.Description)
	}
	for k, m := range v.Meta {
		switch {
		case k == "synonyms":
			c.Synonyms = metaStrings(m)
			names += len(c.Synonyms)
		case k == "name-attribution":
			for _, s := range metaStrings(m) {
				i := strings.LastIndexByte(s, ':')
				if i <= 0 {
					c.Attributions = append(c.Attributions, Attribution{Name: strings.TrimSpace(s)})
					continue
				}
				c.Attributions = append(c.Attributions, Attribution{Name: strings.TrimSpace(s[:i]), Vendor: strings.ToLower(strings.TrimSpace(s[i+1:]))})
			}
			names += len(c.Attributions)
		case strings.HasPrefix(k, "origin:"):
			by := metaString(m)
			name := strings.TrimSpace(strings.TrimSuffix(k[len("origin:"):], " ("+by+")"))
			c.Origins = append(c.Origins, Attribution{Name: name, Vendor: by})
			names++
		case k == "country":
			c.Country = metaString(m)
		case k == "cfr-suspected-state-sponsor":
			c.StateSponsor = metaString(m)
		case k == "microsoft-origin-threat":
			c.OriginThreat = metaString(m)
		case k == "external_id":
			c.ExternalID = metaString(m)
		case k == "ISO":
			c.ISO = metaString(m)
		case k == "ISO3":
			c.ISO3 = metaString(m)
		}
	}
	if names > MaxNames {
		return Cluster{}, aptgraph.Errorf(aptgraph.ETOOLARGE, "MISP galaxy cluster %s gives %d names, over the limit of %d", c.UUID, names, MaxNames)
	}
	for _, n := range c.Synonyms {
		if len(n) > MaxNameLen {
			return Cluster{}, aptgraph.Errorf(aptgraph.EINVALID, "MISP galaxy cluster %s: a synonym is over %d bytes", c.UUID, MaxNameLen)
		}
	}
	for _, a := range append(c.Attributions[:len(c.Attributions):len(c.Attributions)], c.Origins...) {
		if len(a.Name) > MaxNameLen {
			return Cluster{}, aptgraph.Errorf(aptgraph.EINVALID, "MISP galaxy cluster %s: a name is over %d bytes", c.UUID, MaxNameLen)
		}
	}
	sort.Slice(c.Origins, func(i, j int) bool { return c.Origins[i].Name < c.Origins[j].Name })
	for _, r := range v.Related {
		if r.DestUUID != "" {
			c.Related = append(c.Related, Related{DestUUID: strings.ToLower(r.DestUUID), Type: r.Type})
		}
	}
	return c, nil
}

// metaStrings reads a meta value that should be a list of strings but is
// sometimes a single string; other values give nil.
func metaStrings(m json.RawMessage) []string {
	var list []string
	if json.Unmarshal(m, &list) == nil {
		out := list[:0]
		for _, s := range list {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	var s string
	if json.Unmarshal(m, &s) == nil && strings.TrimSpace(s) != "" {
		return []string{strings.TrimSpace(s)}
	}
	return nil
}

// metaString reads a meta value that should be a string: a list gives its
// first element, a number its text.
func metaString(m json.RawMessage) string {
	var s string
	if json.Unmarshal(m, &s) == nil {
		return strings.TrimSpace(s)
	}
	if l := metaStrings(m); len(l) > 0 {
		return l[0]
	}
	var n json.Number
	if json.Unmarshal(m, &n) == nil {
		return n.String()
	}
	return ""
}

func validUUID(s string) bool { return aptgraph.IsUUID(s) }

// clip shortens a string from outside for use in a message.
func clip(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
