package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/export"
	"github.com/aptgraph/aptgraph/stix"
)

func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "export", "stix|misp|csv [flags]", "Export the store, or one group and what it connects to, as a STIX 2.1 bundle,\n"+
		"a MISP event (JSON) or CSV (one row per claim or relationship of a group).\n"+
		"Only objects at or below --max-tlp are written, and references to the rest are cut.")
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	group := fs.String("group", "", "export only this group (any of its names) and what it connects to")
	maxTLP := fs.String("max-tlp", "clear", "the most restricted TLP level to export: clear, green, amber, amber+strict, red")
	outPath := fs.String("o", "", "write to this `file` instead of standard output")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "stix" && pos[0] != "misp" && pos[0] != "csv") {
		fmt.Fprintln(e.stderr, "aptgraph export: usage: aptgraph export stix|misp|csv [--group NAME] [--max-tlp LEVEL] [-o FILE]")
		return errUsage
	}
	level, ok := stix.ParseTLP(*maxTLP)
	if !ok {
		return aptgraph.Errorf(aptgraph.EINVALID, "unknown TLP level %q (want clear, green, amber, amber+strict or red)", *maxTLP)
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	opt := export.Options{Group: *group, MaxTLP: level}
	var buf bytes.Buffer
	switch pos[0] {
	case "stix":
		b, err := export.STIX(ctx, st, opt)
		if err != nil {
			return err
		}
		err = writeJSON(&buf, b)
		if err != nil {
			return err
		}
	case "misp":
		ev, err := export.MISP(ctx, st, opt)
		if err != nil {
			return err
		}
		if err := writeJSON(&buf, ev); err != nil {
			return err
		}
	case "csv":
		if err := export.CSV(ctx, st, opt, &buf); err != nil {
			return err
		}
	}
	if *outPath == "" || *outPath == "-" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	return writeFileAtomic(*outPath, buf.Bytes())
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder, so that a failed export never leaves half a file behind.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return aptgraph.WrapError(aptgraph.EINVALID, "cannot write "+path, err)
	}
	_ = f.Chmod(0o644)
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), path)
	}
	if werr != nil {
		os.Remove(f.Name())
		return aptgraph.WrapError(aptgraph.EINTERNAL, "cannot write "+path, werr)
	}
	return nil
}
