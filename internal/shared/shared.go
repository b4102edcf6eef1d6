// Package shared locates the reference data and evaluation files that sit
// beside the repository in ../shared. Tests read them in place; nothing from
// there is ever copied into the repository.
package shared

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared folder: $APTGRAPH_SHARED when set, else ../shared
// next to the repository root (the folder that holds go.mod). It fails tb
// when the folder cannot be found.
func Dir(tb testing.TB) string {
	tb.Helper()
	d, err := find()
	if err != nil {
		tb.Fatalf("shared data: %v", err)
	}
	return d
}

// Path joins elem onto Dir.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	return filepath.Join(append([]string{Dir(tb)}, elem...)...)
}

func find() (string, error) {
	if d := os.Getenv("APTGRAPH_SHARED"); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s := filepath.Join(filepath.Dir(d), "shared")
			if _, err := os.Stat(s); err != nil {
				return "", err
			}
			return s, nil
		}
		if filepath.Dir(d) == d {
			return "", os.ErrNotExist
		}
	}
}
