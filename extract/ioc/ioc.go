// Package ioc finds indicators of compromise in text: IP addresses and
// networks, domain names, URLs, e-mail addresses, file hashes and CVE ids.
//
// Scan makes one pass over the text. It looks only at cheap triggers (a word
// followed by '.', '@', ':', '-', '_' or '+', "::", a run of hex digits of a
// hash's length, the word "CVE") and validates each candidate where it
// stands, so ordinary prose costs little more than reading it.
//
// Defanged indicators are refanged ("hxxp", "example[.]com", "1.2.3[.]4",
// "user[at]example.com", "[://]") and values are normalised: domains,
// e-mail addresses, URL schemes and hosts and hashes are lower-cased, CVE ids
// upper-cased, IPv4 octets lose their leading zeros (decimal, never octal).
//
// What is reported, and why:
//   - A URL is reported, and so is its host (as Domain, IPv4 or IPv6), because
//     STIX-PROFILE.md writes both a url and a domain-name object, and
//     ioc-finder's cases expect both. The host's Start and End lie inside the
//     URL's, so a caller that wants only free-standing domains drops those
//     contained in a URL.
//   - The path and query of a URL are scanned too: a domain, address or hash in
//     "?url=evil.example" or "/file/<sha256>" is reported. A URL nested in a
//     URL is not reported as a URL of its own.
//   - The domain of an e-mail address is reported as a Domain as well. An
//     address whose domain names "jabber" or "xmpp" (swissjabber.de) is an
//     XMPP id, not a mailbox: its domain is reported, the address is not.
//   - A URL without a scheme ("evil.example/payload.bin") is reported as
//     written, without inventing a scheme.
//   - A CIDR block is reported as CIDR; its address is also reported as IPv4
//     or IPv6 when it names a host (host bits set, or a /32 or /128), not when
//     it is the network address of the block.
//   - Domains must end in an ICANN public suffix (the public-suffix list),
//     must have a registrable label left of it, and that label may not hold
//     '_'; so file names such as report.pdf or svchost.exe and version numbers
//     are not domains.
//   - Where a name need not be a host (not in a URL's authority, not after an
//     e-mail's '@', not defanged), guards keep out what only looks like one:
//     endings that are also file extensions (zip, mov, py, java; and sh, pl,
//     md, ps, so, cc, one, app … after a path separator or capitalised),
//     closed brand endings that are words of code (Mail.Read,
//     multi-user.target, process.name), anti-virus names (Trojan.Win32.Agent.gs,
//     Downloader.SB), camelCase identifiers, abbreviations (U.S.Army),
//     sentences run together (attack.Report), Windows paths and the tail of a
//     longer word (bad_name.com).
//   - Dotted numbers that are not addresses (1.2.3.4.5, 2018.12.15.14.05.43)
//     are skipped whole, and so is a dotted quad written as a version
//     ("version 2.7.0.40", "Codegen/1.4.0.0").
//   - A hex run labelled as an import hash or Authenticode hash ("imphash:",
//     "authentihash") is not a file hash and is not reported; nor is a run of
//     decimal digits.
//
// Scan reports every occurrence, in text order; callers dedupe by value.
package ioc

// Type is the kind of an indicator.
type Type string

// The indicator types Scan reports.
const (
	IPv4   Type = "ipv4"
	IPv6   Type = "ipv6"
	CIDR   Type = "cidr" // an IPv4 or IPv6 network in prefix notation
	Domain Type = "domain"
	URL    Type = "url"
	Email  Type = "email"
	MD5    Type = "md5"
	SHA1   Type = "sha1"
	SHA256 Type = "sha256"
	SHA512 Type = "sha512"
	CVE    Type = "cve"
)

// Types lists every Type in a stable order.
var Types = []Type{IPv4, IPv6, CIDR, Domain, URL, Email, MD5, SHA1, SHA256, SHA512, CVE}

// Match is one indicator found in a text. Start and End are the byte offsets
// of the matched text in the input, which may be defanged; Value is the
// refanged, normalised indicator.
type Match struct {
	Type  Type   `json:"type"`
	Value string `json:"value"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}
