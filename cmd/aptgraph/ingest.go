package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/extract"
	"github.com/aptgraph/aptgraph/source"
)

// ingestLine is the result of ingesting one input, as printed with --json.
type ingestLine struct {
	Input     string `json:"input"`
	Report    string `json:"report,omitempty"`
	Title     string `json:"title,omitempty"`
	Objects   int    `json:"objects,omitempty"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Millis    int64  `json:"ms"`
	Error     string `json:"error,omitempty"`
}

func runIngest(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "ingest", "[flags] FILE|URL|-...", "Read reports and store their intelligence, each report in one transaction.\nRe-ingesting a report changes nothing. --feed reads an RSS or Atom feed's items.")
	var d docFlags
	d.register(fs)
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	asJSON := fs.Bool("json", false, "print one JSON object per report")
	feed := fs.String("feed", "", "an RSS or Atom feed URL (or file) whose items to ingest")
	quiet := fs.Bool("quiet", false, "no progress bar")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 && *feed == "" {
		fmt.Fprintln(e.stderr, "aptgraph ingest: give at least one FILE, URL or -, or --feed URL")
		return errUsage
	}
	opt, pub, err := d.options()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	// Names resolve with their provenance from the first report on.
	if err := seedNames(ctx, st); err != nil {
		return err
	}

	type job struct {
		name string
		item *source.FeedItem
	}
	var jobs []job
	for _, p := range pos {
		jobs = append(jobs, job{name: p})
	}
	if *feed != "" {
		items, err := source.Feed(ctx, *feed, source.Options{})
		if err != nil {
			return err
		}
		for i := range items {
			jobs = append(jobs, job{name: items[i].Link, item: &items[i]})
		}
	}

	var bar *progressbar.ProgressBar
	if len(jobs) > 1 && !*quiet && !*asJSON && isTerminal(os.Stderr) {
		bar = progressbar.NewOptions(len(jobs), progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription("ingesting"), progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish())
	}
	x := extract.Default()
	failed := 0
	var lastErr error
	for _, j := range jobs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		start := time.Now()
		line := ingestLine{Input: j.name}
		res, err := func() (*aptgraph.WriteResult, error) {
			var doc *aptgraph.Document
			var err error
			if j.item != nil {
				doc, err = source.OpenItem(ctx, *j.item, source.Options{})
				if err == nil && d.title != "" {
					doc.Title = d.title
				}
			} else {
				doc, err = d.read(ctx, e, j.name, pub)
			}
			if err != nil {
				return nil, err
			}
			r, err := x.Extract(doc, opt)
			if err != nil {
				return nil, err
			}
			line.Report, line.Title, line.Objects = r.Report.ID, r.Report.Name, len(r.Bundle.Objects)
			return st.Write(ctx, &aptgraph.Batch{Report: r.Report, Text: r.Text, Objects: r.Bundle.Objects, Merge: true})
		}()
		line.Millis = time.Since(start).Milliseconds()
		if err != nil {
			failed++
			lastErr = err
			line.Error = oneLine(err.Error())
		} else {
			line.Created, line.Updated, line.Unchanged = res.Created, res.Updated, res.Unchanged
		}
		if bar != nil {
			_ = bar.Add(1)
		}
		switch {
		case *asJSON:
			_ = writeCompactJSON(e.stdout, line)
		case line.Error != "" && len(jobs) == 1:
		case line.Error != "":
			fmt.Fprintf(e.stderr, "%s: error: %s\n", j.name, line.Error)
		default:
			fmt.Fprintf(e.stdout, "%s: %s %q: %d objects, %d new, %d updated, %d unchanged (%d ms)\n",
				j.name, line.Report, line.Title, line.Objects, line.Created, line.Updated, line.Unchanged, line.Millis)
		}
	}
	if failed > 0 {
		if len(jobs) == 1 {
			return lastErr
		}
		return &partialError{failed: failed, total: len(jobs)}
	}
	return nil
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
