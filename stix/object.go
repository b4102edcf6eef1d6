// Package stix holds the STIX 2.1 types aptgraph reads and writes, their
// deterministic identifiers, and the TLP 2.0 marking definitions.
//
// Only the properties aptgraph uses are typed; every other property of an
// object read from outside is kept verbatim in Extra and written back out, so
// a bundle survives a round trip through the store unchanged.
package stix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// SpecVersion is the STIX version aptgraph writes.
const SpecVersion = "2.1"

// TimeFormat is the timestamp layout aptgraph writes: RFC 3339, UTC, milliseconds.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// FormatTime renders t in the STIX timestamp layout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTime reads a STIX timestamp (any RFC 3339 precision).
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stix timestamp %q: %w", s, err)
	}
	return t.UTC(), nil
}

// ExternalReference points outside STIX: an ATT&CK id, a document URL.
type ExternalReference struct {
	SourceName  string            `json:"source_name"`
	Description string            `json:"description,omitempty"`
	URL         string            `json:"url,omitempty"`
	ExternalID  string            `json:"external_id,omitempty"`
	Hashes      map[string]string `json:"hashes,omitempty"`
}

// KillChainPhase is a phase of a kill chain (ATT&CK tactics).
type KillChainPhase struct {
	KillChainName string `json:"kill_chain_name"`
	PhaseName     string `json:"phase_name"`
}

// Evidence ties an object or claim to the words of a report that support it.
// Start and End are byte offsets into the report's normalised text.
type Evidence struct {
	ReportRef string `json:"report_ref"`
	Quote     string `json:"quote"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
}

// Object is one STIX 2.1 object of any type. Zero-valued fields are omitted.
type Object struct {
	Type        string `json:"type"`
	SpecVersion string `json:"spec_version,omitempty"`
	ID          string `json:"id"`
	Created     string `json:"created,omitempty"`
	Modified    string `json:"modified,omitempty"`

	CreatedByRef       string              `json:"created_by_ref,omitempty"`
	Revoked            bool                `json:"revoked,omitempty"`
	Labels             []string            `json:"labels,omitempty"`
	Confidence         *int                `json:"confidence,omitempty"`
	Lang               string              `json:"lang,omitempty"`
	ExternalReferences []ExternalReference `json:"external_references,omitempty"`
	ObjectMarkingRefs  []string            `json:"object_marking_refs,omitempty"`

	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
	FirstSeen   string   `json:"first_seen,omitempty"`
	LastSeen    string   `json:"last_seen,omitempty"`
	Objective   string   `json:"objective,omitempty"`

	ThreatActorTypes  []string `json:"threat_actor_types,omitempty"`
	PrimaryMotivation string   `json:"primary_motivation,omitempty"`

	IdentityClass string   `json:"identity_class,omitempty"`
	Sectors       []string `json:"sectors,omitempty"`

	Country string `json:"country,omitempty"`
	Region  string `json:"region,omitempty"`

	IsFamily        *bool            `json:"is_family,omitempty"`
	MalwareTypes    []string         `json:"malware_types,omitempty"`
	ToolTypes       []string         `json:"tool_types,omitempty"`
	KillChainPhases []KillChainPhase `json:"kill_chain_phases,omitempty"`

	IndicatorTypes []string `json:"indicator_types,omitempty"`
	Pattern        string   `json:"pattern,omitempty"`
	PatternType    string   `json:"pattern_type,omitempty"`
	ValidFrom      string   `json:"valid_from,omitempty"`

	Published   string   `json:"published,omitempty"`
	ReportTypes []string `json:"report_types,omitempty"`
	ObjectRefs  []string `json:"object_refs,omitempty"`

	RelationshipType string `json:"relationship_type,omitempty"`
	SourceRef        string `json:"source_ref,omitempty"`
	TargetRef        string `json:"target_ref,omitempty"`
	StartTime        string `json:"start_time,omitempty"`
	StopTime         string `json:"stop_time,omitempty"`

	// Cyber-observables.
	Value  string            `json:"value,omitempty"`
	Hashes map[string]string `json:"hashes,omitempty"`

	// Marking definitions.
	DefinitionType string                     `json:"definition_type,omitempty"`
	Definition     map[string]string          `json:"definition,omitempty"`
	Extensions     map[string]json.RawMessage `json:"extensions,omitempty"`

	// aptgraph's own properties.
	Evidence []Evidence `json:"x_aptgraph_evidence,omitempty"`
	Hedge    string     `json:"x_aptgraph_hedge,omitempty"`
	SHA256   string     `json:"x_aptgraph_sha256,omitempty"`

	// Extra holds every property not typed above, verbatim.
	Extra map[string]json.RawMessage `json:"-"`
}

// objectFields is Object without its methods, so encoding/json does the typed part.
type objectFields Object

var knownKeys = func() map[string]bool {
	m := map[string]bool{}
	b, _ := json.Marshal(objectFields{Type: "x", ID: "x", SpecVersion: "x", Created: "x", Modified: "x",
		CreatedByRef: "x", Revoked: true, Labels: []string{""}, Confidence: new(int), Lang: "x",
		ExternalReferences: []ExternalReference{{}}, ObjectMarkingRefs: []string{""}, Name: "x", Description: "x",
		Aliases: []string{""}, FirstSeen: "x", LastSeen: "x", Objective: "x", ThreatActorTypes: []string{""},
		PrimaryMotivation: "x", IdentityClass: "x", Sectors: []string{""}, Country: "x", Region: "x",
		IsFamily: new(bool), MalwareTypes: []string{""}, ToolTypes: []string{""}, KillChainPhases: []KillChainPhase{{}},
		IndicatorTypes: []string{""}, Pattern: "x", PatternType: "x", ValidFrom: "x", Published: "x",
		ReportTypes: []string{""}, ObjectRefs: []string{""}, RelationshipType: "x", SourceRef: "x", TargetRef: "x",
		StartTime: "x", StopTime: "x", Value: "x", Hashes: map[string]string{"": ""}, DefinitionType: "x",
		Definition: map[string]string{"": ""}, Extensions: map[string]json.RawMessage{"": json.RawMessage("1")},
		Evidence: []Evidence{{}}, Hedge: "x", SHA256: "x"})
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(b, &raw)
	for k := range raw {
		m[k] = true
	}
	return m
}()

// UnmarshalJSON reads an object, keeping untyped properties in Extra.
func (o *Object) UnmarshalJSON(b []byte) error {
	var f objectFields
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for k, v := range raw {
		if knownKeys[k] {
			continue
		}
		if f.Extra == nil {
			f.Extra = map[string]json.RawMessage{}
		}
		f.Extra[k] = v
	}
	*o = Object(f)
	return nil
}

// MarshalJSON writes the typed properties, then Extra in key order.
func (o Object) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(objectFields(o))
	if err != nil || len(o.Extra) == 0 {
		return b, err
	}
	keys := make([]string, 0, len(o.Extra))
	for k := range o.Extra {
		if !knownKeys[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1])
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		buf.WriteByte(',')
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(o.Extra[k])
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// ExternalID returns the external_id given by source, or "".
func (o *Object) ExternalID(source string) string {
	for _, r := range o.ExternalReferences {
		if r.SourceName == source && r.ExternalID != "" {
			return r.ExternalID
		}
	}
	return ""
}

// IDType returns the type part of a STIX identifier.
func IDType(id string) string {
	// The type holds single hyphens at most, so the first "--" ends it.
	for i := 1; i+1 < len(id); i++ {
		if id[i] == '-' && id[i+1] == '-' {
			return id[:i]
		}
	}
	return ""
}

// Bundle is a STIX 2.1 bundle.
type Bundle struct {
	Type    string    `json:"type"`
	ID      string    `json:"id"`
	Objects []*Object `json:"objects"`
}

// IsObservable reports whether a STIX type is a cyber-observable (SCO).
func IsObservable(typ string) bool {
	switch typ {
	case "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
		"file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process",
		"software", "url", "user-account", "windows-registry-key", "x509-certificate":
		return true
	}
	return false
}
