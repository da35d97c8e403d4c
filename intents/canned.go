package intents

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Canned is a ready-made reply agents insert into a ticket with a click or
// by typing /shortcut. Its text is a template: {{.first_name}},
// {{.ticket}} and {{.agent}} are filled in for the ticket at hand.
type Canned struct {
	Shortcut  string // typed as /shortcut in the reply box
	Title     Text   // shown in the list of canned replies
	Text      Text   // the reply per language, as written
	Templates map[string]*Template
	Pos       Pos
}

// TitleFor returns the canned reply's title in lang, or its shortcut.
func (c *Canned) TitleFor(lang string) string {
	if s := c.Title.Get(lang); s != "" {
		return s
	}
	return "/" + c.Shortcut
}

// Render returns the reply in lang (or another language it has) with vars
// filled in.
func (c *Canned) Render(lang string, vars Vars) string {
	if t := c.Templates[lang]; t != nil {
		return t.Render(vars)
	}
	for _, l := range Languages {
		if t := c.Templates[l]; t != nil {
			return t.Render(vars)
		}
	}
	return ""
}

var cannedKeys = []string{"shortcut", "title", "text"}

// cannedEntry is one canned reply as read.
type cannedEntry struct {
	canned      *Canned
	shortcutPos Pos
}

// decodeCanned reads one item of canned:.
func (r *nodeReader) decodeCanned(n *yaml.Node) *cannedEntry {
	if n.Kind != yaml.MappingNode {
		r.probs.add(r.pos(n), "each canned reply must be a mapping, not %s", describe(n))
		return nil
	}
	c := &Canned{Pos: r.pos(n), Templates: map[string]*Template{}}
	e := &cannedEntry{canned: c, shortcutPos: c.Pos}
	var texts map[string]posText
	for _, f := range r.fields(n, "canned reply", "in a canned reply", "key", cannedKeys) {
		switch f.key {
		case "shortcut":
			c.Shortcut, _ = r.text(f.value, "shortcut")
			e.shortcutPos = f.valPos
			if c.Shortcut != "" && !isName(c.Shortcut) {
				r.probs.add(f.valPos, "shortcut %q must be lower-case letters, digits and _", c.Shortcut)
			}
		case "title":
			c.Title = plainTexts(r.langTexts(f.value, "title"))
		case "text":
			texts = r.langTexts(f.value, "text")
		}
	}
	if c.Shortcut == "" {
		r.probs.add(c.Pos, "canned reply has no shortcut")
	}
	if len(texts) == 0 {
		r.probs.add(c.Pos, "canned reply %q has no text", c.Shortcut)
	}
	c.Text = plainTexts(texts)
	for lang, src := range texts {
		if strings.TrimSpace(src.text) == "" {
			r.probs.add(src.pos, "text.%s is empty", lang)
			continue
		}
		t, err := ParseTemplate("canned."+c.Shortcut+"."+lang, src.text)
		if err != nil {
			r.probs.add(src.pos, "text.%s: %v", lang, err)
			continue
		}
		c.Templates[lang] = t
	}
	return e
}

// checkCanned reports a shortcut used twice.
func checkCanned(files []fileContent, probs *problems) {
	first := map[string]Pos{}
	for _, f := range files {
		for _, e := range f.canned {
			s := e.canned.Shortcut
			if s == "" {
				continue
			}
			if at, ok := first[s]; ok {
				probs.add(e.shortcutPos, "duplicate canned shortcut %q (first at %s)", s, at)
				continue
			}
			first[s] = e.shortcutPos
		}
	}
}
