package extract

import (
	_ "embed"
	"strings"
)

// weakwords.txt lists the names in the reference data that are also ordinary
// lower-case English words in CTI prose (derived by ./internal/genweak from
// the TRAM report texts). Such a name counts only with context.
//
//go:embed weakwords.txt
var weakWordsFile string

func weakWords() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(weakWordsFile) {
		m[w] = true
	}
	return m
}

//go:generate go run ./internal/genweak -tram ../../shared/data/tram/tram2_reports.jsonl -out weakwords.txt

// isCommonWeak reports whether a name is an ordinary lower-case word of
// CTI prose (listed in weakwords.txt).
func (d *dictionary) isCommonWeak(name string) bool { return d.weak[strings.ToLower(name)] }

// techphrases.txt lists word sequences that nearly always come with one
// ATT&CK technique in the TRAM2 labelled sentences (made by
// ./internal/gentech): phrase, a tab, the technique id.
//
//go:embed techphrases.txt
var techPhrasesFile string

//go:generate go run ./internal/gentech -tram ../../shared/data/tram/single_label.json -min 3 -precision 0.85 -out techphrases.txt

// techPhrases returns the learned technique phrases.
func techPhrases() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(techPhrasesFile, "\n") {
		if p, id, ok := strings.Cut(line, "\t"); ok && !ambiguousMined[p] {
			m[p] = id
		}
	}
	return m
}

// ambiguousMined are mined phrases that mean another technique as often:
// a ransomware gang's "decryption key" is what it sells, not how malware
// decodes itself. Others name a sub-technique that the labelled sentences
// file under its parent: logged keystrokes are keylogging, which the
// curated cue "keystrokes" finds once the mined phrase is out of its way.
var ambiguousMined = map[string]bool{"decryption key": true, "log keystrokes": true, "logs keystrokes": true}
