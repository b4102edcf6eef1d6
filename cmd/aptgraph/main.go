// Command aptgraph reads open reports about state-sponsored hacking, keeps
// their intelligence as a STIX 2.1 knowledge graph, and shares it.
//
// Run "aptgraph help" for the commands.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/sqlite"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailure  = 1 // the work failed: an outside service, a bug
	exitUsage    = 2 // bad flags or arguments, or invalid input
	exitNotFound = 3 // the thing asked for does not exist
	exitDenied   = 4 // not allowed
	exitPartial  = 5 // some inputs of many failed
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what commands share: where to write, and the store's address.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

var commands []command

func init() {
	commands = []command{
		{"extract", "read a report and print its intelligence as a STIX 2.1 bundle", runExtract},
		{"ingest", "read reports and store their intelligence", runIngest},
		{"show", "show what the store knows about a group", runShow},
		{"search", "full-text search over stored reports and objects", runSearch},
		{"groups", "list the groups that match filters: sector, country, sponsor, technique, time", runGroups},
		{"claims", "list the attribution claims about a group, sponsor or claimant", runClaims},
		{"timeline", "print the dated history of a group", runTimeline},
		{"export", "export the store or one group as STIX 2.1, a MISP event or CSV", runExport},
		{"serve", "serve the store over TAXII 2.1", runServe},
		{"token", "create, list and revoke TAXII access tokens", runToken},
		{"import", "import ATT&CK bundles and MISP galaxy clusters: objects and names", runImport},
		{"alias", "resolve group names; join, split and undo local alias claims", runAlias},
		{"taxii", "pull from and push to TAXII 2.1 servers; make collections to serve", runTaxii},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run runs one command line and returns the exit code.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			return run(ctx, e, []string{args[1], "--help"})
		}
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, e, args[1:])
			return report(e.stderr, err)
		}
	}
	fmt.Fprintf(e.stderr, "aptgraph: unknown command %q (run \"aptgraph help\")\n", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "aptgraph reads reports about state-sponsored hacking and keeps their intelligence as STIX 2.1.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: aptgraph COMMAND [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	cs := append([]command(nil), commands...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run \"aptgraph COMMAND --help\" for a command's flags.")
	fmt.Fprintln(w, "The store is an SQLite file (default: $APTGRAPH_DB, else ~/.local/share/aptgraph/aptgraph.db);")
	fmt.Fprintln(w, "--db postgres://... selects PostgreSQL.")
}

// errUsage marks a usage error already explained to the user.
var errUsage = errors.New("usage")

// report prints err as one line and maps it to an exit code.
func report(w io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if errors.Is(err, errUsage) {
		return exitUsage
	}
	var pe *partialError
	if errors.As(err, &pe) {
		fmt.Fprintf(w, "aptgraph: %v\n", err)
		return exitPartial
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, "aptgraph: interrupted")
		return exitFailure
	}
	msg := oneLine(err.Error())
	fmt.Fprintf(w, "aptgraph: %s\n", msg)
	switch aptgraph.ErrorCode(err) {
	case aptgraph.EINVALID, aptgraph.EUNSUPPORTED, aptgraph.ETOOLARGE:
		return exitUsage
	case aptgraph.ENOTFOUND:
		return exitNotFound
	case aptgraph.EUNAUTHORIZED:
		return exitDenied
	}
	return exitFailure
}

// partialError says that some of many inputs failed.
type partialError struct{ failed, total int }

func (e *partialError) Error() string {
	return fmt.Sprintf("%d of %d inputs failed", e.failed, e.total)
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 400 {
		s = s[:400] + "..."
	}
	return s
}

// newFlags returns a flag set that prints its usage on --help and reports
// errors through the command's error, not by exiting.
func newFlags(e *env, name, args, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: aptgraph %s %s\n\n%s\n\nFlags:\n", name, args, summary)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
	}
	return fs
}

// parse parses flags, allowing flags after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// defaultDB returns the store's default address.
func defaultDB() string {
	if v := os.Getenv("APTGRAPH_DB"); v != "" {
		return v
	}
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "aptgraph.db"
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "aptgraph", "aptgraph.db")
}

// openStore opens the store at dsn: PostgreSQL for postgres:// URLs, else an
// SQLite file (its folder is made when missing).
func openStore(ctx context.Context, dsn string) (aptgraph.Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	if dir := filepath.Dir(dsn); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, aptgraph.WrapError(aptgraph.EINVALID, "cannot create the store's folder "+dir, err)
		}
	}
	return sqlite.Open(ctx, dsn)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func runVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "version", "", "Print aptgraph's version.")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "aptgraph "+version)
	return nil
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func writeCompactJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
