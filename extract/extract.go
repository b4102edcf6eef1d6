// Package extract reads the intelligence in a report about state-sponsored
// hacking and writes it as a STIX 2.1 bundle laid out as aptgraph's STIX
// profile says: groups and their aliases, sponsors, who claims what and how
// sure they are, victims, sectors, people, malware, techniques, time ranges
// and indicators, each with the quote that supports it.
//
// It works from reference knowledge (package kb), dictionaries and rules; it
// uses no network and no statistical model.
package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unsafe"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/kb"
	"github.com/aptgraph/aptgraph/stix"
)

// Extractor turns documents into STIX bundles. It is safe for concurrent use.
type Extractor struct {
	facts      *kb.Facts
	dict       *dictionary
	groupNames map[string][]int // normalised name -> indices in facts.Groups
	patIndex   map[string]int   // lower-case pattern -> index in dict.entries
	techIndex  map[string]int   // ATT&CK id -> index in facts.Techniques
	// techRefs are each technique's STIX id and ATT&CK page, made once:
	// most reports name techniques, and the same ones.
	techRefs []techRef
}

type techRef struct{ id, url string }

// Options adjust one extraction.
type Options struct {
	// TLP marks every object; TLP:CLEAR when zero.
	TLP stix.TLP
	// Now stands in for the document's date when it has none; time.Now when zero.
	Now time.Time
}

// Result is what one document yields.
type Result struct {
	Report *stix.Object
	Bundle *stix.Bundle
	// Text is the normalised text that evidence offsets point into.
	Text string
}

// New returns an Extractor over the given reference facts.
func New(f *kb.Facts) *Extractor {
	f = withRemoteTools(f)
	x := &Extractor{facts: f, groupNames: map[string][]int{}, patIndex: map[string]int{}}
	for i := range f.Groups {
		g := &f.Groups[i]
		seen := map[string]bool{}
		for _, n := range append([]string{g.Name}, aliasNames(g)...) {
			k := normName(n)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			x.groupNames[k] = append(x.groupNames[k], i)
		}
	}
	x.techIndex = map[string]int{}
	x.techRefs = make([]techRef, len(f.Techniques))
	for i, t := range f.Techniques {
		x.techIndex[t.ID] = i
		x.techRefs[i] = techRef{stix.NewID("attack-pattern", t.ID), "https://attack.mitre.org/techniques/" + strings.ReplaceAll(t.ID, ".", "/") + "/"}
	}
	x.dict = buildDictionary(f, weakWords())
	for i, p := range x.dict.m.patterns {
		x.patIndex[p] = i
	}
	return x
}

var (
	defaultOnce sync.Once
	defaultX    *Extractor
)

// Default returns an Extractor over the embedded reference facts, built once.
func Default() *Extractor {
	defaultOnce.Do(func() { defaultX = New(kb.Embedded()) })
	return defaultX
}

// lookupGroup returns the groups a name (as written anywhere) belongs to.
func (x *Extractor) lookupGroup(name string) []int {
	return x.groupNames[normName(name)]
}

// entriesAt returns the dictionary entries of a matched surface form.
func (x *Extractor) entriesAt(surface string) []entry {
	if i, ok := getFold(x.patIndex, surface); ok {
		return x.dict.entries[i]
	}
	return nil
}

// publisherName names the source of a document: the vendor its URL belongs
// to, else the vendor the text names most, else the URL's host.
func (x *Extractor) publisherName(doc *aptgraph.Document, vendor string) string {
	if doc == nil {
		return unknownSource
	}
	host := ""
	if u, err := url.Parse(doc.URL); err == nil && u.Host != "" {
		host = strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
		label := strings.Split(host, ".")[0]
		for _, b := range bodies {
			for _, f := range append([]string{b.Name}, b.Forms...) {
				if strings.EqualFold(strings.ReplaceAll(f, " ", ""), label) {
					return b.Name
				}
			}
		}
	}
	if vendor != "" {
		return vendor
	}
	if host != "" {
		return host
	}
	return unknownSource
}

// unknownSource is the publisher of a text that names none.
const unknownSource = "Unknown source"

// Extract reads one document. It returns EINVALID when the document holds
// no text.
func (x *Extractor) Extract(doc *aptgraph.Document, opt Options) (*Result, error) {
	text := Normalize(doc.Text)
	if strings.TrimSpace(text) == "" {
		return nil, aptgraph.Errorf(aptgraph.EINVALID, "document has no text")
	}
	a := &analysis{x: x, text: text, docRef: doc, lastTargetSent: -2}
	a.run()
	return a.assemble(doc, opt), nil
}

// doc returns the document being read.
func (a *analysis) doc() *aptgraph.Document { return a.docRef }

// vendorFallback: when the document's URL names no vendor, the vendor the text
// names most stands in as its publisher ("Microsoft has uncovered ...").
func (a *analysis) vendorFallback() {
	// A team in the dateline that names no vendor ("Threat Research Center
	// | 5 March 2025") wrote the text: a vendor it mentions
	// ("Cloudflare's content delivery network") did not.
	team, bar := bylineTeam(a.text)
	if bar && !a.namesVendor(team) {
		a.vendor = team
		return
	}
	count := map[int32]int{}
	first := map[int32]int{}
	// A text told in the first person is a vendor's own; otherwise only a
	// vendor that speaks of its own research ("Microsoft has uncovered")
	// wrote it: a news story that names Fortinet's appliances is not
	// Fortinet's.
	// Both read the whole text, so only once a vendor is named.
	own := sync.OnceValue(func() bool { return firstPerson(a.lower) })
	// A text that names things in the first person ("we track it as X") is
	// written by someone; a vendor it says names them otherwise ("Mandiant
	// tracks it as Y") is another.
	ownNames := sync.OnceValue(func() bool { return namesOwn(a.lower) })
	for _, m := range a.ents {
		if m.kind != kBody || !bodies[m.ref].Vendor {
			continue
		}
		// The lower-case words around the name.
		before := a.lowerOf(Span{max(0, m.Start-14), m.Start})
		after := a.lowerOf(Span{m.End, min(len(a.text), m.End+30)})
		if otherNaming(before, after) && ownNames() {
			continue
		}
		if !productAfter(a.text, m.End) && (researchAfter(after) || own()) {
			if _, ok := first[m.ref]; !ok {
				first[m.ref] = m.Start
			}
			count[m.ref]++
		}
	}
	best, bestN := int32(-1), 0
	for r, n := range count {
		if n > bestN || n == bestN && first[r] < first[best] {
			best, bestN = r, n
		}
	}
	if best >= 0 {
		a.vendor = bodies[best].Name
		return
	}
	// A vendor's blog that names no known vendor is signed by its team:
	// "Posted by Threat Labs on 31 October", "Threat Research | 9 May".
	// A team in a dateline that holds a vendor's name ("Trend Micro
	// Research | 25 November 2024") signs the text even when it never says
	// "we" and the count above found no vendor speaking of its research.
	if team != "" && (bar || own()) {
		a.vendor = team
	}
}

// namesVendor reports whether name, a team in the text's byline, holds the
// name of a known vendor ("Microsoft Threat Intelligence").
func (a *analysis) namesVendor(name string) bool {
	at := strings.Index(a.text, name)
	if at < 0 {
		return false
	}
	for _, m := range a.ents {
		if m.Start >= at+len(name) {
			break
		}
		if m.Start >= at && m.kind == kBody && bodies[m.ref].Vendor {
			return true
		}
	}
	return false
}

// bylineTeam returns the team a text's byline names, among its first lines:
// a run of capitalised words after "by", or before a "|", whose last word
// names a team ("Threat Intelligence Unit", "the Adversary Research Group").
// A person's name is no team: the claims are the team's, not the writer's.
// bar reports that the team stands before a "|", as in a blog's dateline.
func bylineTeam(text string) (team string, bar bool) {
	for k, line := range strings.SplitN(text, "\n", 8) {
		if k == 7 || len(line) > 120 {
			continue
		}
		var cand string
		bar = false
		if i := strings.Index(line, " | "); i > 0 {
			cand, bar = line[:i], true
		}
		if i := indexFold(" "+line, " by "); i >= 0 {
			cand, bar = line[i+3:], false
			if j := strings.IndexAny(cand, "|,"); j >= 0 {
				cand = cand[:j]
			}
			if j := strings.Index(cand, " on "); j >= 0 {
				cand = cand[:j]
			}
		}
		cand = strings.TrimPrefix(strings.TrimSpace(cand), "the ")
		words := strings.Fields(cand)
		if len(words) < 2 || len(words) > 6 || !teamWords[words[len(words)-1]] {
			continue
		}
		for _, w := range words {
			if w[0] < 'A' || w[0] > 'Z' {
				return "", false
			}
		}
		return strings.Join(words, " "), bar
	}
	return "", false
}

// teamWords end the name of a research team.
var teamWords = map[string]bool{"Team": true, "Group": true, "Unit": true, "Labs": true, "Lab": true, "Research": true,
	"Intelligence": true, "Center": true, "Centre": true, "Division": true, "Services": true, "Blog": true, "Response": true}

// firstPerson reports whether the lower-case text speaks as "we" outside
// quotations, as a vendor's report does and a news story does not. It looks
// for the words, then counts the quotation marks before each on its line.
func firstPerson(low string) bool {
	for _, w := range []string{"we ", "we'", "our "} {
		for off := 0; ; {
			i := strings.Index(low[off:], w)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			if i > 0 && isWordByte(low[i-1]) {
				continue
			}
			line := strings.LastIndexByte(low[:i], '\n') + 1
			if strings.Count(low[line:i], "\"")%2 == 0 {
				return true
			}
		}
	}
	return false
}

// researchAfter reports whether the lower-case words after a vendor's name
// are words of a researcher speaking of its
// own work: "Microsoft has uncovered", "ESET researchers".
func researchAfter(after string) bool {
	after = strings.TrimPrefix(strings.TrimPrefix(after, " has"), " have")
	for _, w := range []string{" uncovered", " discovered", " observed", " identified", " assesses", " assessed",
		" detected", " analyzed", " analysed", " investigated", " researchers", " threat intelligence",
		" threat research", " threat analysis", " labs", " tracks", " is tracking", " has been tracking", " found"} {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	return false
}

// ownNaming are the words with which a text names things itself. All
// start with "we", which namesOwn relies on.
var ownNaming = []string{"we track", "we call", "we named", "we have named", "we refer to", "we dubbed", "we are tracking", "we've named", "we have dubbed"}

// namesOwn reports whether the lower-case text holds one of ownNaming: one
// pass to each "we" instead of one pass per phrase.
func namesOwn(low string) bool {
	for off := 0; ; {
		i := strings.Index(low[off:], "we")
		if i < 0 {
			return false
		}
		at := off + i
		for _, w := range ownNaming {
			if strings.HasPrefix(low[at:], w) {
				return true
			}
		}
		off = at + 1
	}
}

// otherNaming reports whether the lower-case words before and after a
// vendor's name make a naming frame: "Mandiant tracks it as", "tracked by
// Mandiant as".
func otherNaming(before, after string) bool {
	for _, w := range []string{" tracks ", " calls ", " refers to ", " has dubbed ", " dubbed ", " names ", " has named ", " tracked "} {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	for _, w := range []string{"tracked by ", "known to ", "named by ", "called by ", "dubbed by ", "known by "} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return false
}

// productAfter reports whether a vendor's name at end is the start of a
// product's: "Microsoft Office", "Google Chrome", "Cisco IOS". A report
// that names a vendor's product is about the product, not by the vendor;
// the vendor's own teams ("Microsoft Threat Intelligence") still count.
func productAfter(text string, end int) bool {
	if end+2 > len(text) || text[end] != ' ' || text[end+1] < 'A' || text[end+1] > 'Z' {
		return false
	}
	w := text[end+1:]
	if i := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }); i >= 0 {
		w = w[:i]
	}
	return !vendorTeamWords[w]
}

// vendorTeamWords, after a vendor's name, name a part of the vendor that
// publishes research.
var vendorTeamWords = map[string]bool{"Threat": true, "Threats": true, "Security": true, "Intelligence": true,
	"Research": true, "Researchers": true, "Labs": true, "Lab": true, "Talos": true, "TAG": true, "Digital": true,
	"Incident": true, "Unit": true, "Mandiant": true, "Cloud": true, "Global": true, "Cyber": true,
	"Said": true, "Says": true, "Has": true, "Had": true, "Is": true, "Was": true, "And": true, "On": true, "In": true}

// SHA256 returns the hex SHA-256 of the normalised text, the report's identity.
func SHA256(normalised string) string {
	h := sha256.New()
	// Hash the text in place: Write does not keep or change its argument.
	h.Write(unsafe.Slice(unsafe.StringData(normalised), len(normalised)))
	return hex.EncodeToString(h.Sum(nil))
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// remoteTools are commercial remote-access and file-transfer products that
// intruders install or abuse. ATT&CK and the galaxy name few of them, and
// reports name them often ("installed AnyDesk on company laptops").
var remoteTools = []kb.Software{
	{Name: "AnyDesk", Kind: "tool"}, {Name: "TeamViewer", Kind: "tool"},
	{Name: "ScreenConnect", Aliases: []string{"ConnectWise ScreenConnect", "ConnectWise Control"}, Kind: "tool"},
	{Name: "Atera Agent", Aliases: []string{"Atera"}, Kind: "tool"}, {Name: "Splashtop", Kind: "tool"},
	{Name: "RustDesk", Kind: "tool"}, {Name: "MeshCentral", Aliases: []string{"MeshAgent"}, Kind: "tool"},
	{Name: "SimpleHelp", Kind: "tool"}, {Name: "NetSupport Manager", Kind: "tool"},
	{Name: "LogMeIn", Kind: "tool"}, {Name: "Action1", Kind: "tool"}, {Name: "Radmin", Kind: "tool"},
	{Name: "UltraVNC", Kind: "tool"}, {Name: "TightVNC", Kind: "tool"}, {Name: "WinSCP", Kind: "tool"},
}

// withRemoteTools returns f with those of remoteTools it lacks added, as a
// copy: the caller's facts are not changed.
func withRemoteTools(f *kb.Facts) *kb.Facts {
	have := map[string]bool{}
	for _, s := range f.Software {
		have[strings.ToLower(s.Name)] = true
		for _, al := range s.Aliases {
			have[strings.ToLower(al)] = true
		}
	}
	var add []kb.Software
	for _, t := range remoteTools {
		if !have[strings.ToLower(t.Name)] {
			add = append(add, t)
		}
	}
	if len(add) == 0 {
		return f
	}
	g := *f
	g.Software = append(slices.Clip(f.Software), add...)
	return &g
}
