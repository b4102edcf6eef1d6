package ioc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aptgraph/aptgraph/internal/shared"
)

// benchProse is ordinary report prose with an indicator now and then,
// about one per 400 bytes, as in a vendor blog post.
func benchProse() string {
	paras := []string{
		"The intrusion set, which researchers have tracked since at least 2014, relies on spear-phishing e-mails that carry a weaponised document. Once opened, the document drops a loader that reaches out to its command-and-control server and downloads a second stage. ",
		"In the campaign we observed, the loader contacted hxxps://update-check[.]example-cdn[.]com/api/v2/ping?id=%d and, failing that, the fallback address 203.0.113.%d on port 443. ",
		"Analysts at several vendors, including the national CERT, assessed with moderate confidence that the operators are linked to a state ministry; the group denied any involvement, as it usually does. ",
		"The dropper (SHA-256 %064x) was signed with a stolen certificate. Its configuration names the mutex Global\\\\svc-%d and writes itself to C:\\\\ProgramData\\\\svchost.exe. ",
		"Victims were found in the aerospace, defence and government sectors of at least six countries, e.g. Japan, the U.S. and Germany. The attackers exploited CVE-2023-%04d in an unpatched VPN appliance. ",
		"Replies were sent from operator%d[at]mail-relay[.]net, and a staging server hosted at files.example.org/dl/%d.zip served the payload to victims between March and May. ",
	}
	var b strings.Builder
	for i := 0; b.Len() < 4<<20; i++ {
		p := paras[i%len(paras)]
		if strings.Contains(p, "%") {
			p = fmt.Sprintf(p, i, i%250)
		}
		b.WriteString(p)
		if i%7 == 6 {
			b.WriteString("\n\n")
		}
	}
	return b.String()
}

func BenchmarkScan(b *testing.B) {
	text := benchProse()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		Scan(text)
	}
}

// BenchmarkScanTRAM scans the 151 real reports of MITRE's TRAM2 set.
func BenchmarkScanTRAM(b *testing.B) {
	f, err := os.Open(shared.Path(b, "data", "tram", "tram2_reports.jsonl"))
	if err != nil {
		b.Skip(err)
	}
	defer f.Close()
	var texts []string
	var n int64
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var r struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			b.Fatal(err)
		}
		texts = append(texts, r.Text)
		n += int64(len(r.Text))
	}
	b.SetBytes(n)
	b.ResetTimer()
	for b.Loop() {
		for _, t := range texts {
			Scan(t)
		}
	}
}

// BenchmarkObservablePattern makes the STIX observable and pattern of each
// indicator found in the benchmark prose, as the extractor does.
func BenchmarkObservablePattern(b *testing.B) {
	ms := Scan(benchProse()[:1<<16])
	b.ResetTimer()
	for b.Loop() {
		for _, m := range ms {
			Observable(m)
			Pattern(m)
		}
	}
}
