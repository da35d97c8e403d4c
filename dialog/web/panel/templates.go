package panel

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

//go:embed templates
var templateFS embed.FS

// pages are the panel's template sets: each is the shared layout plus one
// page file, so that every page defines its own "content".
type pages struct {
	login      *template.Template
	queue      *template.Template
	ticket     *template.Template
	users      *template.Template
	whatsapp   *template.Template
	webchat    *template.Template
	analytics  *template.Template
	review     *template.Template
	reviewEdit *template.Template
	incidents  *template.Template
	error      *template.Template
}

// parsePages parses every page once, at start.
func parsePages(static *staticFiles, queues *queueNamer) (*pages, error) {
	funcs := templateFuncs(static, queues)
	// parse reads the layout, the page and the parts only it uses.
	parse := func(page string, parts ...string) (*template.Template, error) {
		files := []string{"templates/layout.html", "templates/" + page}
		for _, part := range parts {
			files = append(files, "templates/"+part)
		}
		t, err := template.New(page).Funcs(funcs).ParseFS(templateFS, files...)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", page, err)
		}
		return t, nil
	}
	var p pages
	var err error
	// The parts of a page kept in files of their own.
	parts := map[string][]string{
		"review.html": {"review_health.html"},
	}
	for _, s := range []struct {
		dst  **template.Template
		page string
	}{
		{&p.login, "login.html"},
		{&p.queue, "queue.html"},
		{&p.ticket, "ticket.html"},
		{&p.users, "users.html"},
		{&p.whatsapp, "whatsapp.html"},
		{&p.webchat, "webchat.html"},
		{&p.analytics, "analytics.html"},
		{&p.review, "review.html"},
		{&p.reviewEdit, "review_edit.html"},
		{&p.incidents, "incidents.html"},
		{&p.error, "error.html"},
	} {
		if *s.dst, err = parse(s.page, parts[s.page]...); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

// templateFuncs are the helpers pages use. None of them returns
// template.HTML: everything they produce is escaped like any other text.
func templateFuncs(static *staticFiles, queues *queueNamer) template.FuncMap {
	return template.FuncMap{
		// t looks a text up in the translations: {{t .Lang "queue.title"}}.
		"t": tr,
		// label translates a value of a known set (a priority, a status,
		// a role), falling back to the value itself.
		"label": func(lang, set string, value any) string {
			v := fmt.Sprint(value)
			if s, ok := translations[lang][set+"."+v]; ok {
				return s
			}
			return v
		},
		"static": static.url,
		// queue is a queue's name in the page's language: {{queue .Lang .Queue}}.
		"queue":   queues.name,
		"iso":     isoTime,
		"version": formatVersion,
		"clock":   clock,
		"since": func(lang string, t, now time.Time) string {
			return formatDuration(lang, now.Sub(t), true)
		},
		"due":      dueText,
		"dueClass": dueClass,
		"pct":      func(f float64) int { return int(math.Round(f * 100)) },
		"inline":   isInlineImage,
		"unnamed":  unnamedCustomer,
		"size":     formatSize,
		"bar":      barClass,
		"jsTexts":  jsTexts,
		"join":     strings.Join,
		// dict passes several values to a template: {{template "x" (dict "A" 1 "B" 2)}}.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict needs pairs, got %d values", len(kv))
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		// percent and fraction write a rate of the analytics page as
		// "41.7%" and as its counts, "5 / 12".
		"percent":  formatPercent,
		"fraction": formatFraction,
	}
}

// isoTime is a time for scripts and <time datetime>, "" when zero.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// formatVersion renders a ticket's Version for the forms made from it.
func formatVersion(v int64) string {
	return strconv.FormatInt(v, 10)
}

// clock is a time as pages show it before their script turns it into the
// reader's local time.
func clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// soonWithin is how close a deadline is when the panel starts warning.
const soonWithin = 15 * time.Minute

// dueText says how long is left until due, or how long ago it passed.
func dueText(lang string, due, now time.Time) string {
	left := due.Sub(now)
	if left < 0 {
		return tr(lang, "sla.overdue", formatDuration(lang, -left, -left < time.Minute))
	}
	return formatDuration(lang, left, left < time.Hour)
}

// dueClass is the CSS class of a deadline: overdue, soon or none.
func dueClass(due, now time.Time) string {
	switch left := due.Sub(now); {
	case left < 0:
		return "overdue"
	case left < soonWithin:
		return "soon"
	}
	return ""
}

// formatDuration writes d in the two largest units: "2d 4h", "3h 12m",
// "12m 30s" (with seconds) or "12m". panel.js formats the same way.
// formatSize prints a file size for people: 812 B, 14 KB, 3.2 MB.
func formatSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

func formatDuration(lang string, d time.Duration, seconds bool) string {
	d = d.Truncate(time.Second)
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	secs := int(d % time.Minute / time.Second)
	unit := func(n int, u string) string { return fmt.Sprintf("%d%s", n, tr(lang, "unit."+u)) }
	switch {
	case days > 0:
		return unit(days, "d") + " " + unit(hours, "h")
	case hours > 0:
		return unit(hours, "h") + " " + unit(mins, "m")
	case !seconds:
		return unit(mins, "m")
	case mins > 0:
		return unit(mins, "m") + " " + unit(secs, "s")
	}
	return unit(secs, "s")
}

// barClass is the CSS class that sets a confidence bar's width, in steps
// of 5%: the CSP forbids inline styles.
func barClass(f float64) string {
	step := int(math.Round(math.Max(0, math.Min(1, f)) * 20))
	return fmt.Sprintf("w%d", step*5)
}

// render executes a page's template into a buffer, so that a failure
// becomes a clean 500 rather than half a page, then sends it with status.
func (p *Panel) render(c *gin.Context, status int, t *template.Template, name string, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		p.log.Error("render panel page", "template", name, "path", c.Request.URL.Path, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("internal error\n"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
