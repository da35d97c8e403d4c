package panel_test

import (
	"bytes"
	"encoding/csv"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/calendar"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/report"
)

// day0 is the first day of the analytics script; the panel looks at it
// from analyticsNow, two days later in the evening.
var (
	day0         = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	analyticsNow = day0.AddDate(0, 0, 2).Add(20 * time.Hour)
)

// analyticsHarness is the harness with a few days of conversations played
// through its engine on a clock the test sets, left at analyticsNow.
//
// Ten days before day0's week: y asks the opening hours (assumed by now).
// Day 0: a is answered (reset_password) and says yes; b asks for a person
// at 11:00, anna replies at 11:20 and closes at 12:00, b rates 5; c on
// Telegram in English is answered (reset_password) and says yes; h is
// answered (pay_bill) at 16:00 and never says whether it helped.
// Day 1: d is answered (pay_bill) at 09:00 and says no at 09:01: boris
// replies at 09:45, closes at 10:30, d rates 2; e asks the opening hours;
// k picks setup_router from a clarification and says yes; h comes back
// at 16:00 about the opening hours (so day 0's h returned).
// Day 2: f complains (complaint, escalated into second_line, left open);
// g writes nonsense and is asked to rephrase.
func analyticsHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	s := dialogtest.NewScript(t, h.engine, day0)
	const reply = "Здравствуйте"

	s.At(-8, 12, 0)
	s.Web("y", "когда работает ваш офис?")

	s.At(0, 10, 0)
	s.Web("a", "забыл пароль")
	s.At(0, 10, 1)
	s.Web("a", "да")
	s.At(0, 11, 0)
	s.Expect("webchat", "b", "/human", dialog.ReasonCustomerAsk)
	s.At(0, 11, 10)
	s.Take("b", "anna")
	s.At(0, 11, 20)
	s.Reply("b", "anna", reply)
	s.At(0, 12, 0)
	s.Close("b", "anna")
	s.At(0, 12, 1)
	s.Web("b", "5")
	s.At(0, 13, 0)
	s.Say("telegram", "c", "how can I reset my password?")
	s.At(0, 13, 1)
	s.Say("telegram", "c", "yes")
	s.At(0, 16, 0)
	s.Web("h", "как оплатить интернет картой")

	s.At(1, 9, 0)
	s.Web("d", "как оплатить интернет картой")
	s.At(1, 9, 1)
	s.Expect("webchat", "d", "нет", dialog.ReasonNotHelpful)
	s.At(1, 9, 30)
	s.Take("d", "boris")
	s.At(1, 9, 45)
	s.Reply("d", "boris", reply)
	s.At(1, 10, 30)
	s.Close("d", "boris")
	s.At(1, 10, 31)
	s.Web("d", "2")
	s.At(1, 11, 0)
	s.Web("e", "когда работает ваш офис?")
	s.At(1, 12, 0)
	s.Web("k", "как настроить")
	s.At(1, 12, 1)
	s.Web("k", "Настройка роутера")
	s.At(1, 12, 2)
	s.Web("k", "да")
	s.At(1, 16, 0)
	s.Web("h", "когда работает ваш офис?")

	s.At(2, 14, 0)
	s.Expect("webchat", "f", "хочу подать жалобу на качество обслуживания", dialog.ReasonIntent)
	s.At(2, 15, 0)
	s.Web("g", "ывапролджэ фывапр")

	if len(s.Tickets) != 3 {
		t.Fatalf("tickets %v, want b's, d's and f's", s.Tickets)
	}
	s.Set(analyticsNow)
	return h
}

// load is the report the page must show for the range and filter, made
// the way the panel makes it.
func (h *harness) load(from, to string, f report.Filter) *report.Report {
	h.t.Helper()
	opts := report.Options{
		Now: analyticsNow, ContactGap: report.DefaultContactGap, ReopenWindow: h.engine.Config().ReopenWindow, Filter: f,
	}
	opts.From, _ = time.Parse(time.DateOnly, from)
	opts.To, _ = time.Parse(time.DateOnly, to)
	r, err := report.Load(h.ctx, h.store, opts)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// figure reads a headline of the page: its counts, and the text shown.
func figure(t *testing.T, body, id string) (report.Ratio, string) {
	t.Helper()
	m := regexp.MustCompile(`id="fig-` + id + `"[^>]*data-num="(\d+)" data-den="(\d+)">([\s\S]*?)</div>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page has no figure %s", id)
	}
	num, _ := strconv.Atoi(m[1])
	den, _ := strconv.Atoi(m[2])
	text, _, _ := strings.Cut(m[3], `id="fig-`) // a part's text ends where the next part starts
	return report.Ratio{Num: num, Den: den}, text
}

// attrs returns the values of an attribute in page order.
func attrs(body, name string) []string {
	var out []string
	for _, m := range regexp.MustCompile(name+`="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// section returns the part of body from the element with id to the end of
// its section.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("the page has no %s", id)
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestAnalyticsRoles(t *testing.T) {
	h := newHarness(t)
	h.get("anna", "/panel/analytics", http.StatusForbidden)
	h.get("anna", "/panel/analytics/export.csv?table=intents", http.StatusForbidden)
	if strings.Contains(h.get("anna", "/panel/queue", http.StatusOK), "/panel/analytics") {
		t.Error("an agent's menu links to the analytics page")
	}
	for _, user := range []string{"nina", "root"} {
		if !strings.Contains(h.get(user, "/panel/queue", http.StatusOK), `href="/panel/analytics"`) {
			t.Errorf("%s's menu has no link to the analytics page", user)
		}
		body := h.get(user, "/panel/analytics", http.StatusOK)
		inOrder(t, body, `class="active" aria-current="page">Analytics`, `id="analytics-filters"`, `id="headlines"`)
		// A store without events says so rather than showing zeros alone.
		if !strings.Contains(body, "No analytics events are recorded yet") {
			t.Errorf("%s: the empty store is not explained", user)
		}
	}
}

func TestAnalyticsOverview(t *testing.T) {
	h := analyticsHarness(t)
	body := h.get("nina", "/panel/analytics", http.StatusOK)

	// The last 7 days, today included.
	if !strings.Contains(body, `name="from" value="2026-02-26"`) || !strings.Contains(body, `name="to" value="2026-03-04"`) {
		t.Error("the form does not show the last 7 days")
	}
	inOrder(t, body, `id="range">2026-02-26 to 2026-03-04: 7 days, UTC<`)
	r := h.load("2026-02-26", "2026-03-05", report.Filter{})
	c := r.Contacts

	// Worked out from the script: a, b, c, h; d, e, h again, k; f, g.
	if m := regexp.MustCompile(`id="fig-contacts" data-total="(\d+)"`).FindStringSubmatch(body); m == nil || m[1] != "10" || c.Total != 10 {
		t.Errorf("contacts on the page %v, in the report %d; want 10", m, c.Total)
	}
	for _, f := range []struct {
		id   string
		want report.Ratio // from the script
		got  report.Ratio // the report's
		text []string     // shown
	}{
		{"deflected", report.Ratio{Num: 3, Den: 10}, c.Deflected, []string{"30.0%", "3 / 10"}},
		{"confirmed", report.Ratio{Num: 3, Den: 10}, c.Confirmed, []string{"30.0%", "3 / 10"}}, // a, c, k
		{"assumed", report.Ratio{Num: 0, Den: 10}, c.Assumed, []string{"0.0%", "0 / 10"}},
		{"escalated", report.Ratio{Num: 3, Den: 10}, c.Escalated, []string{"30.0%", "3 / 10"}}, // b, d, f
		{"unanswered", report.Ratio{Num: 1, Den: 10}, c.Unanswered, []string{"10.0%", "1 / 10"}},
		{"returned", report.Ratio{Num: 1, Den: 10}, c.Returned, []string{"10.0%", "1 / 10"}}, // h's first
		{"pending", report.Ratio{Num: 2, Den: 10}, c.Pending, []string{"20.0%", "2 / 10"}},   // e, h's second
		{"clarified", report.Ratio{Num: 1, Den: 1}, c.Clarified, []string{"100.0%", "1 / 1"}},
	} {
		got, text := figure(t, body, f.id)
		if got != f.want || f.got != f.want {
			t.Errorf("%s: page %+v, report %+v, want %+v", f.id, got, f.got, f.want)
		}
		for _, s := range f.text {
			if !strings.Contains(text, s) {
				t.Errorf("%s shows %q, without %q", f.id, text, s)
			}
		}
	}

	// Escalation by reason, each of all contacts.
	reasons := section(t, body, "reasons")
	for _, want := range []struct {
		reason string
		text   string
	}{
		{dialog.ReasonNoMatch, "0.0%</td><td class=\"num frac\">0 / 10"},
		{dialog.ReasonCustomerAsk, "10.0%</td><td class=\"num frac\">1 / 10"}, // b
		{dialog.ReasonIntent, "10.0%</td><td class=\"num frac\">1 / 10"},      // f
		{dialog.ReasonNotHelpful, "10.0%</td><td class=\"num frac\">1 / 10"},  // d
	} {
		inOrder(t, reasons, `data-reason="`+want.reason+`"`, want.text)
	}
	if n := strings.Count(reasons, "data-reason="); n != len(c.Reasons) || n != 4 {
		t.Errorf("%d reasons on the page, %d in the report, want 4", n, len(c.Reasons))
	}

	// One day of the chart per day of the range; a point on the line for
	// each day with contacts (day 0, 1 and 2).
	chart := section(t, body, "deflection")
	if !strings.Contains(chart, `<svg class="chart" id="deflection-chart"`) || !strings.Contains(chart, `data-days="7"`) {
		t.Error("the chart is not on the page")
	}
	days := attrs(chart, `<g class="day" data-day`)
	wantDays := []string{"2026-02-26", "2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"}
	if !reflect.DeepEqual(days, wantDays) {
		t.Errorf("chart days %v, want %v", days, wantDays)
	}
	if got := attrs(chart, "data-contacts"); !reflect.DeepEqual(got, []string{"0", "0", "0", "0", "4", "4", "2"}) {
		t.Errorf("contacts by day %v", got)
	}
	if got := attrs(chart, `<circle class="pt deflected" cx="[^"]*" cy="[^"]*" r="[^"]*" data-day`); !reflect.DeepEqual(got, wantDays[4:]) {
		t.Errorf("points on the days %v, want %v", got, wantDays[4:])
	}
	// Day 0: a and c confirmed of 4: 50%, drawn halfway up the chart.
	inOrder(t, chart, `data-day="2026-03-02"`, "<title>2026-03-02: 4 contacts; deflected 50.0% (2 / 4): confirmed 50.0%, assumed 0.0%</title>")
	if !regexp.MustCompile(`<path class="line deflected" d="M\S+ 120 L\S+ \S+ L\S+ \S+"`).MatchString(chart) {
		t.Errorf("the line does not go through the three days from 50%%:\n%s", chart)
	}

	// The filter offers the values present.
	for _, want := range []string{
		`<option value="telegram">telegram</option>`, `<option value="webchat">webchat</option>`,
		`<option value="en">en</option>`, `<option value="ru">ru</option>`,
		`<option value="setup_router">`, `<option value="second_line">Second line</option>`,
		`<option value="anna">anna</option>`, `<option value="boris">boris</option>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the filter does not offer %s", want)
		}
	}

	// Beside deflection, the contacts the bot answered at all; and what
	// "pending" means, in words on the page.
	answered, text := figure(t, body, "answered")
	if answered != c.Answered || answered.Num == 0 || !strings.Contains(text, "Answered by the bot") {
		t.Errorf("answered by the bot %+v %q, the report says %+v", answered, text, c.Answered)
	}
	inOrder(t, body, `id="fig-deflected"`, `id="fig-answered"`, `id="fig-pending"`,
		`id="pending-explained">Pending: contacts still going on`, "within the reopen window (7d 0h)")

	// Intents show their titles, with their ids beside.
	inOrder(t, section(t, body, "intents"), `data-intent="reset_password"`, `Password reset <code class="muted">reset_password</code>`)

	// Tickets per agent and per queue, every ticket first.
	agents := section(t, body, "agents")
	if got := attrs(agents, "data-name"); !reflect.DeepEqual(got, []string{"*", "anna", "boris", ""}) {
		t.Errorf("agents' rows %v", got)
	}
	// b: first response 20m, resolved in 1h, rated 5; d: 44m, 1h 29m, rated 2.
	inOrder(t, agents, `data-name="*"`, ">3<", ">2<", ">20m<", ">44m<", ">1h 0m<", ">1h 29m<",
		"33.3%", "1 / 3", // first response missed: f, high priority, due within the hour
		"0.0%", "0 / 3", // resolution missed: none, f has 8 hours
		"0.0%", "0 / 2", // reopened
		"3.50", "(2)", ">0<", ">1<", ">0<", ">0<", ">1<")
	inOrder(t, agents, `data-name="anna"`, ">1<", ">1<", ">20m<", ">20m<", ">1h 0m<", ">1h 0m<", "5.00")
	queues := section(t, body, "queues")
	if got := attrs(queues, "data-name"); !reflect.DeepEqual(got, []string{"*", "first_line", "second_line"}) {
		t.Errorf("queues' rows %v", got)
	}
	inOrder(t, queues, `data-name="first_line"`, "<td>First line</td>", `data-name="second_line"`, "<td>Second line</td>")
	if r.Tickets.Tickets != 3 || r.Tickets.CSAT != (report.Mean{Sum: 7, Count: 2}) {
		t.Errorf("the report's tickets %+v", r.Tickets)
	}
}

func TestAnalyticsFilters(t *testing.T) {
	h := analyticsHarness(t)
	const week = "from=2026-02-22&to=2026-03-04"
	for _, c := range []struct {
		query     string
		filter    report.Filter
		contacts  int // worked out from the script
		confirmed int
		assumed   int
	}{
		{"", report.Filter{}, 11, 3, 1}, // y's is assumed
		{"&channel=telegram", report.Filter{Channel: "telegram"}, 1, 1, 0},
		{"&lang=en", report.Filter{Lang: "en"}, 1, 1, 0},
		{"&intent=opening_hours", report.Filter{Intent: "opening_hours"}, 3, 0, 1},
		{"&queue=first_line", report.Filter{Queue: "first_line"}, 2, 0, 0},
		{"&agent=boris", report.Filter{Agent: "boris"}, 1, 0, 0},
		{"&channel=webchat&intent=reset_password", report.Filter{Channel: "webchat", Intent: "reset_password"}, 1, 1, 0},
	} {
		t.Run(c.query, func(t *testing.T) {
			body := h.get("nina", "/panel/analytics?"+week+c.query, http.StatusOK)
			r := h.load("2026-02-22", "2026-03-05", c.filter)
			contacts, _ := figure(t, body, "escalated")
			confirmed, _ := figure(t, body, "confirmed")
			assumed, _ := figure(t, body, "assumed")
			if contacts.Den != c.contacts || r.Contacts.Total != c.contacts ||
				confirmed.Num != c.confirmed || r.Contacts.Confirmed.Num != c.confirmed ||
				assumed.Num != c.assumed || r.Contacts.Assumed.Num != c.assumed {
				t.Errorf("page: %d contacts, %d confirmed, %d assumed; report %d, %d, %d; want %d, %d, %d",
					contacts.Den, confirmed.Num, assumed.Num, r.Contacts.Total, r.Contacts.Confirmed.Num, r.Contacts.Assumed.Num,
					c.contacts, c.confirmed, c.assumed)
			}
			// The form shows the filter, a value with no data included,
			// and every link keeps it.
			values, _ := url.ParseQuery(week + c.query)
			for name, v := range values {
				if name == "from" || name == "to" {
					continue
				}
				if !strings.Contains(body, `<option value="`+v[0]+`" selected>`) {
					t.Errorf("the form does not show %s=%s", name, v[0])
				}
			}
			links := append(attrs(section(t, body, "intents"), `<th[^>]*><a href`), attrs(body, `class="csv" href`)...)
			if len(links) < 6 { // the CSV links at least
				t.Fatalf("only %d links to check", len(links))
			}
			for _, link := range links {
				u, err := url.Parse(strings.ReplaceAll(link, "&amp;", "&"))
				if err != nil {
					t.Fatal(err)
				}
				for name, v := range values {
					if got := u.Query().Get(name); got != v[0] {
						t.Errorf("%s has %s=%q, want %q", link, name, got, v[0])
					}
				}
			}
		})
	}
}

// intentRows are the intents of the page's table, in order.
func intentRows(t *testing.T, body string) []string {
	t.Helper()
	return attrs(section(t, body, "intents"), "data-intent")
}

func TestAnalyticsSort(t *testing.T) {
	h := analyticsHarness(t)
	// Worked out from the script: answered 2 each for opening_hours,
	// pay_bill and reset_password, 1 for complaint and setup_router;
	// helpful reset_password 2/2, setup_router 1/1, pay_bill 0/1, the rest
	// never asked; escalated after complaint 1/1, pay_bill 1/2, the rest
	// 0 of 2, 2 and 1.
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"opening_hours", "pay_bill", "reset_password", "complaint", "setup_router"}},
		{"&sort=answered&dir=desc", []string{"opening_hours", "pay_bill", "reset_password", "complaint", "setup_router"}},
		{"&sort=contacts&dir=asc", []string{"complaint", "setup_router", "opening_hours", "pay_bill", "reset_password"}},
		{"&sort=answered&dir=asc", []string{"complaint", "setup_router", "opening_hours", "pay_bill", "reset_password"}},
		{"&sort=intent", []string{"complaint", "opening_hours", "pay_bill", "reset_password", "setup_router"}},
		{"&sort=intent&dir=desc", []string{"setup_router", "reset_password", "pay_bill", "opening_hours", "complaint"}},
		// Rates of nothing last, either way.
		{"&sort=helpful", []string{"reset_password", "setup_router", "pay_bill", "complaint", "opening_hours"}},
		{"&sort=helpful&dir=asc", []string{"pay_bill", "reset_password", "setup_router", "complaint", "opening_hours"}},
		{"&sort=escalated", []string{"complaint", "pay_bill", "opening_hours", "reset_password", "setup_router"}},
		{"&sort=escalated&dir=asc", []string{"opening_hours", "reset_password", "setup_router", "pay_bill", "complaint"}},
	} {
		t.Run(c.query, func(t *testing.T) {
			body := h.get("nina", "/panel/analytics?from=2026-03-02&to=2026-03-05"+c.query, http.StatusOK)
			if got := intentRows(t, body); !reflect.DeepEqual(got, c.want) {
				t.Errorf("intents %v, want %v", got, c.want)
			}
		})
	}

	// The headers sort: the column sorted by the other way round, the
	// others their natural way; the table marks what it is sorted by.
	body := h.get("nina", "/panel/analytics?from=2026-03-02&to=2026-03-05&sort=helpful&dir=desc", http.StatusOK)
	heads := attrs(section(t, body, "intents"), `<th[^>]*><a href`)
	var got []string
	for _, link := range heads {
		u, _ := url.Parse(strings.ReplaceAll(link, "&amp;", "&"))
		got = append(got, u.Query().Get("sort")+" "+u.Query().Get("dir")+" "+u.Fragment)
	}
	want := []string{"intent asc intents", "contacts desc intents", "answered desc intents", "helpful asc intents", "escalated desc intents"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("header links %v, want %v", got, want)
	}
	if n := strings.Count(body, "aria-sort="); n != 1 || !strings.Contains(body, `aria-sort="descending"><a href="/panel/analytics?`) {
		t.Errorf("the sorted column is not marked once (%d)", n)
	}
	// Following a header link sorts by it.
	link, _, _ := strings.Cut(strings.ReplaceAll(heads[3], "&amp;", "&"), "#")
	next := h.get("nina", link, http.StatusOK)
	if got := intentRows(t, next); got[0] != "pay_bill" {
		t.Errorf("after the helpful header: %v", got)
	}
}

// export fetches a table's CSV as user and checks that it is a download.
func (h *harness) export(user, query string) [][]string {
	h.t.Helper()
	w := h.do(request{method: http.MethodGet, path: "/panel/analytics/export.csv?" + query, user: user})
	if w.Code != http.StatusOK {
		h.t.Fatalf("export %s: %d\n%s", query, w.Code, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		h.t.Errorf("export %s: content type %q", query, ct)
	}
	if cd := w.Header().Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="firstline-[a-z_]+-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv"$`).MatchString(cd) {
		h.t.Errorf("export %s: content disposition %q", query, cd)
	}
	records, err := csv.NewReader(w.Body).ReadAll()
	if err != nil {
		h.t.Fatalf("export %s: %v", query, err)
	}
	return records
}

func TestAnalyticsExport(t *testing.T) {
	h := analyticsHarness(t)
	const query = "from=2026-02-22&to=2026-03-04&channel=webchat&sort=helpful&dir=asc"
	body := h.get("root", "/panel/analytics?"+query, http.StatusOK)
	r := h.load("2026-02-22", "2026-03-05", report.Filter{Channel: "webchat"})

	// Every table on the page links to its CSV with the page's query.
	links := map[string]string{}
	for _, link := range attrs(body, `class="csv" href`) {
		u, err := url.Parse(strings.ReplaceAll(link, "&amp;", "&"))
		if err != nil {
			t.Fatal(err)
		}
		table := u.Query().Get("table")
		links[table] = u.RawQuery
		if u.Path != "/panel/analytics/export.csv" || u.Query().Get("channel") != "webchat" || u.Query().Get("sort") != "helpful" {
			t.Errorf("the link of %s: %s", table, link)
		}
	}
	if len(links) != 6 {
		t.Errorf("CSV links of %d tables, want 6: %v", len(links), links)
	}

	// The intents' rows are the page's, in the page's order, with the
	// report's numbers.
	rows := h.export("nina", links[report.TableIntents])
	var order []string
	for i, row := range rows[1:] {
		order = append(order, row[0])
		var in report.Intent
		for _, x := range r.Intents {
			if x.Intent == row[0] {
				in = x
			}
		}
		want := []string{in.Intent, strconv.Itoa(in.Contacts), strconv.Itoa(in.Answered), strconv.Itoa(in.Helpful.Num), strconv.Itoa(in.Helpful.Den)}
		if !reflect.DeepEqual(row[:5], want) {
			t.Errorf("intents row %d: %q, want %q", i, row, want)
		}
	}
	if page := intentRows(t, body); !reflect.DeepEqual(order, page) || len(order) != len(r.Intents) || len(order) != 5 {
		t.Errorf("the CSV's intents %v, the page's %v, the report has %d", order, page, len(r.Intents))
	}

	// The other tables are the report's CSV tables.
	for _, table := range []string{report.TableContacts, report.TableReasons, report.TableAgents, report.TableQueues} {
		var b bytes.Buffer
		if err := report.WriteCSVTable(&b, r, table); err != nil {
			t.Fatal(err)
		}
		want, _ := csv.NewReader(&b).ReadAll()
		if got := h.export("nina", links[table]); !reflect.DeepEqual(got, want) {
			t.Errorf("%s\n got %q\nwant %q", table, got, want)
		}
	}
	contacts := h.export("root", links[report.TableContacts])
	escalated, _ := figure(t, body, "escalated")
	if contacts[1][0] != "contacts" || contacts[1][1] != strconv.Itoa(escalated.Den) || contacts[2][0] != "escalated" ||
		contacts[2][1] != strconv.Itoa(escalated.Num) || escalated.Num != 3 {
		t.Errorf("the contacts CSV %q does not match the page's %+v escalated", contacts[:3], escalated)
	}

	// The days: one row per day of the chart, with its contacts.
	days := h.export("nina", links["days"])
	chart := attrs(section(t, body, "deflection"), "data-contacts")
	if len(days) != 12 || len(chart) != 11 {
		t.Fatalf("%d rows of days, %d days on the chart; want 11", len(days)-1, len(chart))
	}
	for i, row := range days[1:] {
		if row[2] != chart[i] {
			t.Errorf("day %s: %s contacts, the chart has %s", row[0], row[2], chart[i])
		}
	}
	if days[9][0] != "2026-03-02T00:00:00Z" || days[9][2] != "3" || days[9][16] != "33.33" { // a deflected, b escalated, h returned
		t.Errorf("day 0 %q", days[9])
	}

	// An agent may not export, and a table must be one of the page's.
	h.get("anna", "/panel/analytics/export.csv?"+links[report.TableIntents], http.StatusForbidden)
	if body := h.get("nina", "/panel/analytics/export.csv?table=users&"+query, http.StatusBadRequest); !strings.Contains(body, `There is no table &#34;users&#34; to export.`) {
		t.Errorf("an unknown table is not explained:\n%s", body)
	}
}

func TestAnalyticsBadInput(t *testing.T) {
	h := analyticsHarness(t)
	for _, c := range []struct {
		query string
		text  string
	}{
		{"from=2026-02-30&to=2026-03-05", `The start date &#34;2026-02-30&#34; is not a date YYYY-MM-DD.`},
		{"from=yesterday", `The start date &#34;yesterday&#34; is not a date YYYY-MM-DD.`},
		{"from=2026-03-01&to=3/5/2026", `The end date &#34;3/5/2026&#34; is not a date YYYY-MM-DD.`},
		{"from=2026-03-06&to=2026-03-05", "The range is empty: the last day 2026-03-05 is before the first 2026-03-06."},
		{"from=2025-03-01&to=2026-03-02", "The range has 367 days; at most 366 can be shown at once."},
		{"from=2026-03-01&to=2026-03-05&agent=nobody", `There is no agent &#34;nobody&#34;: choose one from the list.`},
		{"from=2026-03-01&to=2026-03-05&queue=firstline", `There is no queue &#34;firstline&#34;: choose one from the list.`},
		{"from=2026-03-01&to=2026-03-05&intent=paybill", `There is no intent &#34;paybill&#34;: choose one from the list.`},
		{"from=2026-03-01&to=2026-03-05&agent=" + strings.Repeat("x", 101), "A filter value must be text of at most 100 characters."},
		{"from=2026-03-01&to=2026-03-05&queue=%ff", "A filter value must be text of at most 100 characters."},
		{"from=2026-03-01&to=2026-03-05&sort=customer", `The intents table cannot be sorted by &#34;customer&#34;.`},
		{"from=2026-03-01&to=2026-03-05&dir=up", `The sort order must be asc or desc, not &#34;up&#34;.`},
	} {
		t.Run(c.query, func(t *testing.T) {
			body := h.get("nina", "/panel/analytics?"+c.query, http.StatusBadRequest)
			inOrder(t, body, `id="analytics-filters"`, `id="analytics-error"`, "Check what you entered", c.text)
			for _, part := range []string{`id="headlines"`, `id="deflection"`, `id="intents"`, "export.csv"} {
				if strings.Contains(body, part) {
					t.Errorf("a refused query shows %s", part)
				}
			}
			// What was typed stays in the form to be corrected.
			values, _ := url.ParseQuery(c.query)
			if from := values.Get("from"); !strings.Contains(body, `name="from" value="`+from+`"`) {
				t.Errorf("the form lost from=%s", from)
			}
			h.get("nina", "/panel/analytics/export.csv?table=intents&"+c.query, http.StatusBadRequest)
		})
	}
	// A year, leap or not, is shown.
	body := h.get("nina", "/panel/analytics?from=2025-03-03&to=2026-03-03", http.StatusOK)
	if n := strings.Count(body, `<g class="day"`); n != 366 {
		t.Errorf("366 days show %d on the chart", n)
	}
}

// TestAnalyticsWorkingTime checks that with business hours the page's
// first response and resolution times are working time, and that it says
// so: a ticket escalated on Friday at 17:30 and answered on Monday at
// 09:30 took one working hour.
func TestAnalyticsWorkingTime(t *testing.T) {
	office, err := calendar.New(calendar.Config{Hours: []string{"mon-fri 09:00-18:00"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := dialog.DefaultConfig
	cfg.Hours = map[string]*calendar.Calendar{"": office}
	h := newHarnessConfig(t, dialogtest.Store(t, slog.New(slog.DiscardHandler)), cfg)
	s := dialogtest.NewScript(t, h.engine, day0) // a Monday
	s.At(4, 17, 30)
	s.Expect("webchat", "b", "/human", dialog.ReasonCustomerAsk)
	s.At(7, 9, 30)
	s.Reply("b", "anna", "Здравствуйте")
	s.At(7, 10, 30)
	s.Close("b", "anna")
	s.At(7, 12, 0)

	body := h.get("nina", "/panel/analytics?from=2026-03-06&to=2026-03-09", http.StatusOK)
	if !strings.Contains(body, "First response and resolution times are working time") {
		t.Errorf("the page does not say its times are working time")
	}
	m := regexp.MustCompile(`(?s)<tr class="total" data-name="\*">.*?</tr>`).FindString(body)
	cells := regexp.MustCompile(`<td class="num">([^<]*)</td>`).FindAllStringSubmatch(m, -1)
	if len(cells) < 6 {
		t.Fatalf("no total row of tickets: %q", m)
	}
	// Tickets, closed, first response median and p90, resolution median
	// and p90.
	var got []string
	for _, c := range cells[:6] {
		got = append(got, c[1])
	}
	if want := []string{"1", "1", "1h 0m", "1h 0m", "2h 0m", "2h 0m"}; !reflect.DeepEqual(got, want) {
		t.Errorf("tickets row %q, want %q", got, want)
	}
}
