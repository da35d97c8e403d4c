package main

import (
	"fmt"
	"net/url"
	"regexp"

	"gopkg.in/yaml.v3"

	"github.com/firstline-support/firstline/dialog"
)

// teamNotifySettings choose which new tickets the team's Telegram chat
// (telegram.team_chat) hears about.
type teamNotifySettings struct {
	// Priorities are the priorities of the tickets told; empty tells none.
	Priorities priorityList `yaml:"priorities"`
}

// lineError is a config value that is wrong, at its line of the file;
// decodeConfig names the file.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// chatIDPattern is a Telegram chat id: a number (groups' are negative) or
// a public channel's @name.
var chatIDPattern = regexp.MustCompile(`^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$`)

// teamChat is telegram.team_chat: a Telegram chat id, or "" for none.
type teamChat string

// UnmarshalYAML reads a chat id, refusing anything else at its line.
func (c *teamChat) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	if s != "" && !chatIDPattern.MatchString(s) {
		return &lineError{n.Line, fmt.Sprintf("telegram.team_chat must be a chat id such as -1001234567890 (or @name), got %q", s)}
	}
	*c = teamChat(s)
	return nil
}

// priorityList is a list of ticket priorities.
type priorityList []string

// UnmarshalYAML reads a list of priorities, refusing an unknown one at
// its line.
func (p *priorityList) UnmarshalYAML(n *yaml.Node) error {
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	for i, v := range list {
		if !validPriority(v) {
			return &lineError{n.Content[i].Line, fmt.Sprintf("telegram.team_notify.priorities: unknown priority %q (want low, normal, high or urgent)", v)}
		}
	}
	*p = list
	return nil
}

// publicURL is panel.public_url: where agents open the panel, or "".
type publicURL string

// UnmarshalYAML reads an http:// or https:// address without a query,
// refusing anything else at its line.
func (u *publicURL) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	if s != "" {
		v, err := url.Parse(s)
		if err != nil || (v.Scheme != "http" && v.Scheme != "https") || v.Host == "" || v.RawQuery != "" || v.Fragment != "" || v.User != nil {
			return &lineError{n.Line, fmt.Sprintf("panel.public_url must be an http:// or https:// address such as https://support.example.com, got %q", s)}
		}
	}
	*u = publicURL(s)
	return nil
}

// teamNotice is what the engine tells the team's Telegram chat, or nil
// when there is no such chat or no Telegram.
func (s *settings) teamNotice() *dialog.TeamNotice {
	tg := s.Telegram
	if tg.Token == "" || tg.TeamChat == "" || len(tg.TeamNotify.Priorities) == 0 {
		return nil
	}
	return &dialog.TeamNotice{
		Channel:    "telegram",
		ChatID:     string(tg.TeamChat),
		Priorities: []string(tg.TeamNotify.Priorities),
		PanelURL:   string(s.Panel.PublicURL),
	}
}

// teamChats are the Telegram chats of the company's own people, whose
// messages are no customer's.
func (s *settings) teamChats() []string {
	if s.Telegram.TeamChat == "" {
		return nil
	}
	return []string{string(s.Telegram.TeamChat)}
}
