package storesql

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is a file of statements that brings a store's schema from one
// version to the next.
type Migration struct {
	Version int    // the number the file's name starts with
	Name    string // the file's path
	SQL     string
}

// Migrations returns the migrations in the files *.sql of dir in fsys, in
// the order of their names, which is the order to apply them in.
func Migrations(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	out := make([]Migration, len(names))
	for i, name := range names {
		v, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name does not start with a number", name)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		out[i] = Migration{Version: v, Name: name, SQL: string(body)}
	}
	return out, nil
}
