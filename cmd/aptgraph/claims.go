package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aptgraph/aptgraph"
)

func runClaims(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "claims", "--about NAME [flags]", "List the attribution claims about a group (by any of its names), a sponsor\n"+
		"(by name, initials such as MSS, or country), or made by a claimant, oldest first:\n"+
		"who claims it, group and sponsor, confidence or hedge, date, report and quote.")
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	asJSON := fs.Bool("json", false, "print the claims as JSON")
	about := fs.String("about", "", "the group, sponsor or claimant the claims are about (required)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *about == "" && len(pos) > 0 {
		*about = strings.Join(pos, " ")
		pos = nil
	}
	if *about == "" || len(pos) > 0 {
		fmt.Fprintln(e.stderr, "aptgraph claims: usage: aptgraph claims --about NAME")
		return errUsage
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	claims, err := aptgraph.FindClaims(ctx, st, *about)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, claims)
	}
	if len(claims) == 0 {
		fmt.Fprintf(e.stdout, "no claims about %s\n", *about)
		return nil
	}
	printClaims(e.stdout, claims)
	return nil
}

func printClaims(w io.Writer, claims []*aptgraph.Claim) {
	for _, c := range claims {
		claimant := c.Claimant
		if claimant == "" {
			claimant = "(unnamed)"
		}
		conf := "no estimative wording"
		if c.Confidence != nil {
			conf = fmt.Sprintf("confidence %d", *c.Confidence)
		}
		if c.Hedge != "" {
			conf += "; " + c.Hedge
		}
		fmt.Fprintf(w, "%s  %s: %s -> %s (%s)\n", dateOnly(c.Date), claimant, c.Group, c.Sponsor, conf)
		for _, r := range c.Reports {
			fmt.Fprintf(w, "    report: %s\n", r.Name)
		}
		for _, q := range c.Quotes {
			fmt.Fprintf(w, "    %q\n", clip(q, 240))
		}
	}
}
