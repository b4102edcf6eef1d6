package extract

import (
	"strings"
	"testing"
)

// BenchmarkDictionaryScan measures the gazetteer pass alone over the TRAM2 texts.
func BenchmarkDictionaryScan(b *testing.B) {
	text := strings.Join(tramTexts(b), "\n\n")
	d := Default().dict
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.scan(text)
	}
}

// BenchmarkMatcherFind measures the automaton alone.
func BenchmarkMatcherFind(b *testing.B) {
	text := strings.Join(tramTexts(b), "\n\n")
	m := Default().dict.m
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		m.find(text, func(acMatch) { n++ })
	}
}

// BenchmarkScanPerDocument is the gazetteer pass over each TRAM2 text apart.
func BenchmarkScanPerDocument(b *testing.B) {
	texts := tramTexts(b)
	for i := range texts {
		texts[i] = Normalize(texts[i])
	}
	d := Default().dict
	n := 0
	for _, t := range texts {
		n += len(t)
	}
	b.SetBytes(int64(n))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			d.scan(t)
		}
	}
}

// normalisedTRAM returns the TRAM2 texts normalised, and their total size.
func normalisedTRAM(b *testing.B) ([]string, int) {
	texts := tramTexts(b)
	n := 0
	for i := range texts {
		texts[i] = Normalize(texts[i])
		n += len(texts[i])
	}
	return texts, n
}

// benchFind runs one walk of the automaton over the TRAM2 texts.
func benchFind(b *testing.B, walk func(m *matcher, text string)) {
	texts, n := normalisedTRAM(b)
	m := Default().dict.m
	b.SetBytes(int64(n))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			walk(m, t)
		}
	}
}

// BenchmarkMatcherWordStarts measures the word-start walk alone.
func BenchmarkMatcherWordStarts(b *testing.B) {
	benchFind(b, func(m *matcher, t string) { m.findAtWordStarts(t, func(acMatch) {}) })
}

// BenchmarkMatcherInterleaved measures the four-way automaton walk alone.
func BenchmarkMatcherInterleaved(b *testing.B) {
	benchFind(b, func(m *matcher, t string) { m.findInterleaved(t, func(acMatch) {}) })
}

// BenchmarkNormalizeTRAM measures the normaliser over the TRAM2 texts.
func BenchmarkNormalizeTRAM(b *testing.B) {
	texts := tramTexts(b)
	total := 0
	for _, s := range texts {
		total += len(s)
	}
	b.SetBytes(int64(total))
	for b.Loop() {
		for _, s := range texts {
			Normalize(s)
		}
	}
}
