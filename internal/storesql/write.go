package storesql

import (
	"encoding/json"
	"strings"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// ObjectNames returns the names an object is found by: its name, its
// aliases, and ATT&CK's x_mitre_aliases.
func ObjectNames(o *stix.Object) []string {
	names := append([]string{o.Name}, o.Aliases...)
	if raw, ok := o.Extra["x_mitre_aliases"]; ok {
		var more []string
		if json.Unmarshal(raw, &more) == nil {
			names = append(names, more...)
		}
	}
	out := names[:0]
	for _, n := range names {
		if aptgraph.NameKey(n) != "" {
			out = append(out, n)
		}
	}
	return out
}

// SearchText returns what the search index holds of an object: in name, its
// names, value and ATT&CK id; in body, its description.
func SearchText(o *stix.Object) (name, body string) {
	names := ObjectNames(o)
	if o.Value != "" {
		names = append(names, o.Value)
	}
	if id := o.ExternalID("mitre-attack"); id != "" {
		names = append(names, id)
	}
	return strings.Join(names, "\n"), o.Description
}

// JoinText joins two texts of a search row, such as a report's description
// and its text, with a blank line between them when both are there.
func JoinText(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n\n" + b
}
