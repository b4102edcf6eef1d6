package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/aptgraph/aptgraph"
)

func runGroups(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "groups", "[flags]", "List the stored groups that match every filter given, by name.\n"+
		"Names match whatever their case; a country is a name or ISO code (JP, Japan);\n"+
		"a sponsor is a name, alias or initials (MSS), or a country (China); --uses takes\n"+
		"an ATT&CK technique id (T1566 also matches T1566.001) or name, or a malware or tool.")
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	asJSON := fs.Bool("json", false, "print the groups as JSON")
	var f aptgraph.GroupFilter
	fs.StringVar(&f.TargetsSector, "targets-sector", "", "only groups that target this `sector` (aerospace, government, ...)")
	fs.StringVar(&f.TargetsCountry, "targets-country", "", "only groups that target this `country`")
	fs.StringVar(&f.Sponsor, "sponsor", "", "only groups a claim attributes to this `sponsor` or country")
	fs.StringVar(&f.Uses, "uses", "", "only groups that use this `technique`, malware or tool")
	since := fs.String("active-since", "", "only groups active in or after this `YEAR|DATE` (2019, 2019-06-01)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fmt.Fprintln(e.stderr, "aptgraph groups: takes no arguments, only flags (see aptgraph groups --help)")
		return errUsage
	}
	if *since != "" {
		t, err := parseDateFlag(*since)
		if err != nil {
			return aptgraph.Errorf(aptgraph.EINVALID, "cannot read --active-since %q as a year or date", *since)
		}
		f.ActiveSince = t
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	groups, err := aptgraph.FindGroups(ctx, st, f)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, groups)
	}
	if len(groups) == 0 {
		fmt.Fprintln(e.stdout, "no groups match")
		return nil
	}
	return printGroups(e.stdout, groups)
}

func printGroups(w io.Writer, groups []*aptgraph.GroupSummary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "GROUP\tSPONSORS\tCOUNTRIES\tSECTORS\tACTIVE\tREPORTS")
	for _, g := range groups {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s..%s\t%d\n", g.Name, list(g.Sponsors, 3), list(g.Countries, 4),
			list(g.Sectors, 4), yearOf(g.FirstSeen), yearOf(g.LastSeen), g.Reports)
	}
	return tw.Flush()
}

// list joins up to n items, saying how many more there are.
func list(items []string, n int) string {
	if len(items) == 0 {
		return "-"
	}
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s +%d", strings.Join(items[:n], ", "), len(items)-n)
}

func yearOf(ts string) string {
	if len(ts) >= 4 {
		return ts[:4]
	}
	return "?"
}
