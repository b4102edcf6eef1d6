package extract

import (
	"slices"
	"strings"
	"unicode"

	"github.com/aptgraph/aptgraph/kb"
)

// kind says what a dictionary entry stands for.
type kind uint8

const (
	kGroup       kind = iota + 1 // a group name or alias: ref = index in facts.Groups
	kSoftware                    // malware or tool: ref = index in facts.Software
	kTechnique                   // a technique by name: ref = index in facts.Techniques
	kTechCue                     // a phrase that describes a technique: ref = index in facts.Techniques
	kCountry                     // a country form: ref = index in countries
	kBody                        // a known body: ref = index in bodies
	kSector                      // a sector word: ref = index in sectors
	kRegion                      // a region: ref = index in regions
	kEstimative                  // estimative wording: ref = index in estimative
	kHedge                       // a hedge word
	kNegation                    // a negation or withholding cue
	kReporting                   // a reporting verb
	kAttribution                 // an attribution cue
	kTarget                      // a targeting cue
	kGroupHead                   // a noun that goes with a group name
	kConcur                      // a concurrence cue
	kIntro                       // a phrase after which a text names a group ("known as")
	kCoref                       // a phrase that points back to a group ("the group")
	kAnimal                      // a vendor name suffix ("Typhoon", "Panda")
	kTitle                       // a person's title ("Secretary", "spokesperson")
	kMalWord                     // a word for malware ("backdoor", "wiper")
	kClientApp                   // a client application a document or page exploits ("Internet Explorer")
	kListWord                    // a word that announces a list of people ("defendants", "charged")
	kSoftIntro                   // a phrase after which a text names new software ("we call", "dubbed")
	kListNoun                    // a plural noun for software a list of names follows ("the tools")
	kSource                      // a phrase that names a claim's source after it ("according to")
	kAccuse                      // a verb before those sanctioned or charged ("sanctioning", "indicting")
	kAttachment                  // a file sent with an e-mail ("attachments")
)

// isCue reports whether entries of kind k are cue words, which may overlap
// entity names, rather than entities, which may not overlap each other.
func (k kind) isCue() bool { return k >= kEstimative }

// entry is one meaning of a dictionary pattern.
type entry struct {
	kind kind
	ref  int32
	// caseMode: 0 any case; 1 the first letter must be upper case; 2 the
	// text must match the form exactly.
	caseMode uint8
	form     string // the pattern as written in the source, for case checks
	weak     bool   // needs context to count (a common word)
}

// country is one row of the country table.
type country struct {
	ISO2, Name string
}

// dictionary is the compiled gazetteer: one Aho-Corasick automaton over every
// name and cue, and what each pattern means.
type dictionary struct {
	m         *matcher
	entries   [][]entry // per pattern
	countries []country
	byISO     map[string]int
	sectors   []string // sector names, indexed by kSector refs
	regions   []string
	facts     *kb.Facts
	weak      map[string]bool
}

// concurCues copy a claim to the bodies named after them.
var concurCues = []string{
	"concurred with", "concurs with", "concur with", "in concurrence with", "agreed with", "agrees with",
	"supports the statements", "supported the statements", "supports the public statements",
	"supported the public statements", "joins", "joined", "joining", "in line with", "echoing", "echoed",
	"shared the assessment", "shares the assessment", "together with", "alongside", "in coordination with",
	"jointly with", "in partnership with", "along with", "supports the attribution", "endorsed", "endorses",
}

// claimObjects, after a verb of support, are the claim itself: "backing the
// finding". Such a verb's subjects concur, not what follows it.
var claimObjects = []string{"finding", "findings", "attribution", "assessment", "conclusion", "conclusions", "judgment", "judgement", "determination"}

// subjectConcurCues are those verbs with their object: "Australia and Japan
// issued statements backing the finding".
var subjectConcurCues = func() []string {
	var out []string
	for _, v := range []string{"backing the", "backed the", "backs the", "supporting the", "supported the", "support the",
		"endorsing the", "endorsed the", "endorse the", "echoing the", "echoed the", "sharing the", "shared the", "share the",
		"concurring with the", "agreeing with the", "welcomed the", "welcoming the"} {
		for _, o := range claimObjects {
			out = append(out, v+" "+o)
		}
	}
	return out
}()

func buildDictionary(f *kb.Facts, weakWords map[string]bool) *dictionary {
	d := &dictionary{facts: f, byISO: map[string]int{}, weak: weakWords}
	index := map[string]int{}
	var patterns []string
	add := func(form string, e entry) {
		form = strings.TrimSpace(form)
		if len(form) < 2 {
			return
		}
		key := strings.ToLower(form)
		e.form = form
		i, ok := index[key]
		if !ok {
			i = len(patterns)
			index[key] = i
			patterns = append(patterns, key)
			d.entries = append(d.entries, nil)
		}
		for _, old := range d.entries[i] {
			if old.kind == e.kind && old.ref == e.ref {
				return
			}
		}
		d.entries[i] = append(d.entries[i], e)
	}

	// Countries: the hand table first, then every other country the data knows.
	for _, row := range countryForms {
		i := len(d.countries)
		d.countries = append(d.countries, country{ISO2: row[0], Name: row[1]})
		d.byISO[row[0]] = i
		for _, form := range row[1:] {
			add(form, entry{kind: kCountry, ref: int32(i), caseMode: caseModeFor(form, true)})
		}
	}
	for _, c := range f.Countries {
		if c.ISO2 == "" || c.Name == "" {
			continue
		}
		i, ok := d.byISO[c.ISO2]
		if !ok {
			i = len(d.countries)
			d.countries = append(d.countries, country{ISO2: c.ISO2, Name: c.Name})
			d.byISO[c.ISO2] = i
		}
		for _, form := range append([]string{c.Name}, c.Aliases...) {
			if strings.ContainsAny(form, ",()") {
				continue
			}
			add(form, entry{kind: kCountry, ref: int32(i), caseMode: caseModeFor(form, true)})
		}
	}
	for key, name := range regionForms {
		d.regions = append(d.regions, name)
		add(key, entry{kind: kRegion, ref: int32(len(d.regions) - 1), caseMode: 1})
	}

	for i, b := range bodies {
		for _, form := range append([]string{b.Name}, b.Forms...) {
			mode := caseModeFor(form, true)
			if digitRun(form) >= 4 {
				mode = 0 // "military unit 26165": the number makes the name
			}
			add(form, entry{kind: kBody, ref: int32(i), caseMode: mode})
		}
	}

	// Names of places are never group names, whatever a data set says
	// ("Beijing" for the Beijing Group).
	placeNames := map[string]bool{}
	for _, row := range countryForms {
		for _, f := range row[1:] {
			placeNames[strings.ToLower(f)] = true
		}
	}
	for _, c := range f.Countries {
		placeNames[strings.ToLower(c.Name)] = true
	}
	// Groups: every name and alias. Short or common single words need context.
	for i := range f.Groups {
		g := &f.Groups[i]
		names := []string{g.Name}
		for _, a := range g.Aliases {
			names = append(names, a.Name)
		}
		// "Gorgon Group" is also written "Gorgon": the stem, with context.
		for _, n := range names {
			for _, suf := range []string{" Group", " Team", " Gang", " group", " team"} {
				if stem := strings.TrimSuffix(n, suf); stem != n && len(stem) >= 4 && !strings.Contains(stem, " ") {
					add(stem, entry{kind: kGroup, ref: int32(i), caseMode: caseModeFor(stem, true), weak: true})
				}
			}
		}
		for _, n := range names {
			if isGenericGroupName(n) || placeNames[strings.ToLower(n)] {
				continue
			}
			// Group names are proper names: a capitalised one must be written
			// with its capital ("Sandworm", not the "sandworm" of a URL).
			add(n, entry{kind: kGroup, ref: int32(i), caseMode: caseModeFor(n, true), weak: isWeakName(n, weakWords) || isPlainCapWord(n)})
			// "Cyber Av3ngers" is written "CyberAv3ngers" too: two words run
			// together, when the result is a name no word could be.
			if joined := strings.ReplaceAll(n, " ", ""); joined != n && strings.Count(n, " ") == 1 && distinctiveName(joined) && strings.ContainsAny(joined, "0123456789") {
				add(joined, entry{kind: kGroup, ref: int32(i), caseMode: 2})
			}
		}
	}
	// The distinctive software names, in lower case: a mined technique
	// phrase that holds one would hide it ("mimikatz to dump").
	softNames := map[string]bool{}
	for i := range f.Software {
		s := &f.Software[i]
		for _, n := range append([]string{s.Name}, s.Aliases...) {
			if len(n) < 3 || len(n) == 3 && !isAcronym(n) {
				continue
			}
			if len(n) >= 5 && !weakWords[strings.ToLower(n)] {
				softNames[strings.ToLower(n)] = true
			}
			// Capitalised names must keep their capital ("Payload" is not
			// "payload"); lower-case command names (certutil) match as written.
			// A plain capitalised word is weak unless it is long and CTI
			// prose never writes it in lower case ("Mimikatz", "Emotet").
			plain := isPlainCapWord(n) && (len(n) < 7 || weakWords[strings.ToLower(n)])
			add(n, entry{kind: kSoftware, ref: int32(i), caseMode: caseModeFor(n, true), weak: isWeakName(n, weakWords) || len(n) <= 4 || plain})
			// "Crimson RAT" is written "CrimsonRAT" too: two capitalised
			// words run together make a name no word could be.
			if w1, w2, ok := strings.Cut(n, " "); ok && !strings.Contains(w2, " ") && len(w1) >= 3 && len(w2) >= 2 &&
				w1[0] >= 'A' && w1[0] <= 'Z' && w2[0] >= 'A' && w2[0] <= 'Z' && distinctiveName(w1+w2) {
				add(w1+w2, entry{kind: kSoftware, ref: int32(i), caseMode: 2})
			}
		}
	}
	// Techniques by id, and by name. Several ATT&CK domains reuse a name
	// (Masquerading is enterprise, mobile and ICS); the technique groups use
	// most in the reference data wins, and ICS ids never match by name.
	used := map[string]int{}
	for _, g := range f.Groups {
		for _, t := range g.Techniques {
			used[t]++
		}
	}
	techByID := map[string]int{}
	byName := map[string]int{}
	for i := range f.Techniques {
		t := &f.Techniques[i]
		techByID[t.ID] = i
		add(t.ID, entry{kind: kTechnique, ref: int32(i), caseMode: 2})
		if !usableTechniqueName(t.Name) || strings.HasPrefix(t.ID, "T0") {
			continue
		}
		k := strings.ToLower(t.Name)
		if j, ok := byName[k]; !ok || used[t.ID] > used[f.Techniques[j].ID] {
			byName[k] = i
		}
	}
	for k, i := range byName {
		add(k, entry{kind: kTechnique, ref: int32(i)})
	}
	for phrase, id := range techniqueCues {
		if i, ok := techByID[id]; ok {
			add(phrase, entry{kind: kTechCue, ref: int32(i)})
		}
	}
	for phrase, id := range techPhrases() {
		if slices.ContainsFunc(strings.Fields(phrase), func(w string) bool { return softNames[w] }) {
			continue
		}
		if i, ok := techByID[id]; ok {
			add(phrase, entry{kind: kTechCue, ref: int32(i)})
		}
	}

	sectorIndex := map[string]int{}
	for word, name := range sectorWords {
		i, ok := sectorIndex[name]
		if !ok {
			i = len(d.sectors)
			d.sectors = append(d.sectors, name)
			sectorIndex[name] = i
		}
		mode := uint8(0)
		if word == "it" {
			word, mode = "IT", 2
		}
		add(word, entry{kind: kSector, ref: int32(i), caseMode: mode})
	}

	for i, e := range estimative {
		add(e.Phrase, entry{kind: kEstimative, ref: int32(i)})
	}
	for _, w := range hedgeWords {
		add(w, entry{kind: kHedge})
	}
	for _, w := range negationCues {
		add(w, entry{kind: kNegation})
	}
	for _, w := range reportingVerbs {
		add(w, entry{kind: kReporting})
	}
	for _, w := range attributionCues {
		add(w, entry{kind: kAttribution})
	}
	for _, w := range targetCues {
		add(w, entry{kind: kTarget})
	}
	for _, w := range groupHeads {
		add(w, entry{kind: kGroupHead})
	}
	for _, w := range concurCues {
		add(w, entry{kind: kConcur})
	}
	for _, w := range subjectConcurCues {
		add(w, entry{kind: kConcur})
	}
	for _, w := range listWords {
		add(w, entry{kind: kListWord})
	}
	for _, w := range kinWords {
		add(strings.TrimSpace(w), entry{kind: kListWord})
	}
	for _, w := range accuseVerbs {
		add(strings.TrimSpace(w), entry{kind: kAccuse})
	}
	for _, w := range []string{"attachment", "attachments"} {
		add(w, entry{kind: kAttachment})
	}
	for _, w := range afterNounList {
		add(strings.TrimSpace(w), entry{kind: kListNoun})
	}
	for _, w := range softwareIntroList {
		add(strings.TrimRight(w, " :"), entry{kind: kSoftIntro})
	}
	for _, w := range sourcePhrases {
		add(strings.TrimSpace(w), entry{kind: kSource})
	}
	for _, w := range introducers {
		add(strings.TrimSpace(w), entry{kind: kIntro})
	}
	for _, w := range corefPhrases {
		add(strings.TrimSpace(w), entry{kind: kCoref})
	}
	for _, w := range animalSuffixes {
		add(w, entry{kind: kAnimal, caseMode: 1})
	}
	for _, w := range malwareWords {
		add(w, entry{kind: kMalWord})
	}
	for _, w := range clientApps {
		add(w, entry{kind: kClientApp})
	}
	for w := range titleWords {
		add(w, entry{kind: kTitle, caseMode: caseModeFor(w, false)})
	}
	for w := range roleWords {
		if len(w) > 3 {
			add(w, entry{kind: kTitle})
		}
	}
	d.m = newMatcher(patterns)
	d.entries = packEntries(d.entries)
	return d
}

// packEntries moves every pattern's entries into one array, in pattern
// order, and leaves each list a capped window onto it. The lists were grown
// one entry at a time, so they lay scattered over the heap; the scan reads
// one list per match, and a packed array costs fewer cache misses.
func packEntries(lists [][]entry) [][]entry {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	all := make([]entry, 0, n)
	for i, l := range lists {
		start := len(all)
		all = append(all, l...)
		lists[i] = all[start:len(all):len(all)]
	}
	return lists
}

// caseModeFor decides how strictly a form's case must match. Acronyms and
// short upper-case forms match exactly ("US" is not "us"); proper names
// need a capital first letter when proper is set or the form is short.
func caseModeFor(form string, proper bool) uint8 {
	letters, upper := 0, 0
	for _, r := range form {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	if letters > 0 && upper == letters && letters <= 6 {
		return 2
	}
	first := []rune(form)[0]
	if unicode.IsUpper(first) && (proper || letters <= 5) {
		return 1
	}
	return 0
}

// isWeakName reports whether a name is a plain word that a text may use in
// its ordinary sense, so that it needs context to count as a name.
func isWeakName(n string, weakWords map[string]bool) bool {
	if strings.ContainsAny(n, " -_.0123456789") {
		return false
	}
	lower := strings.ToLower(n)
	if weakWords[lower] {
		return true
	}
	// Inner capitals ("PlugX", "menuPass") make a name distinctive.
	for i, r := range n {
		if i > 0 && unicode.IsUpper(r) {
			return false
		}
	}
	return len(n) <= 5
}

// isGenericGroupName reports whether a group alias is too generic to ever
// match on its own ("Unknown", "APT", a bare country).
func isGenericGroupName(n string) bool {
	switch strings.ToLower(n) {
	case "apt", "unknown", "group", "hackers", "the group", "team", "china", "russia", "iran", "north korea":
		return true
	}
	return len(n) < 3
}

// usableTechniqueName reports whether a technique's name is specific enough
// to be matched in prose.
func usableTechniqueName(n string) bool {
	if len(n) < 6 {
		return false
	}
	if !strings.Contains(n, " ") {
		// One word is too generic ("Accounts", "Databases", "Hardware")
		// unless it is a term of the trade.
		switch strings.ToLower(n) {
		case "powershell", "phishing", "masquerading", "rootkit", "bootkit", "keylogging", "timestomp",
			"steganography", "kerberoasting", "impersonation", "javascript", "applescript", "clipboard",
			"hypervisor", "rundll32", "regsvr32", "msiexec", "installutil", "regsvcs/regasm", "odbcconf",
			"mshta", "verclsid", "mavinject", "netsh", "screensaver", "launchctl", "sudo", "dcsync":
			return true
		}
		return false
	}
	switch strings.ToLower(n) {
	case "services", "python", "malware", "software", "domains", "tool", "code signing", "botnet",
		"web services", "server", "serverless", "exploits", "upload malware", "install digital certificate",
		"digital certificates", "vulnerabilities", "email addresses", "credentials", "threat intel vendors",
		"network topology", "ip addresses", "dns server", "virtual private server", "web protocols", "dns",
		"file transfer protocols", "mail protocols", "junk data", "link target", "emond", "launchd",
		"device registration", "local accounts", "cloud accounts", "domain accounts", "default accounts",
		"compromise accounts", "establish accounts", "social media accounts", "email accounts", "hidden files and directories",
		"at", "cron", "systemd timers", "container orchestration job", "reflection", "compiled html file",
		"compile after delivery", "application window discovery", "debugger evasion", "time based evasion",
		"timestomp", "rootkit", "screen capture", "keylogging", "steganography", "social media", "search engines",
		"business relationships", "employee names", "client configurations", "control panel",
		"remote access software": // the mobile technique's name; the enterprise one is a cue
		return false
	}
	return true
}

// digitRun returns the length of the longest run of digits in s.
func digitRun(s string) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
