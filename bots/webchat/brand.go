package webchat

import (
	"github.com/firstline-support/firstline/intents"
)

// neutralBrand names the chat when neither the config nor the knowledge
// base does.
var neutralBrand = intents.Text{intents.LangEN: "Support", intents.LangRU: "Поддержка"}

// Title is the chat's title in lang, or in both languages when lang is
// empty: webchat.title when the config sets it, else the brand of the
// knowledge base in use, else a neutral one.
func (c *Channel) Title(lang string) string {
	if c.title != "" {
		return c.title
	}
	brand := c.brand()
	if len(brand) == 0 {
		brand = neutralBrand
	}
	return titleIn(brand, lang)
}

// brand is the brand of the knowledge base in use; nil without one.
func (c *Channel) brand() intents.Text {
	if c.kb == nil {
		return nil
	}
	k, release := c.kb.Acquire()
	defer release()
	if k == nil {
		return nil
	}
	return k.Set().Brand
}

// titleIn is brand in lang; with no lang, the Russian and English names
// side by side when they differ, Russian first because the bilingual page
// is a Russian one (<html lang="ru">) that also speaks English.
func titleIn(brand intents.Text, lang string) string {
	if lang != "" {
		return brand.Get(lang)
	}
	en, ru := brand[intents.LangEN], brand[intents.LangRU]
	switch {
	case ru == "":
		return en
	case en == "" || ru == en:
		return ru
	}
	return ru + " · " + en
}
