package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/kb"
)

// importLine is the result of an import, as printed with --json.
type importLine struct {
	Input     string `json:"input"`
	Kind      string `json:"kind"`              // "attack" or "misp-galaxy"
	Dataset   string `json:"dataset,omitempty"` // "Enterprise ATT&CK 18.1", "threat-actor"
	Objects   int    `json:"objects"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	History   int    `json:"history"` // revoked or deprecated objects, stored as history
	Names     int    `json:"names"`   // name records new or changed
	Millis    int64  `json:"ms"`
}

func runImport(ctx context.Context, e *env, args []string) error {
	const summary = "Import reference data into the store.\n\n" +
		"  attack FILE[.gz]    an ATT&CK STIX 2.1 bundle (Enterprise, Mobile or ICS): its objects,\n" +
		"                      in one transaction, each keeping its own versions; revoked and\n" +
		"                      deprecated objects are kept as history; and its groups' names\n" +
		"  misp-galaxy FILE    a MISP galaxy cluster file (threat-actor, microsoft-activity-group,\n" +
		"                      360net, mitre-intrusion-set, sector, country, malpedia): its names,\n" +
		"                      who coined them and which source links them\n\n" +
		"Importing the same file again changes nothing. A file that cannot be read whole\n" +
		"leaves the store as it was."
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fs := newFlags(e, "import", "attack|misp-galaxy [flags] FILE", summary)
		importFlags(fs)
		fs.Usage()
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	kind := args[0]
	if kind != "attack" && kind != "misp-galaxy" {
		fmt.Fprintf(e.stderr, "aptgraph import: unknown kind %q: give attack or misp-galaxy\n", kind)
		return errUsage
	}
	fs := newFlags(e, "import "+kind, "[flags] FILE", summary)
	f := importFlags(fs)
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintf(e.stderr, "aptgraph import %s: give one FILE\n", kind)
		return errUsage
	}
	start := time.Now()
	line := importLine{Input: pos[0], Kind: kind}
	var bar *progressbar.ProgressBar
	if !f.quiet && !f.asJSON && isTerminal(os.Stderr) {
		bar = progressbar.NewOptions64(-1, progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription("reading "+filepath.Base(pos[0])), progressbar.OptionShowBytes(true),
			progressbar.OptionClearOnFinish())
		defer bar.Finish()
	}

	// The file is read whole before the store is opened, so that a file
	// that fails leaves the store as it was.
	var (
		batch *aptgraph.Batch
		names []*aptgraph.NameRecord
	)
	switch kind {
	case "attack":
		b, err := readInput(pos[0], bar, kb.ReadAttack)
		if err != nil {
			return err
		}
		line.Dataset = b.Name
		if b.Version != "" {
			line.Dataset += " " + b.Version
		}
		line.Objects, line.History = len(b.Objects), len(b.History)
		batch = &aptgraph.Batch{Objects: b.Objects, Merge: false}
		names = nameRecords(kb.Merge(kb.Embedded(), b.Facts), nil)
	case "misp-galaxy":
		g, err := readInput(pos[0], bar, kb.ReadGalaxy)
		if err != nil {
			return err
		}
		line.Dataset = g.Type
		names = nameRecords(kb.Merge(kb.Embedded(), g.Facts()), g)
	}

	st, err := openStore(ctx, f.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if bar != nil {
		bar.Describe("writing")
	}
	if err := seedNames(ctx, st); err != nil {
		return err
	}
	if batch != nil {
		res, err := st.Write(ctx, batch)
		if err != nil {
			return err
		}
		line.Created, line.Updated, line.Unchanged = res.Created, res.Updated, res.Unchanged
	}
	if line.Names, err = st.PutNames(ctx, names); err != nil {
		return err
	}
	line.Millis = time.Since(start).Milliseconds()
	if bar != nil {
		_ = bar.Finish()
	}
	if f.asJSON {
		return writeCompactJSON(e.stdout, line)
	}
	fmt.Fprintf(e.stdout, "%s: %s: %d objects (%d kept as history), %d new, %d updated, %d unchanged; %d names new or changed (%d ms)\n",
		line.Input, line.Dataset, line.Objects, line.History, line.Created, line.Updated, line.Unchanged, line.Names, line.Millis)
	return nil
}

type importOptions struct {
	db     string
	asJSON bool
	quiet  bool
}

func importFlags(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) *importOptions {
	var o importOptions
	fs.StringVar(&o.db, "db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	fs.BoolVar(&o.asJSON, "json", false, "print the result as one JSON object")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	return &o
}

// readInput opens path and reads it with read, counting bytes on bar.
func readInput[T any](path string, bar *progressbar.ProgressBar, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	fh, err := os.Open(path)
	if err != nil {
		return zero, aptgraph.WrapError(aptgraph.ENOTFOUND, "cannot open "+path, err)
	}
	defer fh.Close()
	var r io.Reader = fh
	if bar != nil {
		if fi, err := fh.Stat(); err == nil {
			bar.ChangeMax64(fi.Size())
		}
		pr := progressbar.NewReader(fh, bar)
		r = &pr
	}
	v, err := read(r)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return v, nil
}

// seedNames fills an empty store's names with those of the facts built
// into aptgraph, so that names resolve before anything is imported.
func seedNames(ctx context.Context, st aptgraph.Store) error {
	n, err := st.CountNames(ctx)
	if err != nil || n > 0 {
		return err
	}
	_, err = st.PutNames(ctx, nameRecords(kb.Embedded(), nil))
	return err
}

// nameRecords returns the name records of facts: each group's canonical
// name and aliases, software and countries; and, for a galaxy of sectors,
// its clusters' names, which facts do not keep. The scores are those of
// kb.Index before it shares them among the groups of a name.
func nameRecords(f *kb.Facts, g *kb.Galaxy) []*aptgraph.NameRecord {
	var out []*aptgraph.NameRecord
	add := func(name, kind, key, group, source, coiner string, score float64) {
		if aptgraph.NormalizeName(name) == "" || len(name) > 256 {
			return
		}
		out = append(out, &aptgraph.NameRecord{Name: name, Kind: kind, GroupKey: key, GroupName: group,
			Source: source, Coiner: coiner, Score: score})
	}
	for _, gr := range f.Groups {
		add(gr.Name, aptgraph.NameGroup, gr.Key, gr.Name, gr.Source, gr.Coiner, 1)
		for _, a := range gr.Aliases {
			w := 0.8
			if a.Source == kb.SourceThreatActor || a.Source == kb.SourceAttack {
				w = 0.9
			}
			add(a.Name, aptgraph.NameGroup, gr.Key, gr.Name, a.Source, a.Coiner, w)
		}
	}
	for _, s := range f.Software {
		key := s.AttackID
		if key == "" {
			key = "name:" + aptgraph.NormalizeName(s.Name)
		}
		add(s.Name, aptgraph.NameSoftware, key, s.Name, "", "", 1)
		for _, a := range s.Aliases {
			add(a, aptgraph.NameSoftware, key, s.Name, "", "", 0.9)
		}
	}
	for _, c := range f.Countries {
		add(c.Name, aptgraph.NameCountry, c.ISO2, c.Name, "", "", 1)
		add(c.ISO2, aptgraph.NameCountry, c.ISO2, c.Name, "", "", 1)
		if c.ISO3 != "" {
			add(c.ISO3, aptgraph.NameCountry, c.ISO2, c.Name, "", "", 1)
		}
		for _, a := range c.Aliases {
			add(a, aptgraph.NameCountry, c.ISO2, c.Name, "", "", 0.9)
		}
	}
	if g != nil && g.Type == kb.GalaxySector {
		for _, c := range g.Clusters {
			add(c.Value, aptgraph.NameSector, c.UUID, c.Value, "misp-sector", "", 1)
			for _, s := range c.Synonyms {
				add(s, aptgraph.NameSector, c.UUID, c.Value, "misp-sector", "", 0.9)
			}
		}
	}
	return out
}
