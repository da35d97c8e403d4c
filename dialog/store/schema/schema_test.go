package schema

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoad(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte(`SELECT 1;`)}
	tests := []struct {
		name    string
		files   []fstest.MapFS
		want    []int // versions, when no error is expected
		wantErr string
	}{
		{"none", []fstest.MapFS{{}}, []int{}, ""},
		{"in order", []fstest.MapFS{{"migrations/0002_b.sql": sql, "migrations/0001_a.sql": sql}}, []int{1, 2}, ""},
		{"other files ignored", []fstest.MapFS{{"migrations/0001_a.sql": sql, "migrations/README": sql}}, []int{1}, ""},
		{"gap", []fstest.MapFS{{"migrations/0001_a.sql": sql, "migrations/0003_c.sql": sql}}, []int{1, 3}, ""},
		{"two directories", []fstest.MapFS{
			{"migrations/0001_a.sql": sql, "migrations/0002_b.sql": sql, "migrations/0101_d.sql": sql},
			{"migrations/0100_c.sql": sql, "migrations/0102_e.sql": sql},
		}, []int{1, 2, 100, 101, 102}, ""},
		{"not from 1", []fstest.MapFS{{"migrations/0002_b.sql": sql}}, nil, "the first version must be 1"},
		{"repeat", []fstest.MapFS{{"migrations/0001_a.sql": sql, "migrations/0001_b.sql": sql}}, nil, "the same version"},
		{"repeat across directories", []fstest.MapFS{{"migrations/0001_a.sql": sql}, {"migrations/0001_b.sql": sql}}, nil, "the same version"},
		{"no number", []fstest.MapFS{{"migrations/init.sql": sql}}, nil, "not NNNN_name.sql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dirs []fs.FS
			for _, f := range tt.files {
				dirs = append(dirs, f)
			}
			got, err := Load(dirs...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load returned %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			versions := []int{}
			for _, m := range got {
				versions = append(versions, m.Version)
			}
			if len(versions) != len(tt.want) {
				t.Fatalf("versions %v, want %v", versions, tt.want)
			}
			for i := range versions {
				if versions[i] != tt.want[i] {
					t.Fatalf("versions %v, want %v", versions, tt.want)
				}
			}
		})
	}

}
