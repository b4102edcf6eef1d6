package ioc

import (
	"strings"
	"testing"
)

func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"hxxp://evil[.]com/a?b=1.2.3.4",
		"john [at] example [dot] com and x@[IPv6:2001:db8::1]",
		"10.0.0.0/8 2001:db8::/32 ::1 fe80::1%eth0",
		"CVE-2021-44228 " + strings.Repeat("a", 32) + " 0x" + strings.Repeat("b", 40),
		"(https://example.com/a_(b)),",
		"%2Fevil.com%2F",
		"a_b_c.d_e.f-g.zip/..//x",
		"\\\\host.example.com\\share",
		"1.2.3[.]4 example(.)com [://] [at] [.]",
		"\xff\xfe[.]\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ms := Scan(text)
		last := 0
		for _, m := range ms {
			if m.Start < 0 || m.End > len(text) || m.End <= m.Start {
				t.Fatalf("match %+v out of range for %d bytes", m, len(text))
			}
			if m.Value == "" {
				t.Fatalf("match %+v has an empty value", m)
			}
			if m.Start < last {
				t.Fatalf("match %+v out of text order", m)
			}
			last = m.Start
			if _, ok := Pattern(m); !ok && m.Type != CVE {
				t.Fatalf("no pattern for %+v", m)
			}
			switch m.Type {
			case Domain, IPv6, MD5, SHA1, SHA256, SHA512:
				// The value is the matched text, refanged and lower-cased.
				if got := strings.ToLower(Refang(text[m.Start:m.End])); got != m.Value {
					t.Fatalf("match %+v: span %q refangs to %q", m, text[m.Start:m.End], got)
				}
			}
		}
		_ = Refang(text)
	})
}
