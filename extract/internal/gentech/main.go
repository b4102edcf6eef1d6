// Command gentech writes techphrases.txt: short word sequences that, in the
// TRAM2 sentences labelled with one ATT&CK technique, nearly always come with
// that technique. The extractor uses them as extra technique cues. Only the
// phrases and ids are written; no sentence is kept.
//
//	go run ./internal/gentech -tram ../../shared/data/tram/single_label.json -out techphrases.txt
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"sort"
	"strings"
	"unicode"

	"github.com/aptgraph/aptgraph/kb"
)

func main() {
	in := flag.String("tram", "../../shared/data/tram/single_label.json", "TRAM2 single-label sentences")
	out := flag.String("out", "techphrases.txt", "output file")
	minCount := flag.Int("min", 3, "least times a phrase must come with its technique")
	minPrec := flag.Float64("precision", 0.85, "least share of a phrase's sentences that carry its technique")
	flag.Parse()

	b, err := os.ReadFile(*in)
	if err != nil {
		log.Fatal(err)
	}
	var recs []struct {
		Text  string `json:"text"`
		Label string `json:"label"`
	}
	if err := json.Unmarshal(b, &recs); err != nil {
		log.Fatal(err)
	}
	total := map[string]int{}              // phrase -> sentences
	byLabel := map[string]map[string]int{} // phrase -> label -> sentences
	for _, r := range recs {
		words := strings.FieldsFunc(strings.ToLower(r.Text), func(c rune) bool {
			return !(unicode.IsLetter(c) || unicode.IsDigit(c) || c == '.' || c == '-' || c == '_')
		})
		for i := range words {
			words[i] = strings.Trim(words[i], ".-_")
		}
		seen := map[string]bool{}
		for n := 2; n <= 3; n++ {
			for i := 0; i+n <= len(words); i++ {
				g := words[i : i+n]
				if stop[g[0]] || stop[g[n-1]] || hasEmpty(g) {
					continue
				}
				p := strings.Join(g, " ")
				if seen[p] {
					continue
				}
				seen[p] = true
				total[p]++
				if byLabel[p] == nil {
					byLabel[p] = map[string]int{}
				}
				byLabel[p][r.Label]++
			}
		}
	}
	// A phrase that says nothing of what makes a sub-technique special
	// ("harvest credentials" for LSASS Memory) stands for its parent.
	names := map[string]string{}
	for _, t := range kb.Embedded().Techniques {
		names[t.ID] = strings.ToLower(t.Name)
	}
	var lines []string
	for p, n := range total {
		for label, k := range byLabel[p] {
			if k >= *minCount && float64(k)/float64(n) >= *minPrec {
				if parent, _, sub := strings.Cut(label, "."); sub && !sharesWord(p, names[label]) {
					label = parent
				}
				lines = append(lines, p+"\t"+label)
			}
		}
	}
	sort.Strings(lines)
	lines = slicesCompact(lines)
	if err := os.WriteFile(*out, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "gentech: %d phrases\n", len(lines))
}

// sharesWord reports whether phrase holds a word of four letters or more
// from name.
func sharesWord(phrase, name string) bool {
	for _, w := range strings.FieldsFunc(name, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }) {
		if len(w) >= 4 && strings.Contains(phrase, w) {
			return true
		}
	}
	return false
}

func slicesCompact(xs []string) []string {
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func hasEmpty(ws []string) bool {
	for _, w := range ws {
		if w == "" || len(w) < 2 {
			return true
		}
	}
	return false
}

// stop words may not start or end a phrase.
var stop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of to in on for and or with by from as at is are was were be been it its this that
these those which who via into using uses used use can also has have had will may not their they them then than such
other any all each both more most some if when while after before over under between through during about`) {
		stop[w] = true
	}
}
