package intents

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads every *.yaml and *.yml file under dir (recursively, skipping
// names that start with "."), checks them and returns the knowledge base.
//
// When the files have problems, Load returns a nil Set and an Errors with
// every problem, sorted by file and line. A directory that cannot be read
// gives a plain wrapped error instead.
func Load(dir string) (*Set, error) {
	return LoadWith(dir, nil)
}

// LoadWith is Load with the contents of some files given rather than read:
// files maps a path under dir, as Load names it (dir joined with the
// file's path in it), to the text to read for it, whether or not the file
// exists yet. It checks an edit to the knowledge base before anything is
// written, with problems reported at the lines of the edited text.
func LoadWith(dir string, files map[string][]byte) (*Set, error) {
	paths, err := listFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("load intents %s: %w", dir, err)
	}
	given := make(map[string][]byte, len(files))
	for path, data := range files {
		path = filepath.Clean(path)
		if !isIntentsFile(dir, path) {
			return nil, fmt.Errorf("load intents %s: %s is not an intents file in the directory", dir, path)
		}
		given[path] = data
		if !slices.Contains(paths, path) {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	probs := &problems{}
	var contents []fileContent
	intents := 0
	for _, path := range paths {
		data, ok := given[path]
		if !ok {
			data, err = os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("load intents %s: %w", path, err)
			}
		}
		c := readFile(path, data, probs)
		intents += len(c.intents)
		contents = append(contents, c)
	}
	checkAcross(contents, probs)
	// A file with problems may well be where the intents are meant to be,
	// so only say there are none when nothing else is wrong.
	if intents == 0 && len(probs.list) == 0 {
		probs.add(Pos{File: filepath.Clean(dir)}, "no intents found")
	}
	if len(probs.list) > 0 {
		return nil, probs.sorted()
	}
	return buildSet(contents, paths), nil
}

// buildSet puts the checked contents of all files together.
func buildSet(contents []fileContent, files []string) *Set {
	var ins []*Intent
	msgs := Messages{}
	var tests []TestCase
	var canned []*Canned
	brand := Text{}
	var collect []Question
	for _, c := range contents {
		if c.brand != nil {
			brand = c.brand.text
		}
		if c.collect != nil {
			collect = c.collect.questions
		}
		for _, e := range c.canned {
			canned = append(canned, e.canned)
		}
		for _, e := range c.intents {
			ins = append(ins, e.intent)
		}
		for _, m := range c.messages {
			msgs[m.name] = m.byLang
		}
		for _, t := range c.tests {
			tests = append(tests, t.test)
		}
	}
	s := NewSet(ins, msgs, tests)
	s.Canned = canned
	s.Brand = brand
	s.Collect = collect
	s.Files = files
	return s
}

// readFile parses one file and reads its content. A file that is not
// valid YAML has a syntax problem and no content.
func readFile(path string, data []byte, probs *problems) fileContent {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fileContent{} // empty, or only comments
		}
		probs.list = append(probs.list, syntaxProblem(path, data, err))
		return fileContent{}
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		probs.add(Pos{File: path, Line: next.Line}, `a second YAML document ("---"): put it in a file of its own`)
	} else if !errors.Is(err, io.EOF) {
		probs.list = append(probs.list, syntaxProblem(path, data, err))
		return fileContent{}
	}
	if len(doc.Content) == 0 {
		return fileContent{}
	}
	r := &nodeReader{file: path, probs: probs}
	return r.decodeFile(doc.Content[0])
}

// listFiles returns the intents files under dir, sorted by path.
func listFiles(dir string) ([]string, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, errors.New("not a directory")
	}
	var files []string
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == dir {
			return nil
		}
		// Hidden files and folders are editor swap files, drafts and
		// version control; none of them is part of the knowledge base.
		if isHidden(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && isYAML(path) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	return files, nil
}

// isHidden reports whether a file or folder name is one Load skips.
func isHidden(name string) bool {
	return strings.HasPrefix(name, ".")
}

// isYAML reports whether path has the extension of an intents file.
func isYAML(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".yaml" || ext == ".yml"
}

// isIntentsFile reports whether path, cleaned, is a file Load would read
// under dir: inside it, with a YAML extension, and with no hidden name on
// the way.
func isIntentsFile(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	if err != nil || !filepath.IsLocal(rel) || !isYAML(rel) {
		return false
	}
	for part := range strings.SplitSeq(filepath.ToSlash(rel), "/") {
		if isHidden(part) {
			return false
		}
	}
	return true
}
