// Package http serves aptgraph's web UI and JSON API: group dossiers,
// reports with their evidence highlighted, claims and full-text search, as
// server-rendered HTML with inline SVG, and the same data as JSON under
// /api/.
//
// Every request is made as a reader: a token (HTTP Basic with the token
// secret as password, or Bearer) or, when Options.Public is set, anonymous.
// A reader sees only objects at or below its TLP clearance; see view.
package http

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	nethttp "net/http"
	"strings"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

//go:embed templates static
var assets embed.FS

// Options configure the handler.
type Options struct {
	// Public lets anonymous users read TLP:CLEAR objects. Without it every
	// request needs a token.
	Public bool
	// Title names the site in page headers; "aptgraph" when empty.
	Title string
	// Log receives the detail of internal errors; slog.Default when nil.
	Log *slog.Logger
}

type handler struct {
	store aptgraph.Store
	opt   Options
	log   *slog.Logger
	pages *pages
	mux   *nethttp.ServeMux
}

// NewHandler returns the web UI and JSON API over store. It serves from
// the root of a URL space: mount it at "/".
func NewHandler(store aptgraph.Store, opt Options) nethttp.Handler {
	if opt.Title == "" {
		opt.Title = "aptgraph"
	}
	h := &handler{store: store, opt: opt, log: opt.Log, mux: nethttp.NewServeMux()}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.pages = mustParsePages()
	static, _ := fs.Sub(assets, "static") // cannot fail: the folder is embedded
	h.mux.Handle("GET /static/", nethttp.StripPrefix("/static/", nethttp.FileServerFS(static)))

	page := func(pattern string, f func(nethttp.ResponseWriter, *nethttp.Request, *view) error) {
		h.mux.Handle(pattern, h.authed(func(w nethttp.ResponseWriter, r *nethttp.Request, v *view) {
			if err := f(w, r, v); err != nil {
				h.htmlError(w, r, err)
			}
		}, false))
	}
	api := func(pattern string, f func(*nethttp.Request, *view) (any, error)) {
		h.mux.Handle(pattern, h.authed(func(w nethttp.ResponseWriter, r *nethttp.Request, v *view) {
			body, err := f(r, v)
			if err != nil {
				h.jsonError(w, r, err)
				return
			}
			writeJSON(w, nethttp.StatusOK, body)
		}, true))
	}
	page("GET /{$}", h.home)
	page("GET /groups/{name}", h.group)
	page("GET /reports/{id}", h.report)
	page("GET /search", h.search)
	page("GET /claims", h.claims)
	page("/", func(w nethttp.ResponseWriter, r *nethttp.Request, v *view) error {
		return aptgraph.Errorf(aptgraph.ENOTFOUND, "there is no page at %s", r.URL.Path)
	})
	api("GET /api/groups", h.apiGroups)
	api("GET /api/groups/{name}", h.apiGroup)
	api("GET /api/reports/{id}", h.apiReport)
	api("GET /api/search", h.apiSearch)
	api("GET /api/objects/{id}", h.apiObject)
	api("/api/", func(r *nethttp.Request, v *view) (any, error) {
		return nil, aptgraph.Errorf(aptgraph.ENOTFOUND, "there is no API endpoint at %s", r.URL.Path)
	})
	return h
}

// ServeHTTP sets the security headers and serves the request.
func (h *handler) ServeHTTP(w nethttp.ResponseWriter, r *nethttp.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	h.mux.ServeHTTP(w, r)
}

// authed resolves the reader of a request and serves it through the view
// of the store that the reader may see.
func (h *handler) authed(serve func(nethttp.ResponseWriter, *nethttp.Request, *view), isAPI bool) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		max, err := h.clearance(r.Context(), r)
		if err != nil {
			if isAPI {
				h.jsonError(w, r, err)
			} else {
				h.htmlError(w, r, err)
			}
			return
		}
		// Pages differ by reader: no shared cache may keep them.
		w.Header().Set("Cache-Control", "private, no-store")
		serve(w, r, newView(h.store, max))
	})
}

// clearance returns the TLP level the request's reader may see. Returns
// EUNAUTHORIZED for a bad token, or for no token unless the site is public.
func (h *handler) clearance(ctx context.Context, r *nethttp.Request) (stix.TLP, error) {
	var secret string
	if scheme, rest, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		secret = strings.TrimSpace(rest)
	} else if _, pw, ok := r.BasicAuth(); ok {
		secret = pw
	} else if r.Header.Get("Authorization") != "" {
		return 0, aptgraph.Errorf(aptgraph.EUNAUTHORIZED, "use a token as Bearer or as the Basic password")
	}
	if secret == "" {
		if h.opt.Public {
			return stix.TLPClear, nil
		}
		return 0, aptgraph.Errorf(aptgraph.EUNAUTHORIZED, "sign in with a token: its secret is the password")
	}
	tok, err := h.store.TokenBySecret(ctx, secret)
	if err != nil {
		if aptgraph.ErrorCode(err) == aptgraph.EUNAUTHORIZED {
			return 0, aptgraph.Errorf(aptgraph.EUNAUTHORIZED, "unknown or revoked token")
		}
		return 0, err
	}
	if !tok.Read || !tok.Revoked.IsZero() {
		return 0, aptgraph.Errorf(aptgraph.EUNAUTHORIZED, "this token may not read")
	}
	return tok.MaxTLP, nil
}
