package kb

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"

	"github.com/aptgraph/aptgraph"
)

func TestReadGalaxyFiles(t *testing.T) {
	tests := []struct {
		file, typ string
		values    int
	}{
		{"threat-actor.json", GalaxyThreatActor, 1041},
		{"microsoft-activity-group.json", GalaxyMicrosoft, 179},
		{"360net.json", Galaxy360net, 42},
		{"mitre-intrusion-set.json", GalaxyMitre, 191},
		{"sector.json", GalaxySector, 118},
		{"country.json", GalaxyCountry, 252},
		{"malpedia.json", GalaxyMalpedia, 3683},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			g, err := ReadGalaxy(bytes.NewReader(readShared(t, "data", "misp-galaxy", "clusters", tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if g.Type != tt.typ || len(g.Clusters) != tt.values {
				t.Errorf("type %q with %d values, want %q with %d", g.Type, len(g.Clusters), tt.typ, tt.values)
			}
		})
	}
}

func TestReadGalaxyThreatActorMeta(t *testing.T) {
	g, err := ReadGalaxy(bytes.NewReader(readShared(t, "data", "misp-galaxy", "clusters", "threat-actor.json")))
	if err != nil {
		t.Fatal(err)
	}
	var apt40 *Cluster
	for i := range g.Clusters {
		if g.Clusters[i].Value == "APT40" {
			apt40 = &g.Clusters[i]
		}
	}
	if apt40 == nil {
		t.Fatal("no APT40 cluster")
	}
	if apt40.Country != "CN" || !contains(apt40.Synonyms, "Leviathan") {
		t.Errorf("APT40: country %q, synonyms %v", apt40.Country, apt40.Synonyms)
	}
	found := false
	for _, o := range apt40.Origins {
		found = found || (o == Attribution{Name: "BRONZE MOHAWK", Vendor: "Secureworks"})
	}
	if !found {
		t.Errorf("APT40 origins %v lack BRONZE MOHAWK by Secureworks", apt40.Origins)
	}
	if len(apt40.Attributions) == 0 || !validUUID(apt40.Attributions[0].Vendor) {
		t.Errorf("APT40 attributions %v", apt40.Attributions)
	}
}

// galaxyJSON returns a small galaxy file with the given values.
func galaxyJSON(typ string, values ...string) []byte {
	return []byte(fmt.Sprintf(`{"type":%q,"name":"t","uuid":"7cdff317-a673-4474-84ec-4f1754947823","version":1,"values":[%s]}`,
		typ, strings.Join(values, ",")))
}

func value(uuid, name string, synonyms ...string) string {
	q := make([]string, len(synonyms))
	for i, s := range synonyms {
		q[i] = fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf(`{"uuid":%q,"value":%q,"meta":{"synonyms":[%s]}}`, uuid, name, strings.Join(q, ","))
}

func TestReadGalaxyBadInput(t *testing.T) {
	ta := readShared(t, "data", "misp-galaxy", "clusters", "threat-actor.json")
	ics := readShared(t, "data", "attack", "ics-attack-18.1.json")
	const u1 = "11111111-1111-4111-8111-111111111111"
	many := make([]string, MaxGalaxyValues+1)
	for i := range many {
		many[i] = fmt.Sprintf(`{"uuid":"%08x-0000-4000-8000-000000000000","value":"v%d"}`, i, i)
	}
	synonyms := make([]string, MaxNames+1)
	for i := range synonyms {
		synonyms[i] = fmt.Sprintf("name %d", i)
	}
	tests := []struct {
		name string
		in   []byte
		code string
		msg  string
	}{
		{"truncated", ta[:len(ta)/2], aptgraph.EINVALID, "truncated or malformed MISP galaxy cluster file: unexpected end of data"},
		{"syntax error", []byte(`{"type":"threat-actor","values":[{"uuid":]}`), aptgraph.EINVALID, "truncated or malformed MISP galaxy cluster file: JSON syntax error"},
		{"ATT&CK bundle", ics, aptgraph.EINVALID, "not a MISP galaxy cluster file: it is a STIX bundle"},
		{"PDF", []byte("%PDF-1.5\n"), aptgraph.EINVALID, "not a MISP galaxy cluster file: it is a PDF document"},
		{"galaxy definition", []byte(`{"type":"threat-actor","name":"Threat Actor","uuid":"698774c7-8022-42c4-917f-8d6e4f06ada3"}`), aptgraph.EINVALID, "not a MISP galaxy cluster file: no type and values"},
		{"values not a list", []byte(`{"type":"threat-actor","values":{}}`), aptgraph.EINVALID, "not a MISP galaxy cluster file: field values has the wrong type"},
		{"duplicate uuid", galaxyJSON("threat-actor", value(u1, "A"), value(u1, "B")), aptgraph.EINVALID, "repeats uuid " + u1},
		{"duplicate uuid, other case", galaxyJSON("threat-actor", value(u1, "A"), value(strings.ToUpper(u1), "B")), aptgraph.EINVALID, "repeats uuid " + u1},
		{"bad uuid", galaxyJSON("threat-actor", value("nope", "A")), aptgraph.EINVALID, "has no valid uuid"},
		{"no value", galaxyJSON("threat-actor", value(u1, "")), aptgraph.EINVALID, "has no value"},
		{"unsupported type", galaxyJSON("ransomware", value(u1, "A")), aptgraph.EUNSUPPORTED, `MISP galaxy type "ransomware" is not supported`},
		{"huge values list", galaxyJSON("malpedia", many...), aptgraph.ETOOLARGE, fmt.Sprintf("over the limit of %d", MaxGalaxyValues)},
		{"huge name list", galaxyJSON("threat-actor", value(u1, "A", synonyms...)), aptgraph.ETOOLARGE, fmt.Sprintf("gives %d names, over the limit of %d", MaxNames+1, MaxNames)},
		{"name too long", galaxyJSON("threat-actor", value(u1, "A", strings.Repeat("n", MaxNameLen+1))), aptgraph.EINVALID, "a synonym is over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadGalaxy(bytes.NewReader(tt.in))
			if err == nil {
				t.Fatal("ReadGalaxy succeeded, want an error")
			}
			if code := aptgraph.ErrorCode(err); code != tt.code {
				t.Errorf("code %q, want %q (%v)", code, tt.code, err)
			}
			if msg := aptgraph.ErrorMessage(err); !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q, want it to contain %q", msg, tt.msg)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("error %q is not one line", err)
			}
		})
	}
}

func TestReadGalaxyGzipAndOddMeta(t *testing.T) {
	in := galaxyJSON("threat-actor",
		`{"uuid":"11111111-1111-4111-8111-111111111111","value":"Alpha","meta":{"synonyms":"Beta","country":["DE"],"name-attribution":["Gamma:d0c33595-b684-45ef-91c3-e2f5ce1a8191","bad"],"origin:Delta (Acme)":"Acme"}}`)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(in)
	_ = zw.Close()
	g, err := ReadGalaxy(&buf)
	if err != nil {
		t.Fatal(err)
	}
	c := g.Clusters[0]
	if len(c.Synonyms) != 1 || c.Synonyms[0] != "Beta" || c.Country != "DE" {
		t.Errorf("synonyms %v country %q", c.Synonyms, c.Country)
	}
	if len(c.Attributions) != 2 || c.Attributions[0] != (Attribution{"Gamma", "d0c33595-b684-45ef-91c3-e2f5ce1a8191"}) {
		t.Errorf("attributions %v", c.Attributions)
	}
	if len(c.Origins) != 1 || c.Origins[0] != (Attribution{"Delta", "Acme"}) {
		t.Errorf("origins %v", c.Origins)
	}
	x := NewIndex(g.Facts())
	if a := x.Resolve("gamma"); len(a) != 1 || a[0].Alias.Coiner != "Microsoft" {
		t.Errorf("Resolve(gamma) = %+v, want one alias coined by Microsoft", a)
	}
	if a := x.Resolve("delta"); len(a) != 1 || a[0].Alias.Coiner != "Acme" {
		t.Errorf("Resolve(delta) = %+v, want one alias coined by Acme", a)
	}
}

func FuzzReadGalaxy(f *testing.F) {
	f.Add(galaxyJSON("threat-actor", value("11111111-1111-4111-8111-111111111111", "A", "B")))
	f.Add(galaxyJSON("360net-threat-actor", value("11111111-1111-4111-8111-111111111111", "毒云藤 - APT-C-01", "X, Y", "Z（W）")))
	f.Add([]byte(`{"type":"bundle","objects":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ReadGalaxy(bytes.NewReader(data))
		if err != nil {
			switch aptgraph.ErrorCode(err) {
			case aptgraph.EINVALID, aptgraph.ETOOLARGE, aptgraph.EUNSUPPORTED:
			default:
				t.Fatalf("error %v has code %s", err, aptgraph.ErrorCode(err))
			}
			return
		}
		NewIndex(g.Facts())
	})
}
