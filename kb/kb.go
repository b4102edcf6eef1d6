// Package kb is aptgraph's reference knowledge: the groups, their names and
// who coined them, malware and tools, ATT&CK techniques and countries. A
// compact table of these facts, generated from ATT&CK and the MISP galaxy by
// ./internal/genfacts, is embedded so that a fresh install works offline.
package kb

//go:generate go run ./internal/genfacts -data ../../shared/data -out facts.json.gz

// Alias is one name of a group, with who gave it and where the link comes from.
type Alias struct {
	Name   string `json:"n"`
	Coiner string `json:"c,omitempty"` // the vendor or body that coined the name, when known
	Source string `json:"s,omitempty"` // the dataset that links the name to the group: "attack", "misp-threat-actor", ...
}

// Group is a threat group as users see it.
type Group struct {
	Key        string   `json:"k"`            // stable key, unique in Facts: the MISP cluster uuid, or the ATT&CK id (G1043) of a group only ATT&CK knows
	Name       string   `json:"name"`         // canonical name
	Coiner     string   `json:"c,omitempty"`  // who coined the canonical name, when known
	Source     string   `json:"s,omitempty"`  // the dataset the canonical name comes from
	Aliases    []Alias  `json:"aliases"`      // every other name
	Country    string   `json:"cc,omitempty"` // ISO 3166-1 alpha-2 of the suspected sponsor state
	AttackID   string   `json:"attack,omitempty"`
	Techniques []string `json:"tech,omitempty"` // ATT&CK technique ids the group uses
	Software   []string `json:"sw,omitempty"`   // ATT&CK software ids the group uses
	// Refs are the ids of the records linked into the group: MISP cluster
	// uuids and ATT&CK intrusion-set STIX ids, revoked ones included. Merge
	// uses them to find the same group in facts built from other files.
	Refs []string `json:"refs,omitempty"`
}

// Software is a malware family or a tool.
type Software struct {
	Name     string   `json:"name"`
	Aliases  []string `json:"aliases,omitempty"`
	Kind     string   `json:"kind"` // "malware" or "tool"
	AttackID string   `json:"attack,omitempty"`
}

// Technique is an ATT&CK technique or sub-technique.
type Technique struct {
	ID      string   `json:"id"`   // T1566 or T1566.001
	Name    string   `json:"name"` // "Spearphishing Attachment"
	Parent  string   `json:"parent,omitempty"`
	Tactics []string `json:"tactics,omitempty"`
}

// Country is a country with its ISO code and other names for it.
type Country struct {
	Name    string   `json:"name"`
	ISO2    string   `json:"cc"`
	ISO3    string   `json:"cc3,omitempty"`
	Aliases []string `json:"aliases,omitempty"`
}

// Facts is the whole reference table.
type Facts struct {
	Groups     []Group     `json:"groups"`
	Software   []Software  `json:"software"`
	Techniques []Technique `json:"techniques"`
	Countries  []Country   `json:"countries"`
	// Ambiguous maps a normalised name to the keys of every group that the
	// data gives it to, for names given to more than one group.
	Ambiguous map[string][]string `json:"ambiguous,omitempty"`
	// Retired maps the ATT&CK id of every revoked or deprecated group,
	// software or technique to the id that replaced it ("" when deprecated),
	// so that Merge can retire them from older facts.
	Retired map[string]string `json:"retired,omitempty"`
}
