package ioc

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// found is a match as a test writes it: type, value and the matched text.
type found struct {
	Type  Type
	Value string
	Text  string
}

func scanFound(text string) []found {
	var out []found
	for _, m := range Scan(text) {
		out = append(out, found{m.Type, m.Value, text[m.Start:m.End]})
	}
	return out
}

func TestScan(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []found
	}{
		{"prose", "The group sent e-mails. It was well-known, e.g. to U.S. agencies in 2019.", nil},
		{"defanged url", "C2 at hxxp://evil-site[.]com/gate.php?id=1.", []found{
			{URL, "http://evil-site.com/gate.php?id=1", "hxxp://evil-site[.]com/gate.php?id=1"},
			{Domain, "evil-site.com", "evil-site[.]com"},
		}},
		{"defanged scheme separator", "hXXps[://]bad.example(.)org/x and hxxps[:]//b.example.net", []found{
			{URL, "https://bad.example.org/x", "hXXps[://]bad.example(.)org/x"},
			{Domain, "bad.example.org", "bad.example(.)org"},
			{URL, "https://b.example.net", "hxxps[:]//b.example.net"},
			{Domain, "b.example.net", "b.example.net"},
		}},
		{"defanged ip", "beacons to 1.2.3[.]4 and 5[.]6[.]7[.]8", []found{
			{IPv4, "1.2.3.4", "1.2.3[.]4"},
			{IPv4, "5.6.7.8", "5[.]6[.]7[.]8"},
		}},
		{"defanged domain forms", "example[dot]com evil{.}org bad(dot)net x\\.ru", []found{
			{Domain, "example.com", "example[dot]com"},
			{Domain, "evil.org", "evil{.}org"},
			{Domain, "bad.net", "bad(dot)net"},
			{Domain, "x.ru", "x\\.ru"},
		}},
		{"defanged email", "mail john[at]example[.]com or jane [at] example [dot] org or x[@]y.io", []found{
			{Email, "john@example.com", "john[at]example[.]com"},
			{Domain, "example.com", "example[.]com"},
			{Email, "jane@example.org", "jane [at] example [dot] org"},
			{Domain, "example.org", "example [dot] org"},
			{Email, "x@y.io", "x[@]y.io"},
			{Domain, "y.io", "y.io"},
		}},
		{"parentheses stay", "the (at) sign and (.) are not defangs (see above).", nil},
		{"file names", "report.pdf invoice.docx svchost.exe cmd.exe setup.py archive.zip Main.java", nil},
		{"versions", "version 1.2.3, v2.0.1, build 10.0.19041.1, 2018.12.15.14.05.43", nil},
		{"path ext", "ran ~/bin/install.sh and /tmp/x.pl", nil},
		{"ambiguous tld alone", "see cert.pl and evil.cc and EVIL.SH", []found{
			{Domain, "cert.pl", "cert.pl"},
			{Domain, "evil.cc", "evil.cc"},
			{Domain, "evil.sh", "EVIL.SH"},
		}},
		{"defanged file-like tld", "payload from update[.]zip", []found{{Domain, "update.zip", "update[.]zip"}}},
		{"domain case and dot", "Visit Example.COM. Then WWW.EVIL.ORG, example.net.The end", []found{
			{Domain, "example.com", "Example.COM"},
			{Domain, "www.evil.org", "WWW.EVIL.ORG"},
			{Domain, "example.net", "example.net"},
		}},
		{"run-on sentence", "the attack.Report said U.S.Army", nil},
		{"code and malware names", `Trojan.Win32.Agent.gs, Trojan:PowerShell/Downloader.SB, Mail.Read, multi-user.target, Finder.app, AppData\Fasta.ski, offer.pdf.zip`, nil},
		{"unc host", `\\dbexport.zip\DavWWWRoot`, []found{{Domain, "dbexport.zip", "dbexport.zip"}}},
		{"unknown tld", "smtp.mailfrom and foo.notatld and localhost.localdomain", nil},
		{"suffix only", "co.uk", nil},
		{"private suffix", "pages at github.io and foo.github.io", []found{
			{Domain, "github.io", "github.io"},
			{Domain, "foo.github.io", "foo.github.io"},
		}},
		{"underscore labels", "_dmarc.example.com and bad_name.com", []found{{Domain, "_dmarc.example.com", "_dmarc.example.com"}}},
		{"url punctuation", `See (https://example.com/a_(b)), "http://x.org/p?q=1,2"; and https://y.net/path).`, []found{
			{URL, "https://example.com/a_(b)", "https://example.com/a_(b)"},
			{Domain, "example.com", "example.com"},
			{URL, "http://x.org/p?q=1,2", "http://x.org/p?q=1,2"},
			{Domain, "x.org", "x.org"},
			{URL, "https://y.net/path", "https://y.net/path"},
			{Domain, "y.net", "y.net"},
		}},
		{"url quote", `DownloadString('http://evil.com/a.ps1')`, []found{
			{URL, "http://evil.com/a.ps1", "http://evil.com/a.ps1"},
			{Domain, "evil.com", "evil.com"},
		}},
		{"url host case, port, userinfo", "HTTP://user:pw@EVIL.com:8443/Path", []found{
			{URL, "http://user:pw@evil.com:8443/Path", "HTTP://user:pw@EVIL.com:8443/Path"},
			{Domain, "evil.com", "EVIL.com"},
		}},
		{"url ip hosts", "http://10.1.2.3:80/x and http://[2001:db8::1]/y", []found{
			{URL, "http://10.1.2.3:80/x", "http://10.1.2.3:80/x"},
			{IPv4, "10.1.2.3", "10.1.2.3"},
			{URL, "http://[2001:db8::1]/y", "http://[2001:db8::1]/y"},
			{IPv6, "2001:db8::1", "2001:db8::1"},
		}},
		{"url path contents", "https://www.virustotal.com/gui/domain/evil.com?x=http://a.org/b", []found{
			{URL, "https://www.virustotal.com/gui/domain/evil.com?x=http://a.org/b", "https://www.virustotal.com/gui/domain/evil.com?x=http://a.org/b"},
			{Domain, "www.virustotal.com", "www.virustotal.com"},
			{Domain, "evil.com", "evil.com"},
			{Domain, "a.org", "a.org"},
		}},
		{"ftp", "ftp://files.example.net/pub", []found{
			{URL, "ftp://files.example.net/pub", "ftp://files.example.net/pub"},
			{Domain, "files.example.net", "files.example.net"},
		}},
		{"schemeless url", "fetches evil.example.com/stage2.bin daily", []found{
			{URL, "evil.example.com/stage2.bin", "evil.example.com/stage2.bin"},
			{Domain, "evil.example.com", "evil.example.com"},
		}},
		{"hashes", "MD5 D41D8CD98F00B204E9800998ECF8427E, sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709.", []found{
			{MD5, "d41d8cd98f00b204e9800998ecf8427e", "D41D8CD98F00B204E9800998ECF8427E"},
			{SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		}},
		{"sha256 and sha512", strings.Repeat("ab", 32) + " " + strings.Repeat("0f", 64), []found{
			{SHA256, strings.Repeat("ab", 32), strings.Repeat("ab", 32)},
			{SHA512, strings.Repeat("0f", 64), strings.Repeat("0f", 64)},
		}},
		{"hash boundaries", "x" + strings.Repeat("a", 32) + " " + strings.Repeat("b", 33) + " " + strings.Repeat("c", 32) + "_z " + strings.Repeat("1", 32), nil},
		{"hash named file", strings.Repeat("e", 32) + ".exe", []found{{MD5, strings.Repeat("e", 32), strings.Repeat("e", 32)}}},
		{"import hash", "imphash: " + strings.Repeat("a", 32) + " Authentihash " + strings.Repeat("b", 64), nil},
		{"cve", "cve-2021-44228, CVE 2017-0144, CVE\u20132019\u201311510 and CVE-2014-123", []found{
			{CVE, "CVE-2021-44228", "cve-2021-44228"},
			{CVE, "CVE-2017-0144", "CVE 2017-0144"},
			{CVE, "CVE-2019-11510", "CVE\u20132019\u201311510"},
		}},
		{"ipv4", "hosts 192.168.001.010, 10.0.0.1:8080 and 1.2.3.4-1.2.3.10", []found{
			{IPv4, "192.168.1.10", "192.168.001.010"},
			{IPv4, "10.0.0.1", "10.0.0.1"},
			{IPv4, "1.2.3.4", "1.2.3.4"},
			{IPv4, "1.2.3.10", "1.2.3.10"},
		}},
		{"ipv4 rejects", "256.1.1.1 1.2.3.4.5 .1.2.3.4 1.2.3.4a 0001.1.1.1 v1.2.3.4", nil},
		{"version numbers", "IronPython version 2.7.0.40, Swagger-Codegen/1.4.0.0/csharp, Tools~~~~0.0.1.0, build: 10.0.1.2", nil},
		{"identifiers", "process.name, outputFilenameRecordedTV.ms, wscript.shell; but PayPal.com", []found{{Domain, "paypal.com", "PayPal.com"}}},
		{"cidr", "10.0.0.0/8 and 192.168.1.5/24 and 2001:db8::/32.", []found{
			{CIDR, "10.0.0.0/8", "10.0.0.0/8"},
			{CIDR, "192.168.1.5/24", "192.168.1.5/24"},
			{IPv4, "192.168.1.5", "192.168.1.5"},
			{CIDR, "2001:db8::/32", "2001:db8::/32"},
		}},
		{"ipv6", "fe80::1, ::1 and 2001:DB8:0:0:8:800:200C:417A.", []found{
			{IPv6, "fe80::1", "fe80::1"},
			{IPv6, "::1", "::1"},
			{IPv6, "2001:db8:0:0:8:800:200c:417a", "2001:DB8:0:0:8:800:200C:417A"},
		}},
		{"ipv6 rejects", "std::string at 12:30:45, MAC 00:1a:2b:3c:4d:5e, 1::2::3, a::", nil},
		{"email", "Contact John.Smith+tag@Example.com.", []found{
			{Email, "john.smith+tag@example.com", "John.Smith+tag@Example.com"},
			{Domain, "example.com", "Example.com"},
		}},
		{"email literal", "to x@[192.0.2.1]", []found{
			{Email, "x@[192.0.2.1]", "x@[192.0.2.1]"},
			{IPv4, "192.0.2.1", "192.0.2.1"},
		}},
		{"xmpp", "chat: bob@jabber.ru", []found{{Domain, "jabber.ru", "jabber.ru"}}},
		{"percent escape", "%2Fevil.com", []found{{Domain, "evil.com", "evil.com"}}},
		{"unicode around", "«evil.com» — 8.8.8.8…", []found{
			{Domain, "evil.com", "evil.com"},
			{IPv4, "8.8.8.8", "8.8.8.8"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scanFound(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Scan(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestRefang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hxxp://example[.]com/a", "http://example.com/a"},
		{"hXXps[://]evil(.)org", "https://evil.org"},
		{"fxp://files{.}example[dot]net", "ftp://files.example.net"},
		{"1.2.3[.]4", "1.2.3.4"},
		{"john[at]example[.]com", "john@example.com"},
		{"jane [at] example [dot] org", "jane@example.org"},
		{"x[@]y(dot)io", "x@y.io"},
		{"hxxp[:]//a.b.com", "http://a.b.com"},
		{"a (.) b and (at) c [dot]", "a (.) b and (at) c [dot]"},
		{"plain text", "plain text"},
	}
	for _, tt := range tests {
		if got := Refang(tt.in); got != tt.want {
			t.Errorf("Refang(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPattern(t *testing.T) {
	tests := []struct {
		m    Match
		want string
	}{
		{Match{Type: IPv4, Value: "1.2.3.4"}, "[ipv4-addr:value = '1.2.3.4']"},
		{Match{Type: IPv6, Value: "2001:db8::1"}, "[ipv6-addr:value = '2001:db8::1']"},
		{Match{Type: CIDR, Value: "10.0.0.0/8"}, "[ipv4-addr:value = '10.0.0.0/8']"},
		{Match{Type: CIDR, Value: "2001:db8::/32"}, "[ipv6-addr:value = '2001:db8::/32']"},
		{Match{Type: Domain, Value: "example.com"}, "[domain-name:value = 'example.com']"},
		{Match{Type: URL, Value: `http://x.com/it's\here`}, `[url:value = 'http://x.com/it\'s\\here']`},
		{Match{Type: Email, Value: "a@b.com"}, "[email-addr:value = 'a@b.com']"},
		{Match{Type: MD5, Value: "d41d8cd98f00b204e9800998ecf8427e"}, "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"},
		{Match{Type: SHA1, Value: "aa"}, "[file:hashes.'SHA-1' = 'aa']"},
		{Match{Type: SHA256, Value: "bb"}, "[file:hashes.'SHA-256' = 'bb']"},
		{Match{Type: SHA512, Value: "cc"}, "[file:hashes.'SHA-512' = 'cc']"},
		// Values that need escaping take the long way on every branch.
		{Match{Type: SHA256, Value: "b'b"}, `[file:hashes.'SHA-256' = 'b\'b']`},
		{Match{Type: MD5, Value: `d\e`}, `[file:hashes.MD5 = 'd\\e']`},
		{Match{Type: Domain, Value: "it's"}, `[domain-name:value = 'it\'s']`},
	}
	for _, tt := range tests {
		got, ok := Pattern(tt.m)
		if !ok || got != tt.want {
			t.Errorf("Pattern(%v) = %q, %v, want %q", tt.m, got, ok, tt.want)
		}
	}
	if p, ok := Pattern(Match{Type: CVE, Value: "CVE-2021-44228"}); ok {
		t.Errorf("Pattern(CVE) = %q, want none", p)
	}
}

func TestObservable(t *testing.T) {
	a := Observable(Match{Type: Domain, Value: "example.com"})
	b := Observable(Match{Type: Domain, Value: "example.com"})
	c := Observable(Match{Type: Domain, Value: "example.org"})
	if a.Type != "domain-name" || a.Value != "example.com" || !strings.HasPrefix(a.ID, "domain-name--") {
		t.Errorf("Observable(domain) = %+v", a)
	}
	// uuid5(00abedb4-aa42-466c-9c01-fed23315a9b7, '{"value":"example.com"}'),
	// computed with Python's uuid module.
	if want := "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"; a.ID != want {
		t.Errorf("Observable(example.com).ID = %s, want %s", a.ID, want)
	}
	if a.ID != b.ID || a.ID == c.ID {
		t.Errorf("ids not deterministic per value: %s %s %s", a.ID, b.ID, c.ID)
	}
	f := Observable(Match{Type: SHA256, Value: strings.Repeat("ab", 32)})
	if f.Type != "file" || f.Hashes["SHA-256"] != strings.Repeat("ab", 32) || !strings.HasPrefix(f.ID, "file--") {
		t.Errorf("Observable(sha256) = %+v", f)
	}
	if o := Observable(Match{Type: CVE, Value: "CVE-2021-44228"}); o != nil {
		t.Errorf("Observable(CVE) = %+v, want nil", o)
	}
}

// TestFileTLDs keeps the file-extension lists honest: every entry must be a
// real top-level domain, or it guards against nothing.
func TestFileTLDs(t *testing.T) {
	for _, m := range []map[string]bool{fileTLDs, pathTLDs} {
		for tld := range m {
			if !validTLD(tld) {
				t.Errorf("%q is not an ICANN top-level domain", tld)
			}
		}
	}
}
