// Command genweak writes weakwords.txt: the single-word group, malware and
// tool names of the reference facts that CTI prose also uses as ordinary
// lower-case words. It reads the TRAM report texts for that prose.
//
//	go run ./internal/genweak -tram ../../shared/data/tram/tram2_reports.jsonl -out weakwords.txt
package main

import (
	"bufio"
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
	tram := flag.String("tram", "../../shared/data/tram/tram2_reports.jsonl", "TRAM2 reports (JSON lines with a text field)")
	out := flag.String("out", "weakwords.txt", "output file")
	flag.Parse()

	f := kb.Embedded()
	names := map[string]bool{}
	addName := func(n string) {
		if strings.ContainsAny(n, " -_.0123456789") || len(n) < 3 {
			return
		}
		names[strings.ToLower(n)] = true
	}
	for _, g := range f.Groups {
		addName(g.Name)
		for _, a := range g.Aliases {
			addName(a.Name)
		}
	}
	for _, s := range f.Software {
		addName(s.Name)
		for _, a := range s.Aliases {
			addName(a)
		}
	}

	in, err := os.Open(*tram)
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close()
	counts := map[string]int{} // lower-case uses
	caps := map[string]int{}   // any other spelling
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var rec struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			log.Fatal(err)
		}
		for _, w := range strings.FieldsFunc(rec.Text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			// Words written in lower case are in ordinary use; a name
			// usually written with capitals (Mimikatz) is not a plain word.
			l := strings.ToLower(w)
			if !names[l] {
				continue
			}
			if w == l {
				counts[l]++
			} else {
				caps[l]++
			}
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	var words []string
	for w, n := range counts {
		if n >= 2 && n >= 3*caps[w] {
			words = append(words, w)
		}
	}
	sort.Strings(words)
	if err := os.WriteFile(*out, []byte(strings.Join(words, "\n")+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "genweak: %d words\n", len(words))
}
