package intents

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
	files, err := listFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("load intents %s: %w", dir, err)
	}
	probs := &problems{}
	var contents []fileContent
	intents := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("load intents %s: %w", path, err)
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
	return buildSet(contents, files), nil
}

// buildSet puts the checked contents of all files together.
func buildSet(contents []fileContent, files []string) *Set {
	var ins []*Intent
	msgs := Messages{}
	var tests []TestCase
	var canned []*Canned
	for _, c := range contents {
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
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
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
