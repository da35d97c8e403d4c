package intents

import (
	"fmt"
	"strings"
	"text/template"
)

// Vars are the values a template may use, by name: {{.first_name}}.
type Vars map[string]string

// VarNames lists every variable a template may use. A template that uses
// any other name fails validation.
var VarNames = []string{
	"name",       // the customer's display name
	"first_name", // the first word of the customer's name
	"ticket",     // the ticket number, e.g. FL-000042
	"status",     // the ticket's status, in the customer's language
	"agent",      // the name of the agent handling the ticket
	"options",    // the clarify choices, joined for reading; in also_asked, the other question
	"queue",      // the name of the ticket's queue in the customer's language, e.g. "Second line"
	"due",        // in late_notice, the deadline the ticket runs late for, e.g. "18:30" or "5 Mar 18:30"
	"wait",       // how soon an agent is due to answer by the SLA ("within 4 hours"), in working time; empty when it sets nothing
	"opens",      // out of working hours, when they begin ("tomorrow at 09:00"); empty while open
	"value",      // in collect_confirm, the value the customer gave before
	"text",       // in incident messages, the incident's text in the customer's language
	"until",      // in incident messages, when the incident is expected to end ("18:00"); empty when unknown
	"areas",      // in incident_notice_areas, the areas the incident covers, joined for reading
}

// Template is a parsed answer or message template.
type Template struct {
	src string
	t   *template.Template
}

// ParseTemplate parses src and checks that it executes with every known
// variable, so that a template that would fail at run time fails at load.
func ParseTemplate(name, src string) (*Template, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, cleanTemplateError(err)
	}
	sample := Vars{}
	for _, v := range VarNames {
		sample[v] = "x"
	}
	if err := t.Execute(&strings.Builder{}, map[string]string(sample)); err != nil {
		return nil, cleanTemplateError(err)
	}
	return &Template{src: src, t: t}, nil
}

// Source returns the template as written.
func (t *Template) Source() string { return t.src }

// Render fills in vars. Unknown or missing values render as empty text
// rather than failing a customer's conversation.
func (t *Template) Render(vars Vars) string {
	full := make(map[string]string, len(VarNames))
	for _, v := range VarNames {
		full[v] = vars[v]
	}
	var b strings.Builder
	if err := t.t.Execute(&b, full); err != nil {
		// Validated at load; fall back to the raw text rather than nothing.
		return t.src
	}
	return b.String()
}

// cleanTemplateError strips text/template's internal prefix so that the
// admin sees the problem, not the machinery.
func cleanTemplateError(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "executing \""); i >= 0 {
		if j := strings.Index(msg[i:], ": "); j >= 0 {
			msg = msg[i+j+2:]
		}
	}
	msg = strings.TrimPrefix(msg, "template: ")
	return fmt.Errorf("template: %s", msg)
}
