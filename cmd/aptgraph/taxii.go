package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/export"
	"github.com/aptgraph/aptgraph/stix"
	"github.com/aptgraph/aptgraph/taxii"
)

const taxiiUsage = `aptgraph taxii pull URL --collection ID [--since T] [--token T] [--state FILE]
       aptgraph taxii push URL --collection ID [--group NAME] [--max-tlp LEVEL] [--token T]
       aptgraph taxii collection create --title T [--alias A] [--description D]
       aptgraph taxii collection list`

func runTaxii(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "--help" && args[0] != "-h" && args[0] != "-help" {
		fmt.Fprintln(e.stderr, "usage: "+taxiiUsage)
		return errUsage
	}
	switch args[0] {
	case "pull":
		return runTaxiiPull(ctx, e, args[1:])
	case "push":
		return runTaxiiPush(ctx, e, args[1:])
	case "collection", "collections":
		return runTaxiiCollection(ctx, e, args[1:])
	case "--help", "-h", "-help":
		fmt.Fprintln(e.stdout, "Usage: "+taxiiUsage+"\n\nPull from and push to TAXII 2.1 servers, and make the collections \"aptgraph serve\" shares.\nRun \"aptgraph taxii pull --help\" for a subcommand's flags.")
		return nil
	}
	fmt.Fprintf(e.stderr, "aptgraph taxii: unknown action %q\nusage: %s\n", args[0], taxiiUsage)
	return errUsage
}

// taxiiClient returns a client of the API root that rawURL names: an API
// root, or a discovery URL (a path ending in /taxii2/), whose default API
// root is used. It returns the API root's URL too.
func taxiiClient(ctx context.Context, rawURL, token string) (*taxii.Client, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", aptgraph.Errorf(aptgraph.EINVALID, "%q is not an http or https URL", rawURL)
	}
	root := rawURL
	if p := strings.TrimSuffix(u.Path, "/"); p == "/taxii2" || p == "/taxii" {
		if root, err = taxii.Discover(ctx, rawURL, token, nil); err != nil {
			return nil, "", err
		}
	}
	if !strings.HasSuffix(root, "/") {
		root += "/"
	}
	return taxii.NewClient(root, token, nil), root, nil
}

// tokenFlag returns the token flag's value, else $APTGRAPH_TAXII_TOKEN, so
// that the secret need not appear in a process list.
func tokenFlag(v string) string {
	if v != "" {
		return v
	}
	return os.Getenv("APTGRAPH_TAXII_TOKEN")
}

func runTaxiiPull(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "taxii pull", "URL --collection ID [flags]", "Pull a TAXII 2.1 collection into the store, page by page, following the server's\n"+
		"next tokens (or added_after). Each page is stored in one transaction, each object\n"+
		"as a version of its own, and the cursor is saved after it, so that a pull that is\n"+
		"interrupted goes on where it stopped when run again, and later runs fetch only\n"+
		"what was added since. URL is the API root, or the discovery URL (/taxii2/).")
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	coll := fs.String("collection", "", "the collection id (or alias) on the server")
	since := fs.String("since", "", "pull only what was added after this time (RFC 3339), when there is no saved cursor")
	token := fs.String("token", "", "the Bearer token (default $APTGRAPH_TAXII_TOKEN)")
	statePath := fs.String("state", "", "the `file` that keeps pull cursors (default: next to an SQLite store, else in $XDG_STATE_HOME/aptgraph)")
	restart := fs.Bool("restart", false, "ignore the saved cursor and pull from --since (or the beginning)")
	pageSize := fs.Int("page-size", 0, "objects per page to ask for (0: the server's default)")
	unmarked := fs.String("unmarked-tlp", "clear", "the TLP given to pulled objects without a TLP marking")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *coll == "" {
		fmt.Fprintln(e.stderr, "aptgraph taxii pull: give the server URL and --collection")
		return errUsage
	}
	var start time.Time
	if *since != "" {
		if start, err = time.Parse(time.RFC3339Nano, *since); err != nil {
			return aptgraph.Errorf(aptgraph.EINVALID, "--since %q is not an RFC 3339 time", *since)
		}
	}
	level, ok := stix.ParseTLP(*unmarked)
	if !ok {
		return aptgraph.Errorf(aptgraph.EINVALID, "unknown TLP level %q", *unmarked)
	}
	c, root, err := taxiiClient(ctx, pos[0], tokenFlag(*token))
	if err != nil {
		return err
	}
	c.PageSize = *pageSize
	if *statePath == "" {
		*statePath = defaultStatePath(*db)
	}
	// The key is the API root as resolved, so that the discovery URL and
	// the root URL share a cursor.
	key := root + " " + *coll
	states, err := loadPullState(*statePath)
	if err != nil {
		return err
	}
	cur, saved := states[key]
	if !saved || *restart {
		cur = taxii.Cursor{Since: start}
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()

	var sum struct {
		Pages     int          `json:"pages"`
		Objects   int          `json:"objects"`
		Created   int          `json:"created"`
		Updated   int          `json:"updated"`
		Unchanged int          `json:"unchanged"`
		Cursor    taxii.Cursor `json:"cursor"`
		Resumed   bool         `json:"resumed"`
	}
	sum.Resumed = saved && !*restart
	cur, err = c.Resume(ctx, *coll, cur, func(raws []json.RawMessage, next taxii.Cursor) error {
		objs := make([]*stix.Object, 0, len(raws))
		for i, raw := range raws {
			o := new(stix.Object)
			if err := json.Unmarshal(raw, o); err != nil {
				return aptgraph.WrapError(aptgraph.EINVALID, fmt.Sprintf("object %d of page %d is not a STIX object", i, sum.Pages+1), err)
			}
			objs = append(objs, o)
		}
		res, err := st.Write(ctx, &aptgraph.Batch{Objects: objs, Merge: false, UnmarkedTLP: level})
		if err != nil {
			return fmt.Errorf("store page %d: %w", sum.Pages+1, err)
		}
		sum.Pages++
		sum.Objects += len(objs)
		sum.Created += res.Created
		sum.Updated += res.Updated
		sum.Unchanged += res.Unchanged
		// The page is stored: only now may the cursor move past it. A
		// crash between the two re-pulls the page, which changes nothing.
		states[key] = next
		return savePullState(*statePath, states)
	})
	sum.Cursor = cur
	if err == nil {
		states[key] = cur
		err = savePullState(*statePath, states)
	}
	if *asJSON {
		if werr := writeCompactJSON(e.stdout, sum); err == nil {
			err = werr
		}
	} else {
		fmt.Fprintf(e.stdout, "pulled %d objects in %d pages: %d created, %d updated, %d unchanged\n",
			sum.Objects, sum.Pages, sum.Created, sum.Updated, sum.Unchanged)
	}
	if err != nil {
		return fmt.Errorf("taxii pull (run again to resume): %w", err)
	}
	return nil
}

// defaultStatePath returns where pull cursors are kept for the store db:
// beside an SQLite file, else in the user's state folder, one file per
// store.
func defaultStatePath(db string) string {
	if !strings.HasPrefix(db, "postgres://") && !strings.HasPrefix(db, "postgresql://") {
		return db + ".taxii-state.json"
	}
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		dir = filepath.Join(home, ".local", "state")
	}
	h := sha256.Sum256([]byte(db))
	return filepath.Join(dir, "aptgraph", "taxii-state-"+hex.EncodeToString(h[:8])+".json")
}

// pullState is the state file: the cursor of each pulled "URL collection".
type pullState map[string]taxii.Cursor

func loadPullState(path string) (pullState, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return pullState{}, nil
	} else if err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "cannot read the pull state "+path, err)
	}
	s := pullState{}
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, aptgraph.WrapError(aptgraph.EINVALID, "the pull state "+path+" is not valid JSON; remove it or use --restart", err)
	}
	return s, nil
}

func savePullState(path string, s pullState) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return aptgraph.WrapError(aptgraph.EINTERNAL, "cannot write "+path, err)
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'))
}

func runTaxiiPush(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "taxii push", "URL --collection ID [flags]", "Push the store's objects, or one group's, to a TAXII 2.1 collection, in envelopes\n"+
		"of at most --chunk objects. Only objects at or below --max-tlp leave the store, and\n"+
		"references to the rest are cut. Pushing again adds no duplicates: the server keeps\n"+
		"one version per modified time.")
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	coll := fs.String("collection", "", "the collection id (or alias) on the server")
	group := fs.String("group", "", "push only this group (any of its names) and what it connects to")
	maxTLP := fs.String("max-tlp", "clear", "the most restricted TLP level to push: clear, green, amber, amber+strict, red")
	token := fs.String("token", "", "the Bearer token (default $APTGRAPH_TAXII_TOKEN)")
	chunk := fs.Int("chunk", 500, "objects per envelope")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *coll == "" {
		fmt.Fprintln(e.stderr, "aptgraph taxii push: give the server URL and --collection")
		return errUsage
	}
	level, ok := stix.ParseTLP(*maxTLP)
	if !ok {
		return aptgraph.Errorf(aptgraph.EINVALID, "unknown TLP level %q", *maxTLP)
	}
	c, _, err := taxiiClient(ctx, pos[0], tokenFlag(*token))
	if err != nil {
		return err
	}
	c.ChunkSize = max(*chunk, 1)
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := export.STIX(ctx, st, export.Options{Group: *group, MaxTLP: level})
	if err != nil {
		return err
	}
	status, err := c.Push(ctx, *coll, b.Objects)
	sum := map[string]int{"objects": len(b.Objects), "success": status.SuccessCount, "failure": status.FailureCount, "pending": status.PendingCount}
	if *asJSON {
		if werr := writeCompactJSON(e.stdout, sum); err == nil {
			err = werr
		}
	} else {
		fmt.Fprintf(e.stdout, "pushed %d objects: %d accepted, %d failed, %d pending\n",
			len(b.Objects), status.SuccessCount, status.FailureCount, status.PendingCount)
	}
	if err != nil {
		return fmt.Errorf("taxii push: %w", err)
	}
	if status.FailureCount > 0 {
		return &partialError{failed: status.FailureCount, total: status.TotalCount}
	}
	return nil
}

func runTaxiiCollection(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "taxii collection", "create|list [flags]", "Make and list the TAXII collections that \"aptgraph serve\" shares.")
	db := fs.String("db", defaultDB(), "the store: an SQLite file, or a postgres:// URL")
	title := fs.String("title", "", "the collection's title (create)")
	alias := fs.String("alias", "", "a short name for URLs (create)")
	desc := fs.String("description", "", "what the collection holds (create)")
	id := fs.String("id", "", "the collection's UUID (create; default: a random one)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "create" && pos[0] != "list") {
		fmt.Fprintln(e.stderr, "aptgraph taxii collection: give create or list")
		return errUsage
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if pos[0] == "create" {
		c := &aptgraph.Collection{ID: *id, Title: *title, Alias: *alias, Description: *desc}
		if err := st.CreateCollection(ctx, c); err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, c)
		}
		fmt.Fprintf(e.stdout, "collection %s\n", c.ID)
		return nil
	}
	cs, err := st.Collections(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, cs)
	}
	for _, c := range cs {
		fmt.Fprintf(e.stdout, "%s  %-16s %s\n", c.ID, c.Alias, c.Title)
	}
	return nil
}
