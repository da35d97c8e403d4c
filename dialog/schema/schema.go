// Package schema reads the versioned SQL migrations each store embeds:
// files migrations/NNNN_name.sql, applied in order, each once.
package schema

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// Migration is one versioned change of a store's schema.
type Migration struct {
	Version int
	Name    string // the file name, for messages
	SQL     string
}

// Load reads migrations/*.sql from fsys and checks that their
// versions run 1, 2, 3, ... without gaps or repeats.
func Load(fsys fs.FS) ([]Migration, error) {
	paths, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	// Glob sorts by name, and the zero-padded numbers sort as numbers.
	migrations := make([]Migration, 0, len(paths))
	for i, p := range paths {
		name := path.Base(p)
		number, _, ok := strings.Cut(name, "_")
		version, err := strconv.Atoi(number)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", name)
		}
		if version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", name, i+1)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("read migration: %w", err)
		}
		migrations = append(migrations, Migration{Version: version, Name: name, SQL: string(b)})
	}
	return migrations, nil
}
