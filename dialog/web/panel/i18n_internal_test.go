package panel

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

func TestTranslationsComplete(t *testing.T) {
	for key, en := range translations[langEN] {
		ru, ok := translations[langRU][key]
		switch {
		case !ok:
			t.Errorf("%s has no Russian text", key)
		case en == "" || ru == "":
			t.Errorf("%s is empty in a language", key)
		case strings.Count(en, "%") != strings.Count(ru, "%"):
			t.Errorf("%s takes different arguments: %q, %q", key, en, ru)
		}
	}
	for key := range translations[langRU] {
		if _, ok := translations[langEN][key]; !ok {
			t.Errorf("%s has no English text", key)
		}
	}
}

// usedKey finds the keys the templates and the Go code look up literally.
var usedKey = regexp.MustCompile(`(?:\bt [$.\w]+ |\btr\([\w.]+, |panelError\([\w.]+, [\w.()]+, )"([^"]+)"[^+]`)

func TestEveryTextTranslated(t *testing.T) {
	used := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") ||
			!strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := os.ReadFile(path)
		for _, m := range usedKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use: the pattern is broken", len(used))
	}
	// Keys looked up from values: every value the panel shows.
	for _, k := range jsKeys {
		used[k] = true
	}
	for _, s := range []string{stateWaiting, stateMine, stateOpen, stateClosed} {
		used["state."+s] = true
	}
	for _, p := range []string{intents.PriorityUrgent, intents.PriorityHigh, intents.PriorityNormal, intents.PriorityLow} {
		used["priority."+p] = true
	}
	for _, s := range []dialog.TicketStatus{dialog.TicketQueued, dialog.TicketAssigned, dialog.TicketWaiting, dialog.TicketClosed} {
		used["status."+string(s)] = true
	}
	for _, r := range []string{dialog.ReasonNoMatch, dialog.ReasonIntent, dialog.ReasonNotHelpful, dialog.ReasonCustomerAsk} {
		used["reason."+r] = true
	}
	for _, r := range roles {
		used["role."+string(r)] = true
	}
	for _, r := range reviewReasons() {
		used["review.reason."+r] = true
	}
	for _, d := range []kb.Decision{kb.DecisionAnswer, kb.DecisionClarify, kb.DecisionNone} {
		used["review.decision."+string(d)] = true
	}
	for _, a := range []dialog.Author{dialog.AuthorCustomer, dialog.AuthorBot, dialog.AuthorAgent, dialog.AuthorSystem, dialog.AuthorNote} {
		used["author."+string(a)] = true
	}
	for _, code := range []string{dialog.ECONFLICT, dialog.EINVALID, dialog.ENOTFOUND, dialog.ETOOLARGE, dialog.EFORBIDDEN,
		dialog.EUNAUTHORIZED, dialog.ERATELIMIT, dialog.EUNAVAILABLE, dialog.EINTERNAL} {
		used["error."+code] = true
	}
	for _, k := range []string{dialog.AttachmentPhoto, dialog.AttachmentDocument, dialog.AttachmentVoice} {
		used["attachment."+k] = true
	}
	for _, st := range []string{"not paired", "connecting", "connected", "logged out", "disconnected"} {
		used["wa."+st] = true
	}
	for _, u := range []string{"d", "h", "m", "s"} {
		used["unit."+u] = true
	}
	for _, q := range dialog.DefaultConfig.Queues {
		used["queue_name."+q] = true
	}
	for _, ch := range []string{"", ".webchat", ".telegram", ".whatsapp"} { // unnamedCustomer
		used["ticket.unnamed"+ch] = true
	}
	for key := range used {
		if _, ok := translations[langEN][key]; !ok {
			t.Errorf("%q is used but has no text", key)
		}
	}
	for key := range translations[langEN] {
		if !used[key] {
			t.Errorf("%q has a text but is not used", key)
		}
	}
}

func TestBrowserLang(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"", "en"},
		{"ru", "ru"},
		{"ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"},
		{"en-GB,en;q=0.9,ru;q=0.8", "en"},
		{"de-DE,de;q=0.9,ru;q=0.5,en;q=0.3", "ru"},
		{"en;q=0.5,ru;q=0.6", "ru"},
		{"RU-ru", "ru"},
		{"ru;q=0", "en"},
		{"ru;q=bogus", "en"},
		{"fr, de", "en"},
		// Weights outside 0 to 1 or not written as HTTP's are passed over.
		{"ru,en;q=1e1", "ru"},
		{"en;q=2,ru;q=0.5", "ru"},
		{"ru;q=0.5,en;q=Inf", "ru"},
		{"ru;q=0.5,en;q=0x1p-1", "ru"},
		{"ru;q=0.5,en;q=1.0001", "ru"},
		{"ru;q=1.000, en", "ru"},
		// The weight is found among other parameters, in either case.
		{"en;q=0.4, ru;level=1;q=0.3", "en"},
		{"ru;Q=0.2, en;q=0.3", "en"},
		{"en ; q=0.5 , ru ; q=0.6", "ru"},
	} {
		if got := browserLang(c.header); got != c.want {
			t.Errorf("browserLang(%q) = %q, want %q", c.header, got, c.want)
		}
	}
}
