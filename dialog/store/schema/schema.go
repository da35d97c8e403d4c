// Package schema reads the versioned SQL migrations each store embeds:
// files migrations/NNNN_name.sql, applied in order, each once.
package schema

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Migration is one versioned change of a store's schema.
type Migration struct {
	Version int
	Name    string // the file name, for messages
	SQL     string
}

// Load reads migrations/*.sql from each of dirs and returns them in the
// order of their versions, checking that the versions start at 1 and
// none repeats. Versions may leave gaps: a store's own directory and the
// directory both stores share number their files from one sequence.
func Load(dirs ...fs.FS) ([]Migration, error) {
	var migrations []Migration
	for _, fsys := range dirs {
		paths, err := fs.Glob(fsys, "migrations/*.sql")
		if err != nil {
			return nil, fmt.Errorf("list migrations: %w", err)
		}
		for _, p := range paths {
			name := path.Base(p)
			number, _, ok := strings.Cut(name, "_")
			version, err := strconv.Atoi(number)
			if !ok || err != nil || version < 1 {
				return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", name)
			}
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				return nil, fmt.Errorf("read migration: %w", err)
			}
			migrations = append(migrations, Migration{Version: version, Name: name, SQL: string(b)})
		}
	}
	slices.SortFunc(migrations, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range migrations {
		if i == 0 && m.Version != 1 {
			return nil, fmt.Errorf("migration %s: the first version must be 1", m.Name)
		}
		if i > 0 && m.Version == migrations[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s: the same version", migrations[i-1].Name, m.Name)
		}
	}
	return migrations, nil
}
