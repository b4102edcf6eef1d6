package ioc

import (
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/net/publicsuffix"
)

// tldCache remembers validTLD's answers: the same few dozen endings (com,
// exe, dll, name …) come up again and again, and a lookup in the list costs
// several times a map's. It stops growing at tldCacheMax entries so that
// text full of made-up endings cannot grow it without bound.
var (
	tldCache     sync.Map // string -> bool
	tldCacheSize atomic.Int64
)

const tldCacheMax = 1 << 14

// validTLD reports whether tld (as written) is a top-level domain in the
// ICANN section of the public-suffix list.
func validTLD(tld string) bool {
	if len(tld) < 2 || len(tld) > 63 {
		return false
	}
	if v, ok := tldCache.Load(tld); ok {
		return v.(bool)
	}
	ok := lookupTLD(tld)
	if tldCacheSize.Load() < tldCacheMax {
		tldCacheSize.Add(1)
		tldCache.Store(strings.Clone(tld), ok)
	}
	return ok
}

func lookupTLD(tld string) bool {
	if len(tld) > 4 && strings.EqualFold(tld[:4], "xn--") {
		for k := 4; k < len(tld); k++ {
			if cls[tld[k]]&cAlnum == 0 && tld[k] != '-' {
				return false
			}
		}
	} else {
		for k := 0; k < len(tld); k++ {
			if cls[tld[k]]&cAlpha == 0 {
				return false
			}
		}
	}
	_, icann := publicsuffix.PublicSuffix(strings.ToLower(tld))
	return icann
}

// registrable reports whether the lower-case name has a label left of its
// ICANN public suffix, and that label is a valid registered name (letters,
// digits and hyphens only: registries do not hand out names with '_').
func registrable(name string) bool {
	suffix, icann := publicsuffix.PublicSuffix(name)
	// A private-section suffix (github.io, blogspot.com) is itself a name
	// someone registered: look for the ICANN suffix under it.
	for !icann {
		dot := strings.IndexByte(suffix, '.')
		if dot < 0 {
			return false
		}
		suffix, icann = publicsuffix.PublicSuffix(suffix[dot+1:])
	}
	if len(suffix) >= len(name) {
		return false
	}
	rest := name[:len(name)-len(suffix)-1]
	label := rest[strings.LastIndexByte(rest, '.')+1:]
	return label != "" && !strings.Contains(label, "_")
}

// plausibleName reports whether name, a dotted token of valid syntax ending
// in the valid top-level domain tld, is more likely a domain name than a file
// name, a line of code or a malware name. dots holds the offsets of its dots
// in the text, i its start; before and before2 are the two bytes before it.
func plausibleName(name, tld string, dots []int, i int, before, before2 byte) bool {
	// "C:\Users\x\AppData\Fasta.ski": a file in a Windows path; a UNC host
	// (\\dbexport.zip\share) stays.
	if before == '\\' {
		return before2 == '\\'
	}
	// "U.S.Army", "e.g.Com": abbreviations.
	if len(dots) >= 2 && dots[len(dots)-1]-i == 2*len(dots)-1 {
		return false
	}
	// "attack.Report", "Hangarer.Man": a sentence run into the next, or a
	// capitalised file name; names are written in lower or upper case.
	if titleCase(tld) {
		return false
	}
	// "Downloader.SB", "Agent.GS": malware variant names.
	if len(tld) == 2 && isUpper(tld) && strings.ToUpper(name) != name {
		return false
	}
	lname := strings.ToLower(name)
	ltld := lname[len(lname)-len(tld):]
	for rest := lname[:len(lname)-len(tld)-1]; rest != ""; {
		l := rest
		if k := strings.LastIndexByte(rest, '.'); k >= 0 {
			l, rest = rest[k+1:], rest[:k]
		} else {
			rest = ""
		}
		if len(l) <= 5 && platformLabels[l] {
			return false // "Trojan.Win32.Agent", "Backdoor.MSIL.x"
		}
	}
	if wordTLDs[ltld] {
		return false
	}
	// "outputFilenameRecordedTV.ms": an identifier. Brand names written so
	// (PayPal.com, StopRansomware.gov) end in the big generic domains.
	if camelCase(name) && !commonTLDs[ltld] {
		return false
	}
	path := before == '/' || before == '\\'
	labels := len(dots) + 1
	switch {
	case fileTLDs[ltld]:
		// "archive.zip", "offer.pdf.zip", "job_offer.pdf.zip"
		second := lname[:len(lname)-len(tld)-1]
		second = second[strings.LastIndexByte(second, '.')+1:]
		return labels > 2 && !path && !strings.Contains(lname, "_") && !fileExts[second]
	case pathTLDs[ltld] && labels == 2:
		// "~/bin/install.sh", "Finder.app"
		return !path && (name == lname || name == strings.ToUpper(name))
	}
	return true
}

func titleCase(w string) bool {
	if len(w) < 2 || w[0] < 'A' || w[0] > 'Z' {
		return false
	}
	for k := 1; k < len(w); k++ {
		if w[k] < 'a' || w[k] > 'z' {
			return false
		}
	}
	return true
}

// camelCase reports whether a lower-case letter is followed by an upper-case one.
func camelCase(w string) bool {
	for k := 1; k < len(w); k++ {
		if 'A' <= w[k] && w[k] <= 'Z' && 'a' <= w[k-1] && w[k-1] <= 'z' {
			return true
		}
	}
	return false
}

func isUpper(w string) bool {
	for k := 0; k < len(w); k++ {
		if w[k] < 'A' || w[k] > 'Z' {
			return false
		}
	}
	return true
}

// Top-level domains that are also common file extensions. A name ending in
// one of fileTLDs ("archive.zip", "setup.py") is taken for a file unless it
// has three or more labels; one of two labels ending in one of pathTLDs only
// after a path separator or when capitalised ("~/bin/install.sh",
// "Finder.app"), since cert.pl or evil.cc standing alone are names.
var (
	fileTLDs = map[string]bool{"zip": true, "mov": true, "py": true, "java": true}
	pathTLDs = map[string]bool{
		"sh": true, "pl": true, "pm": true, "md": true, "ps": true, "so": true, "cab": true,
		"ai": true, "cc": true, "do": true, "rs": true, "ml": true, "one": true, "app": true,
	}
	// fileExts are extensions that, before a file-like TLD, make a double
	// extension ("offer.pdf.zip").
	fileExts = map[string]bool{
		"pdf": true, "doc": true, "docx": true, "xls": true, "xlsx": true, "ppt": true, "pptx": true,
		"rtf": true, "txt": true, "exe": true, "dll": true, "js": true, "vbs": true, "lnk": true,
		"iso": true, "img": true, "jpg": true, "png": true, "htm": true, "html": true, "tar": true,
	}
	// wordTLDs are closed brand top-level domains that are also words of code
	// and configuration: Mail.Read (a Graph API scope), multi-user.target (a
	// systemd unit), Center.Cisco, Google.Docs. Nobody registers under them,
	// so a name ending in one is taken only where it must be a host.
	wordTLDs = map[string]bool{
		"read": true, "target": true, "open": true, "cisco": true, "man": true, "office": true,
		"microsoft": true, "windows": true, "search": true, "call": true, "play": true, "save": true,
		"data": true, "map": true, "zero": true, "now": true, "secure": true, "hot": true, "fast": true,
		"free": true, "safe": true, "spot": true, "talk": true, "you": true, "book": true, "buy": true,
		"deal": true, "like": true, "pay": true, "room": true, "song": true, "bot": true, "circle": true,
		"got": true, "joy": true, "pin": true, "prime": true, "silk": true, "fire": true, "food": true,
		"author": true, "drive": true, "docs": true, "chrome": true, "android": true, "mobile": true,
		"dell": true, "hp": true, "ibm": true, "intel": true, "oracle": true, "sap": true, "vmware": true,
		"shell": true,
		// Not closed, but in technical text nearly always a property: process.name.
		"name": true,
	}
	commonTLDs = map[string]bool{"com": true, "net": true, "org": true, "io": true, "gov": true, "edu": true, "mil": true}
	// platformLabels name the platform in anti-virus detection names.
	platformLabels = map[string]bool{"win32": true, "win64": true, "w32": true, "w64": true, "msil": true}
)
