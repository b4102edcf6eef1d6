package kb

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/aptgraph/aptgraph"
)

//go:embed facts.json.gz
var embedded []byte

var (
	embeddedOnce  sync.Once
	embeddedFacts *Facts
)

// Embedded returns the facts built into the binary, generated from ATT&CK
// and the MISP galaxy by ./internal/genfacts. They are decoded on the first
// call and shared: callers must not modify them (Merge returns a copy).
func Embedded() *Facts {
	embeddedOnce.Do(func() {
		if len(embedded) == 0 {
			// Only while bootstrapping: genfacts itself builds on kb.
			embeddedFacts = &Facts{}
			return
		}
		f, err := Decode(bytes.NewReader(embedded))
		if err != nil {
			panic("kb: embedded facts.json.gz is corrupt; run go generate ./kb: " + err.Error())
		}
		embeddedFacts = f
	})
	return embeddedFacts
}

// Encode writes f as gzip-compressed JSON. The output depends only on f:
// no timestamp or file name goes into the gzip header, and Build and Merge
// keep every list in a fixed order.
func Encode(w io.Writer, f *Facts) error {
	data, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode facts: %w", err)
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(data); err != nil {
		return fmt.Errorf("encode facts: %w", err)
	}
	return zw.Close()
}

// Decode reads facts written by Encode.
func Decode(r io.Reader) (*Facts, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "facts file is not gzip", err)
	}
	var f Facts
	if err := json.NewDecoder(zr).Decode(&f); err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "truncated or malformed facts file: "+describe(err), err)
	}
	return &f, nil
}

// The files BuildDir reads, relative to the data folder. ATT&CK releases
// are found by pattern, so a newer release dropped beside the old one is
// read too (and wins, object by object, by its modified time).
var (
	attackGlobs  = []string{"attack/*-attack-*.json", "attack/*-attack-*.json.gz"}
	galaxyFiles  = []string{"threat-actor", "microsoft-activity-group", "360net", "mitre-intrusion-set", "country", "malpedia"}
	galaxyFolder = filepath.Join("misp-galaxy", "clusters")
)

// BuildDir reads the reference data in dir (laid out as aptgraph's shared
// data folder: attack/ and misp-galaxy/clusters/) and builds its facts.
func BuildDir(dir string) (*Facts, error) {
	src, err := ReadDir(dir)
	if err != nil {
		return nil, err
	}
	return Build(src), nil
}

// ReadDir reads the sources in dir that BuildDir builds from.
func ReadDir(dir string) (Sources, error) {
	var src Sources
	var paths []string
	for _, g := range attackGlobs {
		m, err := filepath.Glob(filepath.Join(dir, g))
		if err != nil {
			return src, err
		}
		paths = append(paths, m...)
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return src, aptgraph.Errorf(aptgraph.ENOTFOUND, "no ATT&CK bundles under %s", filepath.Join(dir, "attack"))
	}
	for _, p := range paths {
		b, err := readFile(p, ReadAttack)
		if err != nil {
			return src, err
		}
		src.Attack = append(src.Attack, b)
	}
	for _, name := range galaxyFiles {
		g, err := readFile(filepath.Join(dir, galaxyFolder, name+".json"), ReadGalaxy)
		if err != nil {
			return src, err
		}
		src.Galaxies = append(src.Galaxies, g)
	}
	return src, nil
}

func readFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return v, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	return v, nil
}
