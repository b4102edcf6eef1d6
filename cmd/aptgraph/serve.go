package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph"
	web "github.com/aptgraph/aptgraph/http"
	"github.com/aptgraph/aptgraph/stix"
	"github.com/aptgraph/aptgraph/taxii"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "[flags]", "Serve the store: TAXII 2.1 under /taxii2/, the web UI at / and its JSON API\nunder /api/. Every request needs a token made with \"aptgraph token create\",\nas a Bearer token or as the Basic password; --public lets anyone read TLP:CLEAR in the UI.")
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	public := fs.Bool("public", false, "let anonymous users read TLP:CLEAR objects in the web UI")
	cacheMB := fs.Int("cache-mb", 512, "memory for cached TAXII pages, in MiB (0 turns the cache off)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	cacheBytes := int64(*cacheMB) << 20
	if *cacheMB <= 0 {
		cacheBytes = -1
	}
	tx := taxii.NewServer(st, taxii.ServerOptions{Title: "aptgraph", CacheBytes: cacheBytes})
	mux := http.NewServeMux()
	mux.Handle("/taxii2/", tx)
	mux.Handle("/", web.NewHandler(st, web.Options{Public: *public, Title: "aptgraph"}))
	srv := tx.HTTPServer(*addr) // for its timeouts and limits
	srv.Handler = mux
	// Listen before serving so that an address with port 0 can be reported
	// as the one the kernel chose: scripts and tests read it from stderr.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "cannot listen on "+*addr, err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(e.stderr, "aptgraph: serving TAXII 2.1 on http://%s/taxii2/ and the web UI on http://%s/\n", ln.Addr(), ln.Addr())
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return aptgraph.WrapError(aptgraph.EUNAVAILABLE, "cannot serve on "+*addr, err)
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}

func runToken(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token", "create|revoke|list [flags] [ID]", "Manage TAXII access tokens. The secret is shown once and stored only as a hash.")
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	name := fs.String("name", "", "who holds the token")
	coll := fs.String("collection", aptgraph.AllCollections, "collection id or alias (comma-separated; * for all)")
	read := fs.Bool("read", false, "allow reading")
	write := fs.Bool("write", false, "allow writing")
	maxTLP := fs.String("max-tlp", "clear", "the most restricted TLP the token may see: clear, green, amber, amber+strict, red")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fmt.Fprintln(e.stderr, "aptgraph token: give create, revoke ID or list")
		return errUsage
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	switch pos[0] {
	case "create":
		t, ok := stix.ParseTLP(*maxTLP)
		if !ok {
			return aptgraph.Errorf(aptgraph.EINVALID, "unknown TLP level %q", *maxTLP)
		}
		if !*read && !*write {
			return aptgraph.Errorf(aptgraph.EINVALID, "a token needs --read, --write or both")
		}
		secret, tok, err := st.CreateToken(ctx, aptgraph.TokenSpec{Name: *name, Collections: strings.Split(*coll, ","), Read: *read, Write: *write, MaxTLP: t})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, map[string]any{"id": tok.ID, "secret": secret})
		}
		fmt.Fprintf(e.stdout, "token %s\nsecret %s\n(the secret is not stored; keep it now)\n", tok.ID, secret)
	case "revoke":
		if len(pos) != 2 {
			fmt.Fprintln(e.stderr, "aptgraph token revoke: give the token id")
			return errUsage
		}
		return st.RevokeToken(ctx, pos[1])
	case "list":
		toks, err := st.Tokens(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, toks)
		}
		for _, t := range toks {
			fmt.Fprintf(e.stdout, "%s  %s\n", t.ID, t.Name)
		}
	default:
		fmt.Fprintf(e.stderr, "aptgraph token: unknown action %q\n", pos[0])
		return errUsage
	}
	return nil
}
