package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/report"
)

// scriptedReport is the report of the scripted day on SQLite.
func scriptedReport(t *testing.T) *report.Report {
	t.Helper()
	store := dialogtest.Store(t, nil)
	play(t, store)
	r, err := report.Load(t.Context(), store, report.Options{
		From: day, To: day.AddDate(0, 0, 1), Now: day.AddDate(0, 0, 1).Add(13 * time.Hour),
		ContactGap: 30 * time.Minute, ReopenWindow: 24 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// write writes r in format and fails the test on an error.
func write(t *testing.T, r *report.Report, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Write(&b, r, format); err != nil {
		t.Fatalf("write %s: %v", format, err)
	}
	return b.String()
}

func TestFormats(t *testing.T) {
	r := scriptedReport(t)

	t.Run("table", func(t *testing.T) {
		out := write(t, r, report.FormatTable)
		// Each row's cells, as words; a row is found by its first words.
		for _, want := range [][]string{
			strings.Fields("Report for 2026-03-02 (one UTC day), made 2026-03-03 13:00 UTC"),
			strings.Fields("answered by the bot 8 12 66.7%"),
			strings.Fields("Analytics events are recorded since 2026-03-01 23:50 UTC."),
			{"Contact", "gap", "30m,", "reopen", "window", "24h;", "no", "filter."},
			{"contacts", "12"},
			{"deflected", "(confirmed", "+", "assumed", "+", "incident)", "4", "12", "33.3%"},
			{"incident", "0", "12", "0.0%"},
			{"customer_ask", "2", "12", "16.7%"},
			{"questions", "answered", "by", "a", "pick", "1", "2", "50.0%"},
			{"from", "customers", "20"},
			{"reset_password", "3", "3", "2/3", "66.7%", "1/3", "33.3%"},
			{"opening_hours", "2", "2", "0/0", "–", "0/2", "0.0%"},
			{"all", "5", "4", "1", "3", "4", "59m", "4h30m", "3", "5h30m", "8h20m"},
			{"agent", "(none)", "1", "0", "1", "0", "0", "–", "–", "0", "–", "–"},
			{"all", "2/5", "40.0%", "2/5", "40.0%", "1/3", "33.3%", "3.50", "2/3", "0", "1", "0", "0", "1"},
			{"queue", "second_line", "2/3", "66.7%", "1/3", "33.3%", "1/2", "50.0%", "2.00", "1/2", "0", "1", "0", "0", "0"},
		} {
			if !hasRow(out, want) {
				t.Errorf("no row %q in\n%s", strings.Join(want, " "), out)
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		tables := readCSV(t, write(t, r, report.FormatCSV))
		var names []string
		for _, tbl := range tables {
			names = append(names, tbl.name)
		}
		if got := strings.Join(names, " "); got != "report contacts escalation_reasons intents tickets" {
			t.Fatalf("tables %s", got)
		}
		for _, c := range []struct {
			table, row, column, want string
		}{
			{"report", "contact_gap_seconds", "value", "1800"},
			{"report", "events_since", "value", "2026-03-01T23:50:00Z"},
			{"contacts", "contacts", "num", "12"},
			{"contacts", "deflected", "num", "4"},
			{"contacts", "deflected", "den", "12"},
			{"contacts", "deflected", "percent", "33.33"},
			{"contacts", "pending", "num", "1"},
			{"escalation_reasons", "not_helpful", "num", "1"},
			{"intents", "setup_router", "helpful_percent", "100.00"},
			{"intents", "opening_hours", "helpful_percent", ""},
			{"tickets", "all", "first_response_median_seconds", "3540"},
			{"tickets", "all", "resolution_p90_seconds", "30000"},
			{"tickets", "all", "csat_mean", "3.50"},
			{"tickets", "agent", "name", "boris"}, // the first agent row
			{"tickets", "agent", "rating_2", "1"},
		} {
			if got := cell(t, tables, c.table, c.row, c.column); got != c.want {
				t.Errorf("%s, %s, %s = %q, want %q", c.table, c.row, c.column, got, c.want)
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		var doc struct {
			From         time.Time `json:"from"`
			ContactGap   float64   `json:"contact_gap_seconds"`
			ReopenWindow float64   `json:"reopen_window_seconds"`
			Contacts     struct {
				Total     int `json:"total"`
				Deflected struct {
					Num     int      `json:"num"`
					Den     int      `json:"den"`
					Percent *float64 `json:"percent"`
				} `json:"deflected"`
			} `json:"contacts"`
			Intents []struct {
				Intent  string `json:"intent"`
				Helpful struct {
					Percent *float64 `json:"percent"`
				} `json:"helpful"`
			} `json:"intents"`
			Tickets struct {
				FirstResponse struct {
					Count  int     `json:"count"`
					Median float64 `json:"median_seconds"`
					P90    float64 `json:"p90_seconds"`
				} `json:"first_response"`
				CSAT struct {
					Sum  int      `json:"sum"`
					Mean *float64 `json:"mean"`
				} `json:"csat"`
			} `json:"tickets"`
			Agents []struct {
				Name string `json:"name"`
			} `json:"agents"`
		}
		out := write(t, r, report.FormatJSON)
		dec := json.NewDecoder(strings.NewReader(out))
		if err := dec.Decode(&doc); err != nil || dec.More() {
			t.Fatalf("not one JSON object: %v\n%s", err, out)
		}
		d := doc.Contacts.Deflected
		if !doc.From.Equal(day) || doc.ContactGap != 1800 || doc.ReopenWindow != 86400 || doc.Contacts.Total != 12 ||
			d.Num != 4 || d.Den != 12 || d.Percent == nil || *d.Percent < 33.33 || *d.Percent > 33.34 {
			t.Errorf("header and contacts: %+v", doc)
		}
		if in := doc.Intents[1]; in.Intent != "opening_hours" || in.Helpful.Percent != nil {
			t.Errorf("an intent never asked about: %+v, want a null percent", in)
		}
		if fr := doc.Tickets.FirstResponse; fr.Count != 4 || fr.Median != 3540 || fr.P90 != 16200 {
			t.Errorf("first response %+v", fr)
		}
		if c := doc.Tickets.CSAT; c.Sum != 7 || c.Mean == nil || *c.Mean != 3.5 {
			t.Errorf("csat %+v", c)
		}
		if len(doc.Agents) != 4 || doc.Agents[3].Name != "" {
			t.Errorf("agents %+v", doc.Agents)
		}
	})
}

func TestWriteErrors(t *testing.T) {
	r := scriptedReport(t)
	if err := report.Write(&bytes.Buffer{}, r, "xml"); err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Errorf("write xml: %v", err)
	}
	for _, format := range []string{report.FormatTable, report.FormatCSV, report.FormatJSON} {
		if err := report.Write(failingWriter{}, r, format); !errors.Is(err, errDiskFull) {
			t.Errorf("%s to a failing writer: %v", format, err)
		}
	}
}

var errDiskFull = errors.New("disk full")

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

// hasRow reports whether a line of out has the words of want, in order,
// and no others.
func hasRow(out string, want []string) bool {
	for _, line := range strings.Split(out, "\n") {
		if strings.Join(strings.Fields(line), " ") == strings.Join(want, " ") {
			return true
		}
	}
	return false
}

// csvTable is one table of the CSV output.
type csvTable struct {
	name   string
	header []string
	rows   [][]string
}

// readCSV splits the CSV output into its tables and checks their shape.
func readCSV(t *testing.T, out string) []csvTable {
	t.Helper()
	var tables []csvTable
	for _, block := range strings.Split(strings.TrimSuffix(out, "\n\n"), "\n\n") {
		name, body, ok := strings.Cut(block, "\n")
		if !ok || !strings.HasPrefix(name, "# ") {
			t.Fatalf("a table without a name line:\n%s", block)
		}
		records, err := csv.NewReader(strings.NewReader(body)).ReadAll() // every row as wide as the header
		if err != nil || len(records) == 0 {
			t.Fatalf("table %s: %v", name, err)
		}
		tables = append(tables, csvTable{name: strings.TrimPrefix(name, "# "), header: records[0], rows: records[1:]})
	}
	return tables
}

// cell returns the column of the first row of table whose first cell is
// row.
func cell(t *testing.T, tables []csvTable, table, row, column string) string {
	t.Helper()
	for _, tbl := range tables {
		if tbl.name != table {
			continue
		}
		col := -1
		for i, h := range tbl.header {
			if h == column {
				col = i
			}
		}
		for _, r := range tbl.rows {
			if r[0] == row && col >= 0 {
				return r[col]
			}
		}
	}
	t.Fatalf("no cell %s, %s, %s", table, row, column)
	return ""
}

func TestWriteCSVTable(t *testing.T) {
	r := scriptedReport(t)
	whole := readCSV(t, write(t, r, report.FormatCSV))
	table := func(name string) csvTable {
		t.Helper()
		var b bytes.Buffer
		if err := report.WriteCSVTable(&b, r, name); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
		records, err := csv.NewReader(&b).ReadAll()
		if err != nil || len(records) == 0 {
			t.Fatalf("table %s: %v", name, err)
		}
		return csvTable{name: name, header: records[0], rows: records[1:]}
	}
	// Alone, each table is what the whole CSV has under its name.
	for _, want := range whole {
		if got := table(want.name); !reflect.DeepEqual(got, want) {
			t.Errorf("%s alone\n got %q\nwant %q", want.name, got, want)
		}
	}
	if len(whole) != 5 {
		t.Errorf("the whole CSV has %d tables, want 5", len(whole))
	}
	// Agents and queues are the tickets table's rows of all and of each.
	var tickets csvTable
	for _, tbl := range whole {
		if tbl.name == report.TableTickets {
			tickets = tbl
		}
	}
	for _, c := range []struct {
		name, group string
		want        []string // the names of the rows after all
	}{
		{report.TableAgents, "agent", []string{"boris", "ivan", "olga", ""}},
		{report.TableQueues, "queue", []string{"first_line", "second_line"}},
	} {
		got := table(c.name)
		var want [][]string
		var names []string
		for _, row := range tickets.rows {
			if row[0] == "all" || row[0] == c.group {
				want = append(want, row)
			}
			if row[0] == c.group {
				names = append(names, row[1])
			}
		}
		if !reflect.DeepEqual(got.header, tickets.header) || !reflect.DeepEqual(got.rows, want) {
			t.Errorf("%s\n got %q\nwant %q", c.name, got.rows, want)
		}
		if !reflect.DeepEqual(names, c.want) || got.rows[0][0] != "all" {
			t.Errorf("%s: rows of %q after %q, want %q", c.name, names, got.rows[0][0], c.want)
		}
	}
	if err := report.WriteCSVTable(&bytes.Buffer{}, r, "customers"); err == nil || !strings.Contains(err.Error(), `"customers"`) {
		t.Errorf("an unknown table: %v", err)
	}
	if err := report.WriteCSVTable(failingWriter{}, r, report.TableIntents); !errors.Is(err, errDiskFull) {
		t.Errorf("to a failing writer: %v", err)
	}
}

func TestWriteDaysCSV(t *testing.T) {
	store := dialogtest.Store(t, nil)
	play(t, store)
	s, err := report.LoadSeries(t.Context(), store, report.Options{
		From: day.AddDate(0, 0, -1), To: day.AddDate(0, 0, 2), Now: day.AddDate(0, 0, 1).Add(13 * time.Hour),
		ContactGap: 30 * time.Minute, ReopenWindow: 24 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteDaysCSV(&b, s.Days); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"from", "to", "contacts", "escalated", "escalated_percent", "confirmed", "confirmed_percent", "assumed", "assumed_percent",
			"returned", "returned_percent", "unanswered", "unanswered_percent", "pending", "pending_percent", "deflected", "deflected_percent", "incident", "incident_percent"},
		// "before": answered at 23:50, yes the next day.
		{"2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z", "1", "0", "0.00", "1", "100.00", "0", "0.00", "0", "0.00", "0", "0.00", "0", "0.00", "1", "100.00", "0", "0.00"},
		// The scripted day: see TestScriptedDay.
		{"2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", "12", "5", "41.67", "3", "25.00", "1", "8.33", "1", "8.33", "1", "8.33", "1", "8.33", "4", "33.33", "0", "0.00"},
		// "after": answered at 00:10, its reopen window not over.
		{"2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", "1", "0", "0.00", "0", "0.00", "0", "0.00", "0", "0.00", "0", "0.00", "1", "100.00", "0", "0.00", "0", "0.00"},
	}
	if !reflect.DeepEqual(records, want) {
		t.Errorf("days\n got %q\nwant %q", records, want)
	}

	b.Reset()
	if err := report.WriteDaysCSV(&b, []*report.Report{{From: day, To: day.AddDate(0, 0, 1)}}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Split(b.String(), "\n")[1]; got != "2026-03-02T00:00:00Z,2026-03-03T00:00:00Z,0,0,,0,,0,,0,,0,,0,,0,,0," {
		t.Errorf("a day without contacts: %q", got)
	}
}

// TestCSVFormulas writes names a spreadsheet would run as formulas: each
// gets a single quote before it, and numbers stay numbers.
func TestCSVFormulas(t *testing.T) {
	r := &report.Report{
		From: day, To: day.AddDate(0, 0, 1), Now: day.AddDate(0, 0, 2),
		ContactGap: 30 * time.Minute, ReopenWindow: 24 * time.Hour,
		Filter: report.Filter{Agent: "=HYPERLINK(\"http://x\")"},
		Intents: []report.Intent{
			{Intent: "+pay", Answered: 1, EscalatedAfter: report.Ratio{Num: 0, Den: 1}},
			{Intent: "-1+cmd", Answered: 1},
			{Intent: "@sum", Answered: 1},
			{Intent: "\tpay", Answered: 1},
			{Intent: "pay=", Answered: 1},
		},
		Agents: []report.Tickets{{Name: "=1+2", Tickets: 3}, {Name: "olga"}},
	}
	cells := map[string]bool{}
	for _, name := range []string{report.TableReport, report.TableIntents, report.TableAgents} {
		var b bytes.Buffer
		if err := report.WriteCSVTable(&b, r, name); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
		records, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		for _, row := range records {
			for _, cell := range row {
				cells[cell] = true
			}
		}
	}
	for _, want := range []string{`'=HYPERLINK("http://x")`, "'+pay", "'-1+cmd", "'@sum", "'\tpay", "pay=", "'=1+2", "olga", "3"} {
		if !cells[want] {
			t.Errorf("no cell %q", want)
		}
	}
	for cell := range cells {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("cell %q would be a formula", cell)
		}
	}
}
