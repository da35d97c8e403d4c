package main

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/report"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
)

// demoQuestions are what the demo's customers ask: the first example of
// intents of the demo knowledge base, which it answers with confidence.
var demoQuestions = []string{
	"забыл пароль", "не могу войти в личный кабинет", "какой у меня баланс", "как оплатить интернет",
	"подключить автоплатёж", "нужна квитанция", "обещанный платеж", "нет интернета",
	"интернет постоянно отваливается", "низкая скорость", "часы работы", "хочу подключиться",
	"как настроить роутер", "как поменять пароль от вайфая", "какие есть тарифы", "сменить тариф",
}

// seedDemo plays days of support through an engine on the store in
// dataDir, each day ending before today (UTC): customers of the web chat
// and Telegram ask the demo knowledge base's questions; some say the
// answer helped, some are asked which of two things they meant, some that it did not and get an agent, some ask for a
// person or complain, a few write nonsense, some come back. Agents olga,
// ivan and maria take, answer and close the tickets, and customers rate
// them. The same seed plays the same days.
func seedDemo(t *testing.T, dataDir string, days int) {
	t.Helper()
	ctx := t.Context()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := sqlite.Open(ctx, filepath.Join(dataDir, "firstline.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	engine := dialog.NewEngine(store, dialogtest.KB(t, "../../configs/intents"), nil, dialog.DefaultConfig, log)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	s := dialogtest.NewScript(t, engine, today)

	rng := rand.New(rand.NewPCG(7, 11))
	say := func(channel, chat, text string) func() {
		return func() { s.Say(channel, chat, text) }
	}
	agents := []string{"olga", "ivan", "maria"}
	// work plans an agent taking, answering and closing chat's ticket,
	// and the customer's rating, from at on.
	work := func(chat string, at time.Time) {
		agent := agents[rng.IntN(len(agents))]
		taken := at.Add(time.Duration(2+rng.IntN(40)) * time.Minute)
		replied := taken.Add(time.Duration(3+rng.IntN(90)) * time.Minute)
		closed := replied.Add(time.Duration(10+rng.IntN(300)) * time.Minute)
		s.Later(taken, func() { s.Take(chat, agent) })
		s.Later(replied, func() { s.Reply(chat, agent, "Здравствуйте! Сейчас разберёмся.") })
		s.Later(closed, func() { s.Close(chat, agent) })
		if rng.IntN(3) > 0 {
			rating := []int{5, 5, 5, 4, 4, 3, 2, 1}[rng.IntN(8)]
			s.Later(closed.Add(time.Minute), say("webchat", chat, strconv.Itoa(rating)))
		}
	}

	for d := days; d >= 1; d-- {
		day := today.AddDate(0, 0, -d)
		n := 9 + rng.IntN(8)
		for i := range n {
			chat := fmt.Sprintf("d%d-%d", d, i)
			at := day.Add(time.Duration(8*60+rng.IntN(11*60)) * time.Minute)
			channel := "webchat"
			if rng.IntN(3) == 0 {
				channel = "telegram"
			}
			question := demoQuestions[rng.IntN(len(demoQuestions))]
			switch k := rng.IntN(21); {
			case k < 8: // helped
				s.Later(at, say(channel, chat, question))
				s.Later(at.Add(time.Minute), say(channel, chat, "да"))
			case k < 12: // answered, no word on whether it helped
				s.Later(at, say(channel, chat, question))
				if k == 11 && d > 1 { // back the next day
					s.Later(at.AddDate(0, 0, 1), say(channel, chat, demoQuestions[rng.IntN(len(demoQuestions))]))
				}
			case k < 15: // did not help: a person takes over
				s.Later(at, say(channel, chat, question))
				s.Later(at.Add(time.Minute), say(channel, chat, "нет"))
				work(chat, at.Add(time.Minute))
			case k == 15:
				s.Later(at, say(channel, chat, "/human"))
				work(chat, at)
			case k == 16:
				s.Later(at, say(channel, chat, "позовите оператора"))
				work(chat, at)
			case k == 17:
				s.Later(at, say(channel, chat, "хочу пожаловаться"))
				work(chat, at)
			case k == 18: // asked which of two it meant
				s.Later(at, say(channel, chat, "тариф подскажите"))
				if rng.IntN(3) > 0 {
					s.Later(at.Add(time.Minute), say(channel, chat, "Смена тарифа"))
					s.Later(at.Add(2*time.Minute), say(channel, chat, "да"))
				}
			default: // nonsense, asked to rephrase; again, and a person takes over
				s.Later(at, say(channel, chat, "ывапролджэ фывапр"))
				if k == 20 {
					s.Later(at.Add(time.Minute), say(channel, chat, "йцукенгшщз"))
					work(chat, at.Add(time.Minute))
				}
			}
		}
	}
	s.Play(today) // only finished days: the page shows no tomorrow
}

// TestAnalyticsInBrowser reads the analytics page as an analyst in a real
// browser, over two weeks of demo conversations: the headline figures are
// the report's, the chart has a point for each day, a click on a header
// sorts the intents, and a table downloads as CSV.
func TestAnalyticsInBrowser(t *testing.T) {
	data := t.TempDir()
	const days = 14
	seedDemo(t, data, days)
	addUser(t, data, "alla", "analyst", "correct horse battery")
	s := startServer(t, data)
	ctx := newBrowser(t)
	login(t, ctx, s.url, "alla", "correct horse battery")

	// From the menu: the last 7 days, today included.
	click(t, ctx, `nav a[href="/panel/analytics"]`)
	waitJS(t, ctx, `document.readyState === "complete" && document.querySelector("#deflection-chart") !== null`, "the chart")
	if n := evalString(t, ctx, `String(document.querySelectorAll("#deflection-chart g.day").length)`); n != "7" {
		t.Errorf("the last week's chart has %s days", n)
	}

	// Two weeks, through the form.
	today := time.Now().UTC().Truncate(24 * time.Hour)
	from := today.AddDate(0, 0, -days).Format(time.DateOnly)
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`input[name="from"]`), from),
		chromedp.Submit(chromedp.CSS(`input[name="from"]`)),
	); err != nil {
		t.Fatal(err)
	}
	// The whole page, not only its chart: a page still being parsed has
	// the chart before the rest.
	waitJS(t, ctx, `document.readyState === "complete" && document.querySelectorAll("#deflection-chart g.day").length === 15`,
		"two weeks and today on the chart")

	// The figures are the report's, made at the moment the page says.
	made, err := time.Parse(time.RFC3339Nano, evalString(t, ctx, `document.querySelector("#about").dataset.now`))
	if err != nil {
		t.Fatal(err)
	}
	store := openTestStore(t, data)
	s2, err := report.LoadSeries(t.Context(), store, report.Options{
		From: today.AddDate(0, 0, -days), To: today.AddDate(0, 0, 1), Now: made,
		ContactGap: report.DefaultContactGap, ReopenWindow: dialog.DefaultConfig.ReopenWindow,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := s2.Total
	c := r.Contacts
	if c.Total < 100 || c.Escalated.Num == 0 || c.Confirmed.Num == 0 || c.Assumed.Num == 0 || c.Pending.Num == 0 ||
		c.Clarified.Den == 0 || len(r.Intents) < 8 || len(r.Agents) < 3 {
		t.Fatalf("the demo is too thin to show: %+v, %d intents, %d agents", c, len(r.Intents), len(r.Agents))
	}
	if got := evalString(t, ctx, `document.querySelector("#fig-contacts").dataset.total`); got != strconv.Itoa(c.Total) {
		t.Errorf("contacts: the page shows %s, the report %d", got, c.Total)
	}
	for id, want := range map[string]report.Ratio{
		"deflected": c.Deflected, "confirmed": c.Confirmed, "assumed": c.Assumed, "escalated": c.Escalated,
		"unanswered": c.Unanswered, "returned": c.Returned, "pending": c.Pending, "clarified": c.Clarified,
		"answered": c.Answered,
	} {
		el := `document.querySelector("#fig-` + id + `")`
		got := evalString(t, ctx, el+`.dataset.num + " " + `+el+`.dataset.den + " " + `+el+`.textContent`)
		wantText := fmt.Sprintf("%d %d ", want.Num, want.Den)
		if !strings.HasPrefix(got, wantText) || !strings.Contains(got, fmt.Sprintf("%.1f%%", want.Percent())) ||
			!strings.Contains(got, fmt.Sprintf("%d / %d", want.Num, want.Den)) {
			t.Errorf("%s: the page has %q, the report %+v", id, got, want)
		}
	}

	// The heading says the days the fields hold, the last one included.
	fields := evalString(t, ctx, `document.querySelector("input[name=from]").value + " to " + document.querySelector("input[name=to]").value`)
	if want := from + " to " + today.Format(time.DateOnly) + ": 15 days, UTC"; evalString(t, ctx, `document.querySelector("#range").textContent`) != want ||
		!strings.HasPrefix(want, fields) {
		t.Errorf("the heading says %q, the fields %q; want %q", evalString(t, ctx, `document.querySelector("#range").textContent`), fields, want)
	}
	// "Pending" is explained on the page, not only in a tooltip.
	if got := evalString(t, ctx, `(() => { const p = document.querySelector("#pending-explained"); return p && p.offsetParent ? p.textContent : ""; })()`); !strings.Contains(got, "Pending: contacts still going on") {
		t.Errorf("pending is explained as %q", got)
	}

	// A point on the line for each day with contacts, in order.
	var withContacts []string
	for _, d := range s2.Days {
		if d.Contacts.Total > 0 {
			withContacts = append(withContacts, d.From.Format(time.DateOnly))
		}
	}
	points := evalString(t, ctx, `[...document.querySelectorAll("#deflection-chart circle.pt.deflected")].map(c => c.dataset.day).join(" ")`)
	if points != strings.Join(withContacts, " ") || len(withContacts) != days {
		t.Errorf("points on %q, want the %d days with contacts %q", points, days, withContacts)
	}
	// Taller than the other pictures, to show the chart and the tables
	// under it.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1200, 1500)); err != nil {
		t.Fatal(err)
	}
	t.Logf("analytics screenshot: %s", screenshot(t, ctx, "analytics"))

	// Sort the intents by a click on "Helpful": most helpful first, rates
	// of nothing last, ties by intent id.
	click(t, ctx, `#intents-table thead th:nth-child(4) a`)
	waitJS(t, ctx, `(document.querySelector("#intents-table thead th:nth-child(4)")||{}).ariaSort === "descending"`, "the intents sorted by helpful")
	order := strings.Fields(evalString(t, ctx, `[...document.querySelectorAll("#intents-table tbody tr")].map(r => r.dataset.intent).join(" ")`))
	helpful := map[string]report.Ratio{}
	for _, in := range r.Intents {
		helpful[in.Intent] = in.Helpful
	}
	if len(order) != len(r.Intents) {
		t.Fatalf("%d intents on the page, %d in the report", len(order), len(r.Intents))
	}
	for i := 1; i < len(order); i++ {
		a, b := helpful[order[i-1]], helpful[order[i]]
		byRate := 0
		switch {
		case a.Den == 0 && b.Den == 0:
		case a.Den == 0:
			byRate = 1
		case b.Den == 0:
			byRate = -1
		default:
			byRate = cmp.Compare(b.Num*a.Den, a.Num*b.Den)
		}
		if cmp.Or(byRate, strings.Compare(order[i-1], order[i])) > 0 {
			t.Errorf("%s (%+v) before %s (%+v)", order[i-1], a, order[i], b)
		}
	}

	// The intents' CSV: a download of the same rows in the same order.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const r = await fetch(document.querySelector("#intents a.csv").href);
		return r.status + "\n" + r.headers.get("Content-Disposition") + "\n" + await r.text();
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch the CSV: %v", err)
	}
	status, rest, _ := strings.Cut(got, "\n")
	disposition, body, _ := strings.Cut(rest, "\n")
	if status != "200" || !strings.HasPrefix(disposition, `attachment; filename="firstline-intents-`+from) {
		t.Fatalf("the CSV: %s, %s", status, disposition)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	num, den := slices.Index(rows[0], "helpful_num"), slices.Index(rows[0], "helpful_den")
	if num < 0 || den < 0 {
		t.Fatalf("the CSV's header %q has no helpful_num and helpful_den", rows[0])
	}
	var csvOrder []string
	for _, row := range rows[1:] {
		csvOrder = append(csvOrder, row[0])
		if h := helpful[row[0]]; row[num] != strconv.Itoa(h.Num) || row[den] != strconv.Itoa(h.Den) {
			t.Errorf("%s helpful %s/%s in the CSV, %+v in the report", row[0], row[num], row[den], h)
		}
	}
	if !slices.Equal(csvOrder, order) {
		t.Errorf("the CSV's order %v, the page's %v", csvOrder, order)
	}
}
