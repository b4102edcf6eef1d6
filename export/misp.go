package export

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// MISPEvent is a MISP event in the MISP core format (draft-dulaunoy-misp-core-format):
// the JSON object {"Event": {...}}.
type MISPEvent struct {
	Event MISPEventBody `json:"Event"`
}

// MISPEventBody holds an event's properties. The core format writes numbers
// as JSON strings.
type MISPEventBody struct {
	ID               string          `json:"id"`
	UUID             string          `json:"uuid"`
	Info             string          `json:"info"`
	Date             string          `json:"date"` // YYYY-MM-DD
	ThreatLevelID    string          `json:"threat_level_id"`
	Analysis         string          `json:"analysis"`
	Distribution     string          `json:"distribution"`
	SharingGroupID   string          `json:"sharing_group_id"`
	Published        bool            `json:"published"`
	Timestamp        string          `json:"timestamp"`
	PublishTimestamp string          `json:"publish_timestamp"`
	OrgID            string          `json:"org_id"`
	OrgcID           string          `json:"orgc_id"`
	AttributeCount   string          `json:"attribute_count"`
	Orgc             MISPOrg         `json:"Orgc"`
	Attribute        []MISPAttribute `json:"Attribute"`
	Tag              []MISPTag       `json:"Tag"`
}

// MISPOrg is the organisation that made an event.
type MISPOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	UUID string `json:"uuid"`
}

// MISPAttribute is one attribute of an event: a category-type-value triplet.
type MISPAttribute struct {
	ID             string `json:"id"`
	UUID           string `json:"uuid"`
	EventID        string `json:"event_id"`
	Category       string `json:"category"`
	Type           string `json:"type"`
	Value          string `json:"value"`
	ToIDS          bool   `json:"to_ids"`
	Distribution   string `json:"distribution"`
	SharingGroupID string `json:"sharing_group_id"`
	Timestamp      string `json:"timestamp"`
	Deleted        bool   `json:"deleted"`
	Comment        string `json:"comment"`
}

// MISPTag is a tag: a taxonomy or galaxy cluster, e.g. tlp:clear or
// misp-galaxy:threat-actor="APT40".
type MISPTag struct {
	Name       string `json:"name"`
	Exportable bool   `json:"exportable"`
}

// mispOrg is aptgraph as a MISP organisation; its UUID is fixed.
var mispOrg = MISPOrg{ID: "0", Name: "aptgraph", UUID: uuidOf(stix.NewID("identity", "aptgraph"))}

// MISP returns the export as one MISP event: an attribute for each
// indicator (ip-dst, domain, url, email-src, md5, sha1, sha256,
// vulnerability), a threat-actor attribute per group, a text attribute per
// attribution claim, a galaxy tag per group and technique, and a TLP tag.
// Its uuid, dates and timestamps come from the exported objects, so the same
// store exports the same event. Returns what STIX returns.
func MISP(ctx context.Context, s aptgraph.Store, opt Options) (*MISPEvent, error) {
	b, err := STIX(ctx, s, opt)
	if err != nil {
		return nil, err
	}
	byID := map[string]*stix.Object{}
	for _, o := range b.Objects {
		byID[o.ID] = o
	}
	name := func(id string) string {
		if o := byID[id]; o != nil && o.Name != "" {
			return o.Name
		}
		return id
	}
	ev := MISPEventBody{ID: "0", UUID: uuidOf(b.ID), ThreatLevelID: "4", Analysis: "2", SharingGroupID: "0",
		PublishTimestamp: "0", OrgID: "0", OrgcID: "0", Orgc: mispOrg, Attribute: []MISPAttribute{}, Tag: []MISPTag{}}

	var newest time.Time
	level := stix.TLPClear
	var groups []string
	tags := map[string]bool{}
	seen := map[string]bool{}
	attr := func(o *stix.Object, category, typ, value string, toIDS bool, comment string) {
		k := typ + "\x00" + value
		if value == "" || seen[k] {
			return
		}
		seen[k] = true
		ev.Attribute = append(ev.Attribute, MISPAttribute{ID: "0", UUID: uuidOf(stix.NewID("misp-attribute", o.ID, typ, value)), EventID: "0", Category: category,
			Type: typ, Value: value, ToIDS: toIDS, Distribution: "5", SharingGroupID: "0", Timestamp: unix(o), Comment: comment})
	}
	for _, o := range b.Objects {
		if t, err := stix.ParseTime(first(o.Modified, o.Created)); err == nil && t.After(newest) && o.Type != "marking-definition" {
			newest = t
		}
		if t := stix.ObjectTLP(o.ObjectMarkingRefs, stix.TLPClear); t > level && o.Type != "marking-definition" {
			level = t
		}
		switch o.Type {
		case "intrusion-set":
			groups = append(groups, o.Name)
			tags[`misp-galaxy:threat-actor="`+o.Name+`"`] = true
			attr(o, "Attribution", "threat-actor", o.Name, false, strings.Join(o.Aliases, ", "))
		case "attack-pattern":
			if id := o.ExternalID("mitre-attack"); id != "" {
				tags[`misp-galaxy:mitre-attack-pattern="`+o.Name+" - "+id+`"`] = true
			}
		case "ipv4-addr", "ipv6-addr":
			attr(o, "Network activity", "ip-dst", o.Value, true, "")
		case "domain-name":
			attr(o, "Network activity", "domain", o.Value, true, "")
		case "url":
			attr(o, "Network activity", "url", o.Value, true, "")
		case "email-addr":
			attr(o, "Payload delivery", "email-src", o.Value, true, "")
		case "file":
			for _, h := range []struct{ stix, misp string }{{"MD5", "md5"}, {"SHA-1", "sha1"}, {"SHA-256", "sha256"}} {
				attr(o, "Payload delivery", h.misp, o.Hashes[h.stix], true, "")
			}
		case "vulnerability":
			attr(o, "External analysis", "vulnerability", o.Name, false, "")
		case "relationship":
			if o.RelationshipType != "attributed-to" || stix.IDType(o.TargetRef) != "threat-actor" {
				continue
			}
			c := &aptgraph.Claim{Claimant: name(o.CreatedByRef), Group: name(o.SourceRef), Sponsor: name(o.TargetRef),
				Confidence: o.Confidence, Hedge: o.Hedge}
			if o.CreatedByRef == "" {
				c.Claimant = "unnamed claimant"
			}
			text := c.Claimant + " says " + c.Group + " is attributed to " + c.Sponsor
			if c.Confidence != nil {
				text += " (confidence " + strconv.Itoa(*c.Confidence) + ")"
			}
			if c.Hedge != "" {
				text += " (" + c.Hedge + ")"
			}
			var comment []string
			for _, e := range o.Evidence {
				comment = append(comment, name(e.ReportRef)+": \""+e.Quote+"\"")
			}
			attr(o, "Attribution", "text", text, false, strings.Join(comment, "; "))
		}
	}
	sort.SliceStable(ev.Attribute, func(i, j int) bool {
		a, b := ev.Attribute[i], ev.Attribute[j]
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Value < b.Value
	})
	ev.AttributeCount = strconv.Itoa(len(ev.Attribute))
	ev.Tag = append(ev.Tag, MISPTag{Name: "tlp:" + level.String(), Exportable: true})
	for _, t := range sortedSet(tags) {
		ev.Tag = append(ev.Tag, MISPTag{Name: t, Exportable: true})
	}
	ev.Distribution = distribution(level)
	sort.Strings(groups)
	switch {
	case opt.Group != "" && len(groups) > 0:
		ev.Info = "aptgraph: " + groups[0]
	case len(groups) > 0:
		ev.Info = "aptgraph: " + clipInfo(strings.Join(groups, ", "))
	default:
		ev.Info = "aptgraph export"
	}
	if newest.IsZero() {
		newest = time.Unix(0, 0).UTC()
	}
	ev.Date = newest.Format("2006-01-02")
	ev.Timestamp = strconv.FormatInt(newest.Unix(), 10)
	for i := range ev.Attribute {
		if ev.Attribute[i].Timestamp == "" {
			ev.Attribute[i].Timestamp = ev.Timestamp
		}
	}
	return &MISPEvent{Event: ev}, nil
}

// distribution maps a TLP level onto MISP's distribution levels.
func distribution(t stix.TLP) string {
	switch t {
	case stix.TLPClear:
		return "3" // all communities
	case stix.TLPGreen:
		return "2" // connected communities
	case stix.TLPAmber, stix.TLPAmberStrict:
		return "1" // this community only
	}
	return "0" // your organisation only
}

// clipInfo keeps an event's info under the 256 characters the format asks for.
func clipInfo(s string) string {
	if len(s) <= 240 {
		return s
	}
	cut := strings.LastIndex(s[:240], ", ")
	if cut < 0 {
		cut = 240
	}
	return s[:cut] + ", ..."
}

// uuidOf returns the UUID part of a STIX id.
func uuidOf(id string) string {
	if i := strings.Index(id, "--"); i >= 0 {
		return id[i+2:]
	}
	return id
}

// unix returns o's modified (else created) time in Unix seconds, or "".
func unix(o *stix.Object) string {
	t, err := stix.ParseTime(first(o.Modified, o.Created))
	if err != nil {
		return ""
	}
	return strconv.FormatInt(t.Unix(), 10)
}

func first(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
