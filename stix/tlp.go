package stix

import (
	"encoding/json"
	"strings"
)

// TLP is a Traffic Light Protocol 2.0 level, ordered from least to most restricted.
type TLP int

// The TLP 2.0 levels.
const (
	TLPClear TLP = iota
	TLPGreen
	TLPAmber
	TLPAmberStrict
	TLPRed
)

// tlpExtension is the extension-definition id OASIS publishes for TLP 2.0 markings.
const tlpExtension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

var tlpIDs = [...]string{
	TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// TLP 1.0 marking ids (STIX 2.1 section 7.2.1.4), read as their 2.0 equivalents.
var tlp1IDs = map[string]TLP{
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLPClear,
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLPGreen,
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLPAmber,
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLPRed,
}

var tlpNames = [...]string{"clear", "green", "amber", "amber+strict", "red"}

// String returns the TLP 2.0 label, e.g. "amber+strict".
func (t TLP) String() string {
	if t < 0 || int(t) >= len(tlpNames) {
		return "red"
	}
	return tlpNames[t]
}

// MarkingID returns the id of the marking definition for t.
func (t TLP) MarkingID() string { return tlpIDs[t] }

// ParseTLP reads a TLP label ("amber", "TLP:AMBER+STRICT", "white" as clear).
func ParseTLP(s string) (TLP, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "tlp:")
	s = strings.TrimPrefix(s, "tlp-")
	switch s {
	case "clear", "white":
		return TLPClear, true
	case "green":
		return TLPGreen, true
	case "amber":
		return TLPAmber, true
	case "amber+strict", "amber-strict", "amberstrict":
		return TLPAmberStrict, true
	case "red":
		return TLPRed, true
	}
	return TLPRed, false
}

// TLPOfMarking reports the TLP level a marking-definition id stands for.
func TLPOfMarking(id string) (TLP, bool) {
	for t, m := range tlpIDs {
		if m == id {
			return TLP(t), true
		}
	}
	t, ok := tlp1IDs[id]
	return t, ok
}

// ObjectTLP returns the most restrictive TLP level among refs; objects with no
// TLP marking count as TLP:CLEAR only when unmarked is clear, else as RED.
func ObjectTLP(refs []string, unmarked TLP) TLP {
	level, found := TLP(-1), false
	for _, r := range refs {
		if t, ok := TLPOfMarking(r); ok {
			found = true
			if t > level {
				level = t
			}
		}
	}
	if !found {
		return unmarked
	}
	return level
}

// TLPMarking returns the marking-definition object for t, as OASIS publishes it.
func TLPMarking(t TLP) *Object {
	label := strings.ToUpper(t.String())
	// What json.Marshal writes for the extension, keys in order; the level
	// names need no escaping. Every bundle carries one.
	ext := `{"extension_type":"property-extension","tlp_2_0":"` + t.String() + `"}`
	return &Object{
		Type: "marking-definition", SpecVersion: SpecVersion, ID: t.MarkingID(),
		Created: "2022-10-01T00:00:00.000Z", Name: "TLP:" + label,
		Extensions: map[string]json.RawMessage{tlpExtension: json.RawMessage(ext)},
	}
}
