package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/extract"
	"github.com/aptgraph/aptgraph/source"
	"github.com/aptgraph/aptgraph/stix"
)

// docFlags are the flags that describe the document being read.
type docFlags struct {
	title, url, published, tlp string
}

func (d *docFlags) register(fs interface {
	StringVar(*string, string, string, string)
}) {
	fs.StringVar(&d.title, "title", "", "the report's title (default: from the document)")
	fs.StringVar(&d.url, "url", "", "the report's URL (default: from the document)")
	fs.StringVar(&d.published, "published", "", "the report's date, e.g. 2021-07-20 (default: from the document, else now)")
	fs.StringVar(&d.tlp, "tlp", "clear", "TLP 2.0 marking for every object: clear, green, amber, amber+strict, red")
}

// options checks the flags and returns extraction options.
func (d *docFlags) options() (extract.Options, time.Time, error) {
	var opt extract.Options
	t, ok := stix.ParseTLP(d.tlp)
	if !ok {
		return opt, time.Time{}, aptgraph.Errorf(aptgraph.EINVALID, "unknown TLP level %q (want clear, green, amber, amber+strict or red)", d.tlp)
	}
	opt.TLP = t
	var pub time.Time
	if d.published != "" {
		p, err := parseDateFlag(d.published)
		if err != nil {
			return opt, time.Time{}, aptgraph.Errorf(aptgraph.EINVALID, "cannot read --published %q as a date", d.published)
		}
		pub = p
	}
	return opt, pub, nil
}

// read opens one document and applies the flags over its own metadata.
func (d *docFlags) read(ctx context.Context, e *env, name string, pub time.Time) (*aptgraph.Document, error) {
	var doc *aptgraph.Document
	var err error
	if name == "-" {
		doc, err = source.Read(ctx, e.stdin, "", source.Options{})
	} else {
		doc, err = source.Open(ctx, name, source.Options{})
	}
	if err != nil {
		return nil, err
	}
	if d.title != "" {
		doc.Title = d.title
	}
	if d.url != "" {
		doc.URL = d.url
	}
	if !pub.IsZero() {
		doc.Published = pub
	}
	return doc, nil
}

func runExtract(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "extract", "[flags] FILE|URL|-", "Read one report (text, HTML, PDF, a URL, or - for standard input) and print its\nintelligence as one STIX 2.1 bundle. Writes nothing to the store.")
	var d docFlags
	d.register(fs)
	format := fs.String("format", "json", "output: json (a STIX 2.1 bundle) or summary (a readable digest)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "aptgraph extract: give exactly one FILE, URL or -")
		return errUsage
	}
	if *format != "json" && *format != "summary" {
		return aptgraph.Errorf(aptgraph.EINVALID, "unknown --format %q (want json or summary)", *format)
	}
	opt, pub, err := d.options()
	if err != nil {
		return err
	}
	doc, err := d.read(ctx, e, pos[0], pub)
	if err != nil {
		return err
	}
	res, err := extract.Default().Extract(doc, opt)
	if err != nil {
		return err
	}
	if *format == "summary" {
		return writeSummary(e.stdout, res.Bundle)
	}
	return writeJSON(e.stdout, res.Bundle)
}

// writeSummary prints a readable digest of a bundle.
func writeSummary(w io.Writer, b *stix.Bundle) error {
	byID := map[string]*stix.Object{}
	for _, o := range b.Objects {
		byID[o.ID] = o
	}
	name := func(id string) string {
		if o := byID[id]; o != nil {
			if o.Name != "" {
				return o.Name
			}
			return o.Value
		}
		return id
	}
	var rep *stix.Object
	var groups, victims, sectors, people, software, techniques, iocs, countries []string
	var claims []string
	for _, o := range b.Objects {
		switch o.Type {
		case "report":
			rep = o
		case "intrusion-set":
			s := o.Name
			if len(o.Aliases) > 0 {
				al := o.Aliases
				if len(al) > 6 {
					al = append(al[:6:6], fmt.Sprintf("+%d more", len(o.Aliases)-6))
				}
				s += " (also " + strings.Join(al, ", ") + ")"
			}
			if o.FirstSeen != "" {
				s += ", active since " + o.FirstSeen[:4]
			}
			groups = append(groups, s)
		case "identity":
			if o.IdentityClass == "individual" {
				people = append(people, o.Name)
			}
		case "malware", "tool":
			software = append(software, o.Name+" ("+o.Type+")")
		case "attack-pattern":
			techniques = append(techniques, o.ExternalID("mitre-attack")+" "+o.Name)
		case "ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr":
			iocs = append(iocs, o.Type+": "+o.Value)
		case "file":
			for alg, h := range o.Hashes {
				iocs = append(iocs, alg+": "+h)
			}
		case "vulnerability":
			iocs = append(iocs, "vulnerability: "+o.Name)
		case "relationship":
			switch o.RelationshipType {
			case "attributed-to":
				if stix.IDType(o.SourceRef) != "intrusion-set" {
					continue
				}
				s := fmt.Sprintf("%s: %s -> %s", name(o.CreatedByRef), name(o.SourceRef), name(o.TargetRef))
				if o.Confidence != nil {
					s += fmt.Sprintf(", confidence %d", *o.Confidence)
				}
				if o.Hedge != "" {
					s += ", hedged: " + o.Hedge
				}
				claims = append(claims, s)
			case "targets":
				t := byID[o.TargetRef]
				if t == nil {
					continue
				}
				switch {
				case t.Type == "location":
					countries = append(countries, t.Name)
				case t.IdentityClass == "class":
					sectors = append(sectors, t.Name)
				default:
					v := t.Name
					if len(t.Sectors) > 0 {
						v += " (" + strings.Join(t.Sectors, ", ") + ")"
					}
					victims = append(victims, v)
				}
			}
		}
	}
	if rep != nil {
		fmt.Fprintf(w, "Report: %s\nPublished: %s\n", rep.Name, rep.Published)
	}
	// Each item once: several groups may hit one country.
	section := func(title string, items []string) {
		sort.Strings(items)
		items = slices.Compact(items)
		fmt.Fprintf(w, "\n%s (%d)\n", title, len(items))
		for _, it := range items {
			fmt.Fprintf(w, "  - %s\n", it)
		}
	}
	section("Groups", groups)
	section("Claims (claimant: group -> sponsor)", claims)
	section("Victim organisations", victims)
	section("Victim countries", countries)
	section("Sectors", sectors)
	section("People", people)
	section("Malware and tools", software)
	section("Techniques", techniques)
	section("Indicators", iocs)
	return nil
}

// parseDateFlag reads a date given on the command line.
func parseDateFlag(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("parse date %q", s)
}
