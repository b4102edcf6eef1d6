package source

import (
	"regexp"
	"strings"
	"time"
)

// dateLayouts are the ways pages, feeds and PDFs write dates, most common
// first. Layouts without a zone are read as UTC.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -0700 MST",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04 MST",
	"Mon, _2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 MST",
	time.RFC850,
	time.ANSIC,
	time.UnixDate,
	"2006/01/02 15:04:05",
	"2006/01/02",
	"2006.01.02",
	"January 2, 2006 15:04 MST",
	"January 2, 2006 3:04 PM",
	"January 2, 2006",
	"Jan 2, 2006",
	"Jan. 2, 2006",
	"January 2 2006",
	"Jan 2 2006",
	"Monday, January 2, 2006",
	"Mon, January 2, 2006",
	"Monday, 2 January 2006",
	"2 January 2006",
	"2 Jan 2006",
	"2 Jan. 2006",
	"02-Jan-2006",
	"January 2006",
	"20060102",
}

// ordinal matches the suffix of "March 3rd", which no layout can.
var ordinal = regexp.MustCompile(`\b(\d{1,2})(st|nd|rd|th)\b`)

// parseDate reads a date in any of the forms in dateLayouts, plus PDF's
// D:YYYYMMDDHHmmSS, and reports whether it could. Years outside 1900–2999
// are refused: such a date is a placeholder ("0001-01-01") or a typo, and
// a wrong date misleads more than none.
func parseDate(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	if strings.HasPrefix(s, "D:") {
		return parsePDFDate(s)
	}
	s = ordinal.ReplaceAllString(s, "$1")
	s = strings.Replace(s, "Sept ", "Sep ", 1)
	s = strings.Replace(s, "Sept. ", "Sep. ", 1)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return fixZone(t), plausible(t)
		}
	}
	return time.Time{}, false
}

func plausible(t time.Time) bool {
	return t.Year() >= 1900 && t.Year() < 3000
}

// parsePDFDate reads a PDF date, D:YYYYMMDDHHmmSSOHH'mm', where everything
// after the year may be missing and O is +, - or Z.
func parsePDFDate(s string) (time.Time, bool) {
	s = strings.TrimPrefix(s, "D:")
	digits := 0
	for digits < len(s) && digits < 14 && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits < 4 || digits%2 != 0 {
		return time.Time{}, false
	}
	// Pad the missing fields with the earliest value: month and day 01.
	stamp := s[:digits] + "0101000000"[digits-4:]
	t, err := time.Parse("20060102150405", stamp)
	if err != nil {
		return time.Time{}, false
	}
	rest := strings.ReplaceAll(s[digits:], "'", "")
	if len(rest) == 5 && (rest[0] == '+' || rest[0] == '-') {
		if z, err := time.Parse("-0700", rest); err == nil {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, z.Location())
		}
	} else if len(rest) == 3 && (rest[0] == '+' || rest[0] == '-') {
		if z, err := time.Parse("-07", rest); err == nil {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, z.Location())
		}
	}
	return t, plausible(t)
}

// zoneOffsets are the zone abbreviations that RFC 822 dates carry and Go
// cannot place unless they are the local zone.
var zoneOffsets = map[string]int{
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"CET": 1, "CEST": 2, "BST": 1, "JST": 9, "KST": 9, "MSK": 3,
}

func fixZone(t time.Time) time.Time {
	name, off := t.Zone()
	if h, ok := zoneOffsets[name]; ok && off == 0 {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone(name, h*3600))
	}
	return t
}
