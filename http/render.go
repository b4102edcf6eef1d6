package http

import (
	"bytes"
	"fmt"
	"html/template"
	nethttp "net/http"
	"net/url"
	"strings"

	"github.com/aptgraph/aptgraph/stix"
)

// pages holds one template set per page, each with the shared layout.
type pages struct{ sets map[string]*template.Template }

var pageNames = []string{"home", "group", "report", "search", "claims", "error"}

var funcs = template.FuncMap{
	"date":      date,
	"groupURL":  groupURL,
	"reportURL": reportURL,
	"claimsURL": claimsURL,
	"objectURL": objectURL,
	"attackURL": attackURL,
	"join":      func(s []string) string { return strings.Join(s, ", ") },
	"f1":        func(x float64) string { return fmt.Sprintf("%.1f", x) },
}

func mustParsePages() *pages {
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range pageNames {
		p.sets[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name+".html"))
	}
	return p
}

// page is what every page template gets.
type page struct {
	Site  string // the site's title
	Title string // the page's title
	Query string // the search box's text
	Body  any
}

// render writes the page name with body, rendered in full before a byte
// is sent, so that a template error is still a clean 500.
func (h *handler) render(w nethttp.ResponseWriter, r *nethttp.Request, status int, name, title string, body any) error {
	var buf bytes.Buffer
	p := page{Site: h.opt.Title, Title: title, Query: r.URL.Query().Get("q"), Body: body}
	if err := h.pages.sets[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
	return nil
}

// htmlError answers with err as an HTML page.
func (h *handler) htmlError(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	code, st, msg := status(err)
	h.logError(r, err, st)
	if st == nethttp.StatusUnauthorized {
		challenge(w)
	}
	body := struct {
		Status  int
		Code    string
		Message string
	}{st, code, msg}
	if rerr := h.render(w, r, st, "error", nethttp.StatusText(st), body); rerr != nil {
		h.log.ErrorContext(r.Context(), "http", "err", rerr)
		nethttp.Error(w, "internal error", nethttp.StatusInternalServerError)
	}
}

// date renders a STIX timestamp as a day, or "" when there is none.
func date(ts string) string {
	t, err := stix.ParseTime(ts)
	if err != nil {
		return ""
	}
	return t.Format("2006-01-02")
}

func groupURL(name string) string   { return "/groups/" + url.PathEscape(name) }
func reportURL(id string) string    { return "/reports/" + url.PathEscape(id) }
func claimsURL(about string) string { return "/claims?about=" + url.QueryEscape(about) }

// objectURL returns the page that best shows an object: a group's dossier,
// a report, the claims about a sponsor or by a claimant, else its JSON.
func objectURL(typ, id, name string) string {
	switch {
	case typ == "intrusion-set" && name != "":
		return groupURL(name)
	case typ == "report":
		return reportURL(id)
	case (typ == "threat-actor" || typ == "identity" || typ == "campaign") && name != "":
		return claimsURL(name)
	}
	return "/api/objects/" + url.PathEscape(id)
}

// attackURL returns the ATT&CK page of a technique, group or software id,
// or "" for anything else.
func attackURL(id string) string {
	if len(id) < 5 {
		return ""
	}
	for _, c := range id[1:] {
		if !(c >= '0' && c <= '9' || c == '.') {
			return ""
		}
	}
	switch id[0] {
	case 'T':
		return "https://attack.mitre.org/techniques/" + strings.ReplaceAll(id, ".", "/") + "/"
	case 'G':
		return "https://attack.mitre.org/groups/" + id + "/"
	case 'S':
		return "https://attack.mitre.org/software/" + id + "/"
	}
	return ""
}
