package kb

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// maxAttackBytes is MaxAttackBytes, lowered by tests.
var maxAttackBytes int64 = MaxAttackBytes

// AttackBundle is an ATT&CK release (enterprise, mobile or ICS) as read by
// ReadAttack.
type AttackBundle struct {
	ID      string         // the bundle id
	Name    string         // the collection name, e.g. "Enterprise ATT&CK"
	Version string         // the collection's x_mitre_version, e.g. "18.1"
	Objects []*stix.Object // every object, in file order
	// History holds the id of every revoked or deprecated object, mapped to
	// the id of the object that revoked it, or to "" when it is deprecated.
	// Such objects are kept in Objects as history but give no live facts.
	History map[string]string
	// Facts are the facts the bundle gives on its own: groups (keyed by
	// ATT&CK id), software, techniques, and the ids it retires.
	Facts *Facts
}

// ReadAttack reads an ATT&CK STIX 2.1 bundle, plain or gzip-compressed,
// streaming it object by object. Errors are *aptgraph.Error: EINVALID for a
// file that is not an ATT&CK bundle (a MISP galaxy file, a PDF, a STIX bundle
// without ATT&CK objects) or is truncated or malformed; ETOOLARGE past
// MaxAttackBytes, MaxAttackObjects or MaxNames.
func ReadAttack(r io.Reader) (*AttackBundle, error) {
	src, err := maybeGunzip(r)
	if err != nil {
		return nil, malformed("ATT&CK bundle", err)
	}
	if _, ok := src.(*gzip.Reader); ok {
		// Inflate on another goroutine, beside the JSON work.
		pr, pw := io.Pipe()
		go func(zr io.Reader) {
			_, err := io.CopyBuffer(pw, zr, make([]byte, 256<<10))
			pw.CloseWithError(err)
		}(src)
		defer pr.Close()
		src = pr
	}
	br := bufio.NewReaderSize(&limitReader{r: src, n: maxAttackBytes}, 64<<10)
	first, err := firstByte(br)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, attackReadError(err, 0)
	}
	if first != '{' {
		head, _ := br.Peek(8)
		return nil, notAttack(sniff(head))
	}
	dec := json.NewDecoder(br)
	b := &AttackBundle{History: map[string]string{}}
	if _, err := dec.Token(); err != nil {
		return nil, attackReadError(err, 0)
	}
	var typ string
	sawObjects := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, attackReadError(err, len(b.Objects))
		}
		key, _ := t.(string)
		switch key {
		case "type":
			if err := dec.Decode(&typ); err != nil {
				return nil, attackReadError(err, len(b.Objects))
			}
			if knownGalaxy(typ) {
				return nil, notAttack("it is a MISP galaxy cluster file (import it as misp-galaxy)")
			}
			if typ != "bundle" {
				return nil, notAttack(fmt.Sprintf("its type is %q", clip(typ)))
			}
		case "id":
			if err := dec.Decode(&b.ID); err != nil {
				return nil, attackReadError(err, len(b.Objects))
			}
		case "values":
			return nil, notAttack("it is a MISP galaxy cluster file (import it as misp-galaxy)")
		case "objects":
			sawObjects = true
			if err := readObjects(dec, b); err != nil {
				return nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, attackReadError(err, len(b.Objects))
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, attackReadError(err, len(b.Objects))
	}
	if typ != "bundle" || !sawObjects {
		return nil, notAttack("it has no STIX bundle type and objects")
	}
	if !hasAttackObjects(b.Objects) {
		return nil, notAttack("a STIX bundle without ATT&CK objects")
	}
	for _, o := range b.Objects {
		switch {
		case o.Type == "x-mitre-collection":
			b.Name = o.Name
			b.Version = extraString(o, "x_mitre_version")
		case o.Revoked, extraBool(o, "x_mitre_deprecated"):
			b.History[o.ID] = ""
		}
	}
	for _, o := range b.Objects {
		if o.Type == "relationship" && o.RelationshipType == "revoked-by" && !o.Revoked && !extraBool(o, "x_mitre_deprecated") {
			b.History[o.SourceRef] = o.TargetRef
		}
	}
	b.Facts = Build(Sources{Attack: []*AttackBundle{b}})
	return b, nil
}

// objectBatch is a run of raw bundle objects, and the error that ended the
// read if one did.
type objectBatch struct {
	raws []json.RawMessage
	err  error
}

// readObjects reads the objects array. One goroutine has the Decoder cut
// the stream into objects while this one splits them into fields, so that
// the two halves of the work run side by side.
func readObjects(dec *json.Decoder, b *AttackBundle) error {
	t, err := dec.Token()
	if err != nil {
		return attackReadError(err, len(b.Objects))
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return notAttack("its objects are not a list")
	}
	batches := make(chan objectBatch, 8)
	done := make(chan struct{})
	go cutObjects(dec, batches, done)
	defer func() {
		close(done)
		for range batches { // wait for cutObjects to let go of dec
		}
	}()
	for bt := range batches {
		for _, raw := range bt.raws {
			o := new(stix.Object)
			if err := splitObject(raw, o); err != nil {
				return attackReadError(err, len(b.Objects))
			}
			if err := checkNames(o); err != nil {
				return err
			}
			b.Objects = append(b.Objects, o)
		}
		if bt.err != nil {
			return bt.err
		}
	}
	return nil
}

// cutObjects sends the objects of the array dec is in, in batches, until
// the array ends, an error, or done.
func cutObjects(dec *json.Decoder, batches chan<- objectBatch, done <-chan struct{}) {
	defer close(batches)
	const size = 256
	n := 0
	cur := make([]json.RawMessage, 0, size)
	send := func(bt objectBatch) bool {
		select {
		case batches <- bt:
			return true
		case <-done:
			return false
		}
	}
	for dec.More() {
		if n >= MaxAttackObjects {
			send(objectBatch{raws: cur, err: aptgraph.Errorf(aptgraph.ETOOLARGE, "ATT&CK bundle has over %d objects", MaxAttackObjects)})
			return
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			send(objectBatch{raws: cur, err: attackReadError(err, n)})
			return
		}
		n++
		if cur = append(cur, raw); len(cur) == size {
			if !send(objectBatch{raws: cur}) {
				return
			}
			cur = make([]json.RawMessage, 0, size)
		}
	}
	if _, err := dec.Token(); err != nil {
		send(objectBatch{raws: cur, err: attackReadError(err, n)})
		return
	}
	send(objectBatch{raws: cur})
}

// objectFields maps each JSON property that stix.Object types to the index
// of its field, read from the struct tags so that it follows the stix
// package as it changes.
var objectFields = func() map[string]int {
	m := map[string]int{}
	t := reflect.TypeOf(stix.Object{})
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		m[name] = i
	}
	return m
}()

var errNotObject = errors.New("bundle object is not a JSON object")

// stringField marks the objectFields that are plain strings.
var stringField = func() map[int]bool {
	m := map[int]bool{}
	t := reflect.TypeOf(stix.Object{})
	for _, i := range objectFields {
		if t.Field(i).Type.Kind() == reflect.String {
			m[i] = true
		}
	}
	return m
}()

// splitObject fills o from raw, the bytes of one JSON value that a Decoder
// has already checked to be well-formed: each property that stix.Object
// types is decoded straight into its field and every other one is kept
// verbatim in Extra, as stix.Object.UnmarshalJSON does, but in one pass over
// the bytes instead of three. (Reading property by property through
// Decoder.Token would cost more still: the Decoder builds and drops an error
// value after every string it reads.)
func splitObject(raw []byte, o *stix.Object) error {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return errNotObject
	}
	v := reflect.ValueOf(o).Elem()
	i = skipSpace(raw, i+1)
	for i < len(raw) && raw[i] != '}' {
		kEnd := stringEnd(raw, i)
		key, err := unquote(raw[i:kEnd])
		if err != nil {
			return err
		}
		i = skipSpace(raw, kEnd)
		i = skipSpace(raw, i+1) // the colon
		vEnd := valueEnd(raw, i)
		val := raw[i:vEnd:vEnd]
		if f, ok := objectFields[key]; ok {
			if stringField[f] && len(val) > 0 && val[0] == '"' {
				s, err := unquote(val)
				if err != nil {
					return err
				}
				v.Field(f).SetString(s)
			} else if err := json.Unmarshal(val, v.Field(f).Addr().Interface()); err != nil {
				return err
			}
		} else {
			if o.Extra == nil {
				o.Extra = make(map[string]json.RawMessage, 8)
			}
			o.Extra[key] = json.RawMessage(val)
		}
		i = skipSpace(raw, vEnd)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the string starting at b[i].
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// valueEnd returns the index just past the value starting at b[i].
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = stringEnd(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(b)
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
	}
	return i
}

// unquote returns the string a JSON string literal stands for.
func unquote(lit []byte) (string, error) {
	if len(lit) >= 2 && lit[0] == '"' && lit[len(lit)-1] == '"' {
		plain := true
		for _, c := range lit[1 : len(lit)-1] {
			if c == '\\' || c < 0x20 || c >= 0x80 {
				plain = false
				break
			}
		}
		if plain {
			return string(lit[1 : len(lit)-1]), nil
		}
	}
	var s string
	err := json.Unmarshal(lit, &s)
	return s, err
}

func checkNames(o *stix.Object) error {
	aliases := o.Aliases
	if raw, ok := o.Extra["x_mitre_aliases"]; ok {
		var more []string
		_ = json.Unmarshal(raw, &more)
		aliases = append(aliases[:len(aliases):len(aliases)], more...)
	}
	if len(aliases) > MaxNames {
		return aptgraph.Errorf(aptgraph.ETOOLARGE, "ATT&CK object %s gives %d names, over the limit of %d", clip(o.ID), len(aliases), MaxNames)
	}
	for _, a := range append(aliases, o.Name) {
		if len(a) > MaxNameLen {
			return aptgraph.Errorf(aptgraph.EINVALID, "ATT&CK object %s: a name is over %d bytes", clip(o.ID), MaxNameLen)
		}
	}
	return nil
}

func hasAttackObjects(objs []*stix.Object) bool {
	for _, o := range objs {
		if strings.HasPrefix(o.Type, "x-mitre-") || attackID(o) != "" {
			return true
		}
	}
	return false
}

func notAttack(why string) error {
	return aptgraph.Errorf(aptgraph.EINVALID, "not an ATT&CK STIX bundle: %s", why)
}

func attackReadError(err error, n int) error {
	var ae *aptgraph.Error
	switch {
	case errors.As(err, &ae):
		return err
	case errors.Is(err, errTooLarge):
		return aptgraph.Errorf(aptgraph.ETOOLARGE, "ATT&CK bundle is over the limit of %d MiB", maxAttackBytes>>20)
	case errors.Is(err, errNotObject):
		return aptgraph.WrapError(aptgraph.EINVALID, fmt.Sprintf("truncated or malformed ATT&CK bundle: object %d is not a JSON object", n+1), err)
	}
	return aptgraph.WrapError(aptgraph.EINVALID, fmt.Sprintf("truncated or malformed ATT&CK bundle: %s after %d objects", describe(err), n), err)
}

// firstByte returns the first byte that is not white space or a BOM,
// leaving it unread.
func firstByte(br *bufio.Reader) (byte, error) {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case 0xef: // UTF-8 byte order mark
			if b, _ := br.Peek(2); len(b) == 2 && b[0] == 0xbb && b[1] == 0xbf {
				_, _ = br.Discard(2)
				continue
			}
		}
		return c, br.UnreadByte()
	}
}

// attackSources are the external_references source names ATT&CK ids come under.
var attackSources = []string{"mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"}

// attackID returns an object's ATT&CK id (G0007, S0154, T1566.001), or "".
func attackID(o *stix.Object) string {
	for _, s := range attackSources {
		if id := o.ExternalID(s); id != "" {
			return id
		}
	}
	return ""
}

func extraString(o *stix.Object, key string) string {
	var s string
	if raw, ok := o.Extra[key]; ok {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

func extraBool(o *stix.Object, key string) bool {
	raw, ok := o.Extra[key]
	return ok && string(raw) == "true"
}

func extraStrings(o *stix.Object, key string) []string {
	var l []string
	if raw, ok := o.Extra[key]; ok {
		_ = json.Unmarshal(raw, &l)
	}
	return l
}
