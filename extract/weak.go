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
