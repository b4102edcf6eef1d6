package storetest

import (
	"fmt"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// Report returns the batch of a typical extracted report, as the extractor
// writes one (STIX-PROFILE.md): about 70 objects and relationships, each
// with evidence. Reports with different n name the same group, sponsor and
// some of the same malware and techniques, so writing several merges them;
// the rest is n's own.
func Report(n int) *aptgraph.Batch {
	now := stix.FormatTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute))
	tlp := stix.TLPClear.MarkingID()
	title := fmt.Sprintf("Advisory %d on APT40 activity", n)
	report := &stix.Object{Type: "report", SpecVersion: stix.SpecVersion, ID: stix.NewID("report", title),
		Created: now, Modified: now, Name: title, Published: now, ReportTypes: []string{"threat-report"},
		ExternalReferences: []stix.ExternalReference{{SourceName: "advisory", URL: fmt.Sprintf("https://example.org/advisory/%d", n)}},
		ObjectMarkingRefs:  []string{tlp}, SHA256: fmt.Sprintf("%064x", n+1)}

	var text strings.Builder
	var objs []*stix.Object
	add := func(o *stix.Object, quote string) *stix.Object {
		o.SpecVersion = stix.SpecVersion
		if !stix.IsObservable(o.Type) {
			o.Created, o.Modified = now, now
		}
		o.ObjectMarkingRefs = []string{tlp}
		start := text.Len()
		text.WriteString(quote)
		text.WriteString(" ")
		o.Evidence = []stix.Evidence{{ReportRef: report.ID, Quote: quote, Start: start, End: start + len(quote)}}
		objs = append(objs, o)
		return o
	}
	rel := func(typ string, src, dst *stix.Object, quote string) *stix.Object {
		return add(&stix.Object{Type: "relationship", ID: stix.NewID("relationship", typ, src.ID, dst.ID),
			RelationshipType: typ, SourceRef: src.ID, TargetRef: dst.ID, Description: quote}, quote)
	}

	text.WriteString(title + "\n\n")
	japan := add(&stix.Object{Type: "identity", ID: stix.NewID("identity", "Government of Japan"),
		Name: "Government of Japan", IdentityClass: "organization", Sectors: []string{"government"}},
		"The Government of Japan assesses")
	jp := add(&stix.Object{Type: "location", ID: stix.NewID("location", "JP"), Name: "Japan", Country: "JP"}, "Japan")
	cn := add(&stix.Object{Type: "location", ID: stix.NewID("location", "CN"), Name: "China", Country: "CN"}, "China")
	mss := add(&stix.Object{Type: "threat-actor", ID: stix.NewID("threat-actor", "Ministry of State Security"),
		Name: "Ministry of State Security", ThreatActorTypes: []string{"nation-state"}}, "the Ministry of State Security")
	group := add(&stix.Object{Type: "intrusion-set", ID: stix.NewID("intrusion-set", "APT40"), Name: "APT40",
		Aliases: []string{"Leviathan", fmt.Sprintf("Codename %d", n)}}, "APT40, also known as Leviathan,")
	conf := 85
	claim := rel("attributed-to", group, mss, "APT40 is highly likely sponsored by the Ministry of State Security")
	claim.CreatedByRef, claim.Confidence = japan.ID, &conf
	rel("located-at", mss, cn, "the MSS of China")
	rel("located-at", japan, jp, "the Government of Japan")
	rel("originates-from", group, cn, "APT40 operates from China")
	rel("targets", group, jp, "targeted organisations in Japan")

	for i, name := range []string{"ScanBox", "BADFLICK", "PHOTO", fmt.Sprintf("Dropper-%d", n), fmt.Sprintf("Loader-%d", n)} {
		typ := "malware"
		if i == 0 {
			typ = "tool"
		}
		m := add(&stix.Object{Type: typ, ID: stix.NewID(typ, name), Name: name, IsFamily: new(true)}, "used "+name)
		if typ == "tool" {
			m.IsFamily = nil
		}
		rel("uses", group, m, "APT40 used "+name)
	}
	for i := range 10 {
		id := fmt.Sprintf("T%04d", 1566+i+(n%3)*10)
		ap := add(&stix.Object{Type: "attack-pattern", ID: stix.NewID("attack-pattern", id), Name: "Technique " + id,
			ExternalReferences: []stix.ExternalReference{{SourceName: "mitre-attack", ExternalID: id}}}, "technique "+id)
		rel("uses", group, ap, "APT40 used technique "+id)
	}
	for i := range 3 {
		name := fmt.Sprintf("Victim %d-%d", n, i)
		v := add(&stix.Object{Type: "identity", ID: stix.NewID("identity", name), Name: name,
			IdentityClass: "organization", Sectors: []string{"aerospace"}}, name+" was breached")
		rel("targets", group, v, "APT40 targeted "+name)
	}
	for i := range 8 {
		ip := fmt.Sprintf("198.51.%d.%d", n%256, i+1)
		sco := add(&stix.Object{Type: "ipv4-addr", ID: stix.ObservableID("ipv4-addr", map[string]any{"value": ip}), Value: ip},
			"C2 at "+ip)
		ind := add(&stix.Object{Type: "indicator", ID: stix.NewID("indicator", ip), Name: ip,
			Pattern: "[ipv4-addr:value = '" + ip + "']", PatternType: "stix", ValidFrom: now,
			IndicatorTypes: []string{"malicious-activity"}}, "indicator "+ip)
		rel("based-on", ind, sco, "the indicator is based on "+ip)
		rel("indicates", ind, group, ip+" indicates APT40")
	}

	for _, o := range objs {
		report.ObjectRefs = append(report.ObjectRefs, o.ID)
	}
	text.WriteString("\nThe maritime industry and defence contractors were targeted.\n")
	return &aptgraph.Batch{Report: report, Text: text.String(), Objects: append([]*stix.Object{report}, objs...), Merge: true}
}

// Bulk returns a batch of n objects as an import writes them (Merge false):
// intrusion sets, malware and the relationships between them, all new.
func Bulk(n int, seed string) *aptgraph.Batch {
	now := stix.FormatTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	b := &aptgraph.Batch{Objects: make([]*stix.Object, 0, n)}
	var prev []string
	for i := range n {
		var o *stix.Object
		switch {
		case i%5 == 4 && len(prev) >= 2:
			src, dst := prev[len(prev)-1], prev[len(prev)-2]
			o = &stix.Object{Type: "relationship", ID: stix.NewID("relationship", seed, fmt.Sprint(i)),
				RelationshipType: "uses", SourceRef: src, TargetRef: dst,
				Description: fmt.Sprintf("Object %d uses object %d in campaign %s", i-1, i-2, seed)}
		case i%2 == 0:
			name := fmt.Sprintf("Group %s-%d", seed, i)
			o = &stix.Object{Type: "intrusion-set", ID: stix.NewID("intrusion-set", name), Name: name,
				Aliases: []string{"Alias " + name}, Description: "A group that targets sector " + fmt.Sprint(i%17)}
		default:
			name := fmt.Sprintf("Malware %s-%d", seed, i)
			o = &stix.Object{Type: "malware", ID: stix.NewID("malware", name), Name: name, IsFamily: new(true),
				Description: "A backdoor written in language " + fmt.Sprint(i%7)}
		}
		o.SpecVersion, o.Created, o.Modified = stix.SpecVersion, now, now
		o.ExternalReferences = []stix.ExternalReference{{SourceName: "example", ExternalID: fmt.Sprintf("X%d", i)}}
		if o.Type != "relationship" {
			prev = append(prev, o.ID)
		}
		b.Objects = append(b.Objects, o)
	}
	return b
}
