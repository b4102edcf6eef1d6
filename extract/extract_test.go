package extract

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/internal/shared"
	"github.com/aptgraph/aptgraph/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixedNow makes bundles of undated documents reproducible.
var fixedNow = time.Date(2021, 7, 20, 0, 0, 0, 0, time.UTC)

func extractFile(t testing.TB, path string) *Result {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Default().Extract(&aptgraph.Document{Text: string(b)}, Options{Now: fixedNow})
	if err != nil {
		t.Fatalf("extract %s: %v", path, err)
	}
	return res
}

// TestGolden extracts every testdata/*.txt and the seed report and compares
// the bundle with its golden file. Run with -update to rewrite them, and
// review the diff like code.
func TestGolden(t *testing.T) {
	cases, _ := filepath.Glob("testdata/*.txt")
	cases = append(cases, shared.Path(t, "seed", "japan-apt40-article.txt"))
	for _, in := range cases {
		name := strings.TrimSuffix(filepath.Base(in), ".txt")
		t.Run(name, func(t *testing.T) {
			res := extractFile(t, in)
			got, err := json.MarshalIndent(res.Bundle, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run go test -update): %v", err)
			}
			if diff := cmp.Diff(strings.TrimSpace(string(want)), strings.TrimSpace(string(got))); diff != "" {
				t.Errorf("bundle differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// TestEvidenceOffsets checks that every quote sits at its offsets.
func TestEvidenceOffsets(t *testing.T) {
	res := extractFile(t, shared.Path(t, "seed", "japan-apt40-article.txt"))
	n := 0
	for _, o := range res.Bundle.Objects {
		if o.Type == "marking-definition" || o.Type == "report" {
			continue
		}
		if len(o.Evidence) == 0 && o.Type != "location" && o.Type != "identity" {
			t.Errorf("%s has no evidence", o.ID)
		}
		for _, e := range o.Evidence {
			n++
			if e.Start < 0 || e.End > len(res.Text) || e.Start >= e.End {
				t.Fatalf("%s: evidence offsets %d-%d out of range", o.ID, e.Start, e.End)
			}
			if got := res.Text[e.Start:e.End]; got != e.Quote {
				t.Errorf("%s: text at %d-%d is %q, quote is %q", o.ID, e.Start, e.End, got, e.Quote)
			}
			if e.ReportRef != res.Report.ID {
				t.Errorf("%s: evidence points at %s, want %s", o.ID, e.ReportRef, res.Report.ID)
			}
		}
	}
	if n == 0 {
		t.Fatal("no evidence at all")
	}
}

// TestSchema validates every bundle made from the seed, the AnnoCTR dev texts
// and the TRAM2 reports against the OASIS STIX 2.1 schemas.
func TestSchema(t *testing.T) {
	v, err := schema.Load(shared.Path(t, "data", "stix2-json-schemas", "schemas"))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	seed, _ := os.ReadFile(shared.Path(t, "seed", "japan-apt40-article.txt"))
	texts = append(texts, string(seed))
	files, _ := filepath.Glob(shared.Path(t, "eval", "annoctr-dev", "text", "*.txt"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		texts = append(texts, string(b))
	}
	texts = append(texts, tramTexts(t)...)
	passed, failed := 0, 0
	for i, text := range texts {
		res, err := Default().Extract(&aptgraph.Document{Text: text}, Options{Now: fixedNow})
		if err != nil {
			t.Errorf("text %d: %v", i, err)
			continue
		}
		raw, _ := json.Marshal(res.Bundle)
		p, fails := v.Bundle(raw)
		passed += p
		failed += len(fails)
		for _, f := range fails {
			t.Errorf("text %d: %v", i, f)
		}
	}
	t.Logf("%d bundles: %d objects passed, %d failed", len(texts), passed, failed)
	if passed == 0 {
		t.Fatal("nothing validated")
	}
}

func tramTexts(t testing.TB) []string {
	f, err := os.Open(shared.Path(t, "data", "tram", "tram2_reports.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var rec struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		out = append(out, rec.Text)
	}
	return out
}

// BenchmarkExtractTRAM measures extraction throughput over the TRAM2 texts.
func BenchmarkExtractTRAM(b *testing.B) {
	texts := tramTexts(b)
	x := Default()
	total := 0
	for _, s := range texts {
		total += len(s)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range texts {
			if _, err := x.Extract(&aptgraph.Document{Text: s}, Options{Now: fixedNow}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		wantErr string
	}{
		{"empty", "", aptgraph.EINVALID},
		{"spaces", "  \n\n \t ", aptgraph.EINVALID},
		{"invalid utf8", "APT40 \xff\xfe attacked \xc3 Japan", ""},
		{"control chars", "APT29\x00\x01\x02 was behind it", ""},
		{"one word", "APT28", ""},
		// Letters whose lower case is longer in UTF-8: phrase searches of a
		// sentence must still cut the text where they found the phrase.
		{"longer lower case, according to", "Report\n\n" + strings.Repeat("\u023a", 60) + " says that APT28 is run by the GRU, according to the NCSC.", ""},
		{"longer lower case, passive by", "Report\n\n" + strings.Repeat("\u023a", 30) + " APT28 was attributed to Russia by the NCSC said officials.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Default().Extract(&aptgraph.Document{Text: tt.text}, Options{Now: fixedNow})
			if got := aptgraph.ErrorCode(err); got != tt.wantErr {
				t.Fatalf("error code %q (%v), want %q", got, err, tt.wantErr)
			}
			if err == nil && res.Report == nil {
				t.Fatal("no report")
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("Japan: China \u2018Highly Likely\u2018 \u2014 APT40\r\n\r\n\u00a0x")
	f.Add("\xff\xfe\x00a")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize is not idempotent on %q", s)
		}
	})
}

func FuzzExtract(f *testing.F) {
	f.Add("APT40 (Advanced Persistent Threat 40) is working for the Chinese state, Japan's Foreign Ministry said.")
	f.Add("hxxp://evil[.]com 1.2.3[.]4 CVE-2021-44228")
	f.Fuzz(func(t *testing.T, s string) {
		res, err := Default().Extract(&aptgraph.Document{Text: s}, Options{Now: fixedNow})
		if err != nil {
			return
		}
		for _, o := range res.Bundle.Objects {
			for _, e := range o.Evidence {
				if e.Start < 0 || e.End > len(res.Text) || res.Text[e.Start:e.End] != e.Quote {
					t.Fatalf("bad evidence %+v", e)
				}
			}
		}
	})
}

// TestPeople checks how people are found: after titles, with initials,
// after a reporting verb, in lists of defendants, and a surname that is also
// a country.
func TestPeople(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"title and initial", "Assistant Attorney General John C. Demers said the MSS directed APT40.", []string{"John C. Demers"}},
		{"after the verb", "\"We will hold them accountable,\" said Lisa Monaco, the deputy attorney general.", []string{"Lisa Monaco"}},
		{"defendants", "The indictment charges Ding Xiaoyang, Cheng Qingmin, Zhu Yunmin and Wu Shurong with conspiracy.",
			[]string{"Cheng Qingmin", "Ding Xiaoyang", "Wu Shurong", "Zhu Yunmin"}},
		{"a list of names that is no headline", "The service named the suspects as Ivan Petrenko, Olha Kovalenko and Taras Melnyk.",
			[]string{"Ivan Petrenko", "Olha Kovalenko", "Taras Melnyk"}},
		{"countries are not people", "Japan supports the statements by the United Kingdom, the United States and others.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Default().Extract(&aptgraph.Document{Text: tt.text}, Options{Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range res.Bundle.Objects {
				if o.Type == "identity" && o.IdentityClass == "individual" {
					got = append(got, o.Name)
				}
			}
			sort.Strings(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("people (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTechniqueCuesKnown checks that every technique cue, written by hand or
// learned, names a technique of the reference data.
func TestTechniqueCuesKnown(t *testing.T) {
	ids := map[string]bool{}
	for _, tq := range Default().facts.Techniques {
		ids[tq.ID] = true
	}
	learned := techPhrases()
	if len(learned) < 100 {
		t.Fatalf("only %d learned phrases", len(learned))
	}
	unknown := 0
	for phrase, id := range learned {
		if !ids[id] {
			unknown++
			t.Logf("learned phrase %q names %s, which ATT&CK 18.1 does not have", phrase, id)
		}
	}
	for phrase, id := range techniqueCues {
		if !ids[id] {
			t.Errorf("cue %q names unknown technique %s", phrase, id)
		}
	}
	if unknown > len(learned)/10 {
		t.Errorf("%d of %d learned phrases name unknown techniques", unknown, len(learned))
	}
}

// TestLongSentence checks that a text with no sentence stops is cut into
// bounded pieces, so extraction stays linear.
func TestLongSentence(t *testing.T) {
	var sb strings.Builder
	for sb.Len() < 200000 {
		sb.WriteString("the group APT29 said China attack Ministry of State Security ")
	}
	sents := splitSentences(Normalize(sb.String()))
	for _, s := range sents {
		if s.End-s.Start > maxSentence {
			t.Fatalf("sentence of %d bytes, want at most %d", s.End-s.Start, maxSentence)
		}
	}
	if len(sents) < 100 {
		t.Fatalf("got %d pieces", len(sents))
	}
}
