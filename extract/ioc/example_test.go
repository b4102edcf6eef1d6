package ioc_test

import (
	"fmt"

	"github.com/aptgraph/aptgraph/extract/ioc"
)

func ExampleScan() {
	text := "The loader fetched hxxps://cdn-update[.]example[.]com/a.bin from 203.0.113[.]7 (CVE-2023-1234)."
	for _, m := range ioc.Scan(text) {
		fmt.Printf("%-6s %-40s %q\n", m.Type, m.Value, text[m.Start:m.End])
	}
	// Output:
	// url    https://cdn-update.example.com/a.bin     "hxxps://cdn-update[.]example[.]com/a.bin"
	// domain cdn-update.example.com                   "cdn-update[.]example[.]com"
	// ipv4   203.0.113.7                              "203.0.113[.]7"
	// cve    CVE-2023-1234                            "CVE-2023-1234"
}

func ExampleRefang() {
	fmt.Println(ioc.Refang("hxxp://evil[.]example[.]org/x and admin[at]evil(.)example.org"))
	// Output:
	// http://evil.example.org/x and admin@evil.example.org
}

func ExamplePattern() {
	for _, m := range ioc.Scan("beacon to 198.51.100.7, dropper d41d8cd98f00b204e9800998ecf8427e") {
		p, _ := ioc.Pattern(m)
		fmt.Println(p)
	}
	// Output:
	// [ipv4-addr:value = '198.51.100.7']
	// [file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']
}
