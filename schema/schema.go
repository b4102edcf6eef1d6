// Package schema validates STIX 2.1 objects against the OASIS STIX 2.1 JSON
// schemas (github.com/oasis-open/cti-stix2-json-schemas), read from a local
// copy: the schemas' $id URLs are mapped to files and nothing is fetched.
//
// As eval/validate_stix.py does, formats ("uri", "email", "idn-hostname")
// are annotations, not assertions, and an object is validated by the schema
// whose title is its type.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/aptgraph/aptgraph"
)

// BaseURL is the prefix of the $id of every OASIS STIX 2.1 schema; the rest
// of the $id is the schema's path under the schemas directory.
const BaseURL = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// The schemas for custom objects, which have none of their own: an object
// with created or modified is held to the common SDO properties, any other
// to the common SCO properties.
const (
	sdoCore = BaseURL + "common/core.json"
	scoCore = BaseURL + "common/cyber-observable-core.json"
)

// bundleID is common/identifier.json's pattern for a bundle.
var bundleID = regexp.MustCompile(`^bundle--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)

// Validator validates STIX objects. It holds every schema compiled, and is
// safe for concurrent use.
type Validator struct {
	byType   map[string]*jsonschema.Schema
	sdo, sco *jsonschema.Schema
}

// Load reads every schema under dir (common/, sdos/, sros/, observables/)
// and compiles one per STIX type. It returns an EINVALID error when a schema
// cannot be read or compiled.
func Load(dir string) (*Validator, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil || len(files) == 0 {
		return nil, aptgraph.Errorf(aptgraph.EINVALID, "no STIX schemas in %s", dir)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(dirLoader(dir))
	types := map[string]string{} // type -> $id
	for _, f := range files {
		doc, err := readJSON(f)
		if err != nil {
			return nil, aptgraph.WrapError(aptgraph.EINVALID, "read STIX schema "+filepath.Base(f), err)
		}
		m, _ := doc.(map[string]any)
		id, _ := m["$id"].(string)
		rel, _ := filepath.Rel(dir, f)
		if id != BaseURL+filepath.ToSlash(rel) {
			return nil, aptgraph.Errorf(aptgraph.EINVALID, "STIX schema %s has $id %q, want %q", rel, id, BaseURL+filepath.ToSlash(rel))
		}
		if err := c.AddResource(id, doc); err != nil {
			return nil, aptgraph.WrapError(aptgraph.EINVALID, "add STIX schema "+rel, err)
		}
		if title, _ := m["title"].(string); isTypeSchema(rel, title) {
			types[title] = id
		}
	}
	v := &Validator{byType: make(map[string]*jsonschema.Schema, len(types))}
	for typ, id := range types {
		if v.byType[typ], err = c.Compile(id); err != nil {
			return nil, aptgraph.WrapError(aptgraph.EINVALID, "compile STIX schema for "+typ, err)
		}
	}
	if v.sdo, err = c.Compile(sdoCore); err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "compile STIX core schema", err)
	}
	if v.sco, err = c.Compile(scoCore); err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "compile STIX observable core schema", err)
	}
	return v, nil
}

// isTypeSchema reports whether the schema file rel, titled title, describes
// a STIX object type rather than a part of one (core, timestamp, hashes …).
func isTypeSchema(rel, title string) bool {
	if title == "" {
		return false
	}
	if strings.HasPrefix(filepath.ToSlash(rel), "common/") {
		switch title {
		case "bundle", "marking-definition", "language-content", "extension-definition":
			return true
		}
		return false
	}
	return true
}

// Types returns the STIX types that have a schema of their own, sorted.
func (v *Validator) Types() []string {
	out := make([]string, 0, len(v.byType))
	for t := range v.byType {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// dirLoader loads schemas under BaseURL from a local directory and refuses
// every other URL: validation never touches the network.
type dirLoader string

func (d dirLoader) Load(url string) (any, error) {
	rel, ok := strings.CutPrefix(url, BaseURL)
	if !ok || strings.Contains(rel, "..") {
		return nil, fmt.Errorf("load schema %s: only %s* is available offline", url, BaseURL)
	}
	return readJSON(filepath.Join(string(d), filepath.FromSlash(rel)))
}

func readJSON(path string) (any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

// Object validates one STIX object, chosen by its "type": an SDO, SRO, SCO,
// marking definition, language content or bundle (as a whole). A type with
// no schema of its own (x-mitre-tactic, a custom x- object) must have the
// common properties of an SDO or, without created and modified, of an SCO.
// The error, of code EINVALID, is one line naming the object's id and the
// failing property path.
func (v *Validator) Object(raw []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return aptgraph.WrapError(aptgraph.EINVALID, "parse STIX object", err)
	}
	return v.validate(doc)
}

// Bundle validates each object of a bundle on its own. It returns how many
// passed and one error per object that did not, each naming the object's id;
// a bundle that cannot be read gives a single error.
func (v *Validator) Bundle(raw []byte) (passed int, failures []error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return 0, []error{aptgraph.WrapError(aptgraph.EINVALID, "parse STIX bundle", err)}
	}
	b, _ := doc.(map[string]any)
	if b == nil || b["type"] != "bundle" {
		return 0, []error{aptgraph.Errorf(aptgraph.EINVALID, "not a STIX bundle: type is %s", jsonText(mapGet(b, "type")))}
	}
	id, _ := b["id"].(string)
	if !bundleID.MatchString(id) {
		failures = append(failures, aptgraph.Errorf(aptgraph.EINVALID, "%s: at /id: not a bundle identifier (bundle--UUID)", jsonText(b["id"])))
	}
	objs, ok := b["objects"].([]any)
	if !ok && b["objects"] != nil {
		return 0, append(failures, aptgraph.Errorf(aptgraph.EINVALID, "%s: at /objects: got %s, want array", id, jsonText(b["objects"])))
	}
	for _, o := range objs {
		if err := v.validate(o); err != nil {
			failures = append(failures, err)
			continue
		}
		passed++
	}
	return passed, failures
}

// validate checks one decoded object.
func (v *Validator) validate(doc any) error {
	obj, ok := doc.(map[string]any)
	if !ok {
		return aptgraph.Errorf(aptgraph.EINVALID, "STIX object is %s, not an object", jsonText(doc))
	}
	id := objectName(obj)
	typ, ok := obj["type"].(string)
	if !ok {
		return aptgraph.Errorf(aptgraph.EINVALID, "%s: at /type: missing or not a string", id)
	}
	sch := v.byType[typ]
	if sch == nil {
		sch = v.sco
		if _, ok := obj["created"]; ok {
			sch = v.sdo
		} else if _, ok := obj["modified"]; ok {
			sch = v.sdo
		}
	}
	err := sch.Validate(obj)
	if err == nil {
		return nil
	}
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return aptgraph.WrapError(aptgraph.EINVALID, id+": validation failed", err)
	}
	return aptgraph.Errorf(aptgraph.EINVALID, "%s: %s", id, summary(verr))
}

// objectName names an object in a message: its id, or its type when it has none.
func objectName(obj map[string]any) string {
	if id, ok := obj["id"].(string); ok && id != "" {
		return id
	}
	if t, ok := obj["type"].(string); ok {
		return "(" + t + " without id)"
	}
	return "(object without id)"
}

var printer = message.NewPrinter(language.English)

// maxReasons caps how many failures one line lists.
const maxReasons = 6

// patternNames names the long patterns of the common schemas, so that a
// message says "not a STIX identifier" rather than quoting a regular expression.
var patternNames = map[string]string{
	`^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`: "not a STIX identifier (type--UUID)",
	`^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?Z$`:     "not a STIX timestamp (YYYY-MM-DDThh:mm:ss[.fff]Z)",
	`T\d{2}:\d{2}:\d{2}\.\d{3,}Z$`: "not a timestamp to the millisecond",
}

// describe renders one failure.
func describe(k jsonschema.ErrorKind) string {
	if p, ok := k.(*kind.Pattern); ok {
		if name, ok := patternNames[p.Want]; ok {
			return jsonText(p.Got) + " is " + name
		}
	}
	return k.LocalizedString(printer)
}

// summary renders a validation error tree as one line: the failures that
// explain it, each with the path of the property at fault.
func summary(e *jsonschema.ValidationError) string {
	var parts []string
	seen := map[string]bool{}
	for _, l := range reasons(e) {
		s := "at " + pointer(l.InstanceLocation) + ": " + describe(l.ErrorKind)
		if seen[s] {
			continue
		}
		seen[s] = true
		parts = append(parts, s)
	}
	sort.Strings(parts)
	if len(parts) > maxReasons {
		parts = append(parts[:maxReasons], fmt.Sprintf("and %d more", len(parts)-maxReasons))
	}
	return strings.Join(parts, "; ")
}

// reasons returns the leaf failures that explain e. Under a oneOf or anyOf
// only the alternative that came closest counts (the one whose failures lie
// deepest in the object, then the fewest), so that a marking definition
// that is almost a statement marking is not also blamed for not being a TLP 1.0
// marking.
func reasons(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	switch e.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		var best []*jsonschema.ValidationError
		for _, c := range e.Causes {
			r := reasons(c)
			if best == nil || closer(r, best) {
				best = r
			}
		}
		return best
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, reasons(c)...)
	}
	return out
}

// closer reports whether the failures a are a nearer miss than b.
func closer(a, b []*jsonschema.ValidationError) bool {
	da, db := depth(a), depth(b)
	if da != db {
		return da > db
	}
	return len(a) < len(b)
}

func depth(es []*jsonschema.ValidationError) int {
	d := 0
	for _, e := range es {
		d = max(d, len(e.InstanceLocation))
	}
	return d
}

// pointer renders an instance location as a JSON pointer; "/" is the object.
func pointer(loc []string) string {
	if len(loc) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, tok := range loc {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(tok))
	}
	return b.String()
}

func mapGet(m map[string]any, k string) any {
	if m == nil {
		return nil
	}
	return m[k]
}

// jsonText renders a decoded JSON value briefly for a message.
func jsonText(v any) string {
	if v == nil {
		return "missing"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}
