package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/aptgraph/aptgraph"
)

func runTimeline(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "timeline", "[flags] NAME", "Print the dated history of a group, found by any of its names, oldest first:\n"+
		"first and last seen, campaigns, dated targeting, reports and the claims they make.")
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	asJSON := fs.Bool("json", false, "print the events as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fmt.Fprintln(e.stderr, "aptgraph timeline: usage: aptgraph timeline NAME")
		return errUsage
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	evs, err := aptgraph.Timeline(ctx, st, strings.Join(pos, " "))
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, evs)
	}
	if len(evs) == 0 {
		fmt.Fprintln(e.stdout, "no dated events")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, ev := range evs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", dateOnly(ev.Date), ev.Kind, ev.What)
		if ev.Quote != "" {
			fmt.Fprintf(tw, "\t\t%q\n", clip(ev.Quote, 200))
		}
	}
	return tw.Flush()
}
