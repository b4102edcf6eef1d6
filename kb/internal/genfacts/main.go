// Command genfacts builds kb/facts.json.gz, the reference facts embedded in
// aptgraph, from the ATT&CK bundles and MISP galaxy clusters in a data
// folder. Run it through go generate in kb:
//
//	go generate ./kb
//
// The output is deterministic: the same data gives the same bytes.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/aptgraph/aptgraph/kb"
)

func main() {
	data := flag.String("data", "../../shared/data", "the reference data folder (holding attack/ and misp-galaxy/)")
	out := flag.String("out", "facts.json.gz", "the file to write")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("genfacts: ")

	f, err := kb.BuildDir(*data)
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := kb.Encode(&buf, f); err != nil {
		log.Fatal(err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".facts-*")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		log.Fatal(err)
	}
	if err := tmp.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		os.Remove(tmp.Name())
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "genfacts: wrote %s (%d bytes): %d groups, %d software, %d techniques, %d countries, %d ambiguous names\n",
		*out, buf.Len(), len(f.Groups), len(f.Software), len(f.Techniques), len(f.Countries), len(f.Ambiguous))
}
