package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/aptgraph/aptgraph"
)

const aliasSummary = "Resolve group names, and record the local analyst's claims about them.\n\n" +
	"  resolve NAME     the groups NAME may stand for, with who coined each name and\n" +
	"                   which source links it; \"ambiguous\" when there are several\n" +
	"  join A B         claim that A and B name the same group (cancels a split of A and B)\n" +
	"  split A B        claim that A and B name different groups (cancels a join of A and B)\n" +
	"  undo ID          withdraw a claim\n" +
	"  list             the standing claims (--all: undone ones too)\n\n" +
	"Claims are stored with who made them and when, and never change the data's names."

func runAlias(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fs := newFlags(e, "alias", "resolve|join|split|undo|list [flags] [arguments]", aliasSummary)
		aliasFlags(fs)
		fs.Usage()
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	sub := args[0]
	want := map[string]string{"resolve": "NAME", "join": "A B", "split": "A B", "undo": "ID", "list": ""}
	argsUsage, ok := want[sub]
	if !ok {
		fmt.Fprintf(e.stderr, "aptgraph alias: unknown subcommand %q: give resolve, join, split, undo or list\n", sub)
		return errUsage
	}
	fs := newFlags(e, "alias "+sub, "[flags] "+argsUsage, aliasSummary)
	o := aliasFlags(fs)
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if n := len(strings.Fields(argsUsage)); len(pos) != n {
		fmt.Fprintf(e.stderr, "aptgraph alias %s: give %s\n", sub, strings.TrimSpace("exactly "+argsUsage))
		if n == 0 {
			fmt.Fprintf(e.stderr, "aptgraph alias %s: takes no arguments\n", sub)
		}
		return errUsage
	}
	st, err := openStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := seedNames(ctx, st); err != nil {
		return err
	}
	switch sub {
	case "resolve":
		return aliasResolve(ctx, e, st, pos[0], o)
	case "join", "split":
		claim := aptgraph.JoinNames
		if sub == "split" {
			claim = aptgraph.SplitNames
		}
		c, cancelled, err := claim(ctx, st, pos[0], pos[1], o.by, o.note)
		if err != nil {
			return err
		}
		if o.asJSON {
			return writeJSON(e.stdout, struct {
				*aptgraph.AliasClaim
				Cancelled bool `json:"cancelled"`
			}{c, cancelled})
		}
		if cancelled {
			fmt.Fprintf(e.stdout, "undid claim %d (%s %q %q): the names are no longer %s\n", c.ID, c.Kind, c.A, c.B, map[string]string{
				aptgraph.AliasJoin: "joined", aptgraph.AliasSplit: "split"}[c.Kind])
			return nil
		}
		fmt.Fprintf(e.stdout, "claim %d: %s %q %q, by %s\n", c.ID, c.Kind, c.A, c.B, c.By)
		return nil
	case "undo":
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil || id <= 0 {
			return aptgraph.Errorf(aptgraph.EINVALID, "claim id %q is not a positive number", pos[0])
		}
		c, err := st.UndoAliasClaim(ctx, id, o.by)
		if err != nil {
			return err
		}
		if o.asJSON {
			return writeJSON(e.stdout, c)
		}
		fmt.Fprintf(e.stdout, "undid claim %d (%s %q %q)\n", c.ID, c.Kind, c.A, c.B)
		return nil
	default: // list
		claims, err := st.AliasClaims(ctx, aptgraph.AliasClaimFilter{Undone: o.all})
		if err != nil {
			return err
		}
		if o.asJSON {
			if claims == nil {
				claims = []*aptgraph.AliasClaim{}
			}
			return writeJSON(e.stdout, claims)
		}
		if len(claims) == 0 {
			fmt.Fprintln(e.stdout, "no local claims")
			return nil
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCLAIM\tA\tB\tBY\tWHEN\tNOTE")
		for _, c := range claims {
			kind := "local " + c.Kind
			if !c.Standing() {
				kind += " (undone by " + c.UndoneBy + " " + c.Undone.Format("2006-01-02") + ")"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, kind, c.A, c.B, c.By, c.Created.Format("2006-01-02 15:04"), oneLine(c.Note))
		}
		return tw.Flush()
	}
}

type aliasOptions struct {
	db, by, note string
	asJSON, all  bool
}

func aliasFlags(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) *aliasOptions {
	var o aliasOptions
	by := os.Getenv("USER")
	if by == "" {
		by = "local"
	}
	fs.StringVar(&o.db, "db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	fs.BoolVar(&o.asJSON, "json", false, "print JSON")
	fs.StringVar(&o.by, "by", by, "who makes or undoes the claim")
	fs.StringVar(&o.note, "note", "", "why: a note kept with the claim")
	fs.BoolVar(&o.all, "all", false, "list: undone claims too")
	return &o
}

// resolveOutput is what alias resolve --json prints.
type resolveOutput struct {
	Name       string                     `json:"name"`
	Ambiguous  bool                       `json:"ambiguous"`
	Candidates []*aptgraph.AliasCandidate `json:"candidates"`
}

func aliasResolve(ctx context.Context, e *env, st aptgraph.Store, name string, o *aliasOptions) error {
	cands, err := aptgraph.ResolveName(ctx, st, name)
	if err != nil {
		return err
	}
	if o.asJSON {
		if cands == nil {
			cands = []*aptgraph.AliasCandidate{}
		}
		if err := writeJSON(e.stdout, resolveOutput{Name: name, Ambiguous: aptgraph.Ambiguous(cands), Candidates: cands}); err != nil {
			return err
		}
	}
	if len(cands) == 0 {
		return aptgraph.Errorf(aptgraph.ENOTFOUND, "no group is known by the name %q", name)
	}
	if o.asJSON {
		return nil
	}
	if aptgraph.Ambiguous(cands) {
		fmt.Fprintf(e.stdout, "%q is ambiguous: it may name %d groups\n", name, len(cands))
	} else {
		fmt.Fprintf(e.stdout, "%q names %s\n", name, cands[0].Group)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCORE\tGROUP\tKEY\tNAME\tCOINED BY\tSOURCE\tLOCAL CLAIM")
	for _, c := range cands {
		local := ""
		switch {
		case c.JoinedBy != 0:
			local = fmt.Sprintf("joined by claim %d (with %q)", c.JoinedBy, c.Via)
		case c.SplitBy != 0:
			local = fmt.Sprintf("split off by claim %d (from %q)", c.SplitBy, c.Via)
		}
		fmt.Fprintf(tw, "%.2f\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Score, c.Group, c.GroupKey, c.Name, dash(c.Coiner), dash(c.Source), local)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
