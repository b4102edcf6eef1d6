package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aptgraph/aptgraph"
)

func runShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "show", "group NAME", "Show what the store knows about a group, found by any of its names:\naliases, claims with claimant, confidence, date, report and quote, victims,\ncountries, sectors, time ranges and the reports that mention it.")
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	asJSON := fs.Bool("json", false, "print the dossier as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 || pos[0] != "group" {
		fmt.Fprintln(e.stderr, "aptgraph show: usage: aptgraph show group NAME")
		return errUsage
	}
	name := strings.Join(pos[1:], " ")
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := aptgraph.BuildDossier(ctx, st, name)
	if err != nil {
		return err
	}
	events, err := aptgraph.Timeline(ctx, st, d.Name)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, struct {
			*aptgraph.Dossier
			Timeline []*aptgraph.Event `json:"timeline"`
		}{d, events})
	}
	printDossier(e.stdout, d)
	if len(events) > 0 {
		fmt.Fprintln(e.stdout, "\nTimeline:")
		for _, ev := range events {
			fmt.Fprintf(e.stdout, "  %s  %-14s %s\n", dateOnly(ev.Date), ev.Kind, clip(ev.What, 100))
		}
	}
	return nil
}

func printDossier(w io.Writer, d *aptgraph.Dossier) {
	fmt.Fprintf(w, "%s", d.Name)
	if d.AttackID != "" {
		fmt.Fprintf(w, " [%s]", d.AttackID)
	}
	fmt.Fprintln(w)
	if len(d.AliasInfo) > 0 {
		fmt.Fprintln(w, "  aliases:")
		for _, a := range d.AliasInfo {
			who := ""
			switch {
			case a.Coiner != "" && a.Source != "":
				who = fmt.Sprintf(" (named by %s; %s)", a.Coiner, a.Source)
			case a.Coiner != "":
				who = fmt.Sprintf(" (named by %s)", a.Coiner)
			case a.Source != "":
				who = fmt.Sprintf(" (%s)", a.Source)
			}
			fmt.Fprintf(w, "    %s%s\n", a.Name, who)
		}
	} else if len(d.Aliases) > 0 {
		fmt.Fprintf(w, "  aliases: %s\n", strings.Join(d.Aliases, ", "))
	}
	if d.FirstSeen != "" || d.LastSeen != "" {
		fmt.Fprintf(w, "  active: %s .. %s\n", dateOnly(d.FirstSeen), dateOnly(d.LastSeen))
	}
	if len(d.Origins) > 0 {
		fmt.Fprintf(w, "  origin: %s\n", strings.Join(d.Origins, ", "))
	}
	c := d.Consensus
	line := fmt.Sprintf("%d claimant(s)", c.Claimants)
	if c.MinConfidence != nil {
		line += fmt.Sprintf(", confidence %d-%d", *c.MinConfidence, *c.MaxConfidence)
	}
	if len(c.Sponsors) > 0 {
		line += ", sponsors: " + strings.Join(c.Sponsors, ", ")
	}
	if c.Disagreement {
		line += " (claimants disagree)"
	}
	fmt.Fprintf(w, "  consensus: %s\n", line)
	if len(d.Claims) > 0 {
		fmt.Fprintln(w, "\nClaims:")
		for _, cl := range d.Claims {
			conf := "no estimative wording"
			if cl.Confidence != nil {
				conf = fmt.Sprintf("confidence %d", *cl.Confidence)
			}
			fmt.Fprintf(w, "  - %s: %s -> %s (%s", cl.Claimant, cl.Group, cl.Sponsor, conf)
			if cl.Hedge != "" {
				fmt.Fprintf(w, "; %s", cl.Hedge)
			}
			fmt.Fprintf(w, ") %s\n", dateOnly(cl.Date))
			for _, r := range cl.Reports {
				fmt.Fprintf(w, "      report: %s\n", r.Name)
			}
			for _, q := range cl.Quotes {
				fmt.Fprintf(w, "      %q\n", clip(q, 240))
			}
		}
	}
	targets := func(title string, ts []*aptgraph.Target) {
		if len(ts) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, t := range ts {
			s := "  - " + t.Name
			if len(t.Sectors) > 0 {
				s += " (" + strings.Join(t.Sectors, ", ") + ")"
			}
			if t.FirstSeen != "" || t.LastSeen != "" {
				s += fmt.Sprintf(" [%s .. %s]", dateOnly(t.FirstSeen), dateOnly(t.LastSeen))
			}
			fmt.Fprintln(w, s)
		}
	}
	targets("Victims", d.Victims)
	targets("Countries", d.Countries)
	targets("Sectors", d.Sectors)
	if len(d.Uses) > 0 {
		fmt.Fprintln(w, "\nUses:")
		for _, u := range d.Uses {
			id := ""
			if u.ExternalID != "" {
				id = " [" + u.ExternalID + "]"
			}
			src := ""
			if u.Source != "" {
				src = " (" + u.Source + ")"
			}
			fmt.Fprintf(w, "  - %s: %s%s%s\n", u.Type, u.Name, id, src)
		}
	}
	if len(d.Campaigns) > 0 {
		fmt.Fprintln(w, "\nCampaigns:")
		for _, c := range d.Campaigns {
			fmt.Fprintf(w, "  - %s [%s .. %s]\n", c.Name, dateOnly(c.FirstSeen), dateOnly(c.LastSeen))
		}
	}
	if len(d.Reports) > 0 {
		fmt.Fprintln(w, "\nReports:")
		for _, r := range d.Reports {
			fmt.Fprintf(w, "  - %s %s %s\n", dateOnly(r.Published), r.Name, r.URL)
		}
	}
}

func dateOnly(ts string) string {
	if len(ts) >= 10 {
		return ts[:10]
	}
	if ts == "" {
		return "?"
	}
	return ts
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func runSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "search", "[flags] TEXT", "Full-text search over stored report texts and object names.")
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	asJSON := fs.Bool("json", false, "print the hits as JSON")
	limit := fs.Int("limit", 20, "at most this many hits")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fmt.Fprintln(e.stderr, "aptgraph search: give the text to search for")
		return errUsage
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	hits, err := st.Search(ctx, strings.Join(pos, " "), *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		if hits == nil {
			hits = []*aptgraph.SearchHit{}
		}
		return writeJSON(e.stdout, hits)
	}
	if len(hits) == 0 {
		fmt.Fprintln(e.stdout, "no matches")
		return nil
	}
	for _, h := range hits {
		fmt.Fprintf(e.stdout, "%s  %s  %s\n    %s\n", h.Type, h.ID, h.Name, oneLine(h.Snippet))
	}
	return nil
}
