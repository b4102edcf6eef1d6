package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// CSVHeader is the first row CSV writes.
var CSVHeader = []string{"group", "relationship", "target", "claimant", "confidence", "date", "report", "quote"}

// CSV writes the export as CSV: a header, then one row per relationship of
// a group (attribution claims, targets, uses, origins), sorted by group,
// relationship, target, claimant and date. The date and report are those of
// the oldest report that gives evidence for it (the relationship's own
// created time when none does), the quote is that report's. A cell that a
// spreadsheet would run as a formula is prefixed with a quote mark. Returns
// what STIX returns.
func CSV(ctx context.Context, s aptgraph.Store, opt Options, w io.Writer) error {
	b, err := STIX(ctx, s, opt)
	if err != nil {
		return err
	}
	byID := map[string]*stix.Object{}
	for _, o := range b.Objects {
		byID[o.ID] = o
	}
	name := func(id string) string {
		if o := byID[id]; o != nil {
			if o.Name != "" {
				return o.Name
			}
			if o.Value != "" {
				return o.Value
			}
		}
		return id
	}
	var rows [][]string
	for _, o := range b.Objects {
		if o.Type != "relationship" || stix.IDType(o.SourceRef) != "intrusion-set" {
			continue
		}
		row := []string{name(o.SourceRef), o.RelationshipType, name(o.TargetRef), "", "", o.Created, "", ""}
		if o.CreatedByRef != "" {
			row[3] = name(o.CreatedByRef)
		}
		if o.Confidence != nil {
			row[4] = strconv.Itoa(*o.Confidence)
		}
		var best *stix.Evidence
		bestDate := ""
		for i, e := range o.Evidence {
			r := byID[e.ReportRef]
			if r == nil {
				continue
			}
			if best == nil || r.Published != "" && (bestDate == "" || r.Published < bestDate) {
				best, bestDate = &o.Evidence[i], r.Published
			}
		}
		if best != nil {
			if bestDate != "" {
				row[5] = bestDate
			}
			row[6], row[7] = name(best.ReportRef), best.Quote
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		for _, k := range []int{0, 1, 2, 3, 5} {
			if rows[i][k] != rows[j][k] {
				return rows[i][k] < rows[j][k]
			}
		}
		return false
	})
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, row := range rows {
		for i := range row {
			row[i] = defuse(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// defuse keeps a spreadsheet from reading a cell as a formula (OWASP's
// advice on CSV injection): a cell that starts with = + - @ or a control
// character gets a leading quote mark.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
