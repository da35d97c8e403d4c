package calendar

import (
	"strings"
	"testing"
	"time"
)

func mustNew(t *testing.T, c Config) *Calendar {
	t.Helper()
	cal, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// office is Moscow (no DST) weekdays 09:00-18:00, Saturday 10:00-16:00,
// with New Year's Day off.
func office(t *testing.T) *Calendar {
	return mustNew(t, Config{Zone: "Europe/Moscow",
		Hours:    []string{"mon-fri 09:00-18:00", "sat 10:00-16:00"},
		Holidays: []string{"2025-01-01"}})
}

func msk(t *testing.T, s string) time.Time {
	t.Helper()
	loc, _ := time.LoadLocation("Europe/Moscow")
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenAndNextOpen(t *testing.T) {
	cal := office(t)
	// 2025-12-05 is a Friday.
	tests := []struct {
		at, next string
		open     bool
	}{
		{"2025-12-05 10:00", "2025-12-05 10:00", true},
		{"2025-12-05 09:00", "2025-12-05 09:00", true},
		{"2025-12-05 18:00", "2025-12-06 10:00", false}, // closing time is closed; Saturday opens at 10
		{"2025-12-05 20:00", "2025-12-06 10:00", false},
		{"2025-12-06 16:30", "2025-12-08 09:00", false}, // Saturday evening to Monday
		{"2025-12-07 12:00", "2025-12-08 09:00", false}, // Sunday
		{"2025-12-08 08:59", "2025-12-08 09:00", false},
		{"2024-12-31 19:00", "2025-01-02 09:00", false}, // the holiday is skipped
		{"2025-01-01 12:00", "2025-01-02 09:00", false},
	}
	for _, tt := range tests {
		at := msk(t, tt.at)
		if got := cal.Open(at); got != tt.open {
			t.Errorf("Open(%s) = %v, want %v", tt.at, got, tt.open)
		}
		if got := cal.NextOpen(at); !got.Equal(msk(t, tt.next)) {
			t.Errorf("NextOpen(%s) = %s, want %s", tt.at, got, tt.next)
		}
	}
}

func TestAddAndWorkingBetween(t *testing.T) {
	cal := office(t)
	tests := []struct {
		at   string
		d    time.Duration
		want string
	}{
		{"2025-12-05 10:00", 4 * time.Hour, "2025-12-05 14:00"},
		{"2025-12-05 17:00", time.Hour, "2025-12-05 18:00"},                     // ends exactly at closing
		{"2025-12-05 17:00", 2 * time.Hour, "2025-12-06 11:00"},                 // into Saturday
		{"2025-12-05 19:30", 4 * time.Hour, "2025-12-06 14:00"},                 // Friday evening counts from Saturday's opening
		{"2025-12-06 15:00", 2 * time.Hour, "2025-12-08 10:00"},                 // Saturday to Monday
		{"2025-12-05 19:30", 24 * time.Hour, "2025-12-09 18:00"},                // 6 Sat + 9 Mon + 9 Tue = 24, ending at closing
		{"2024-12-31 17:00", 2 * time.Hour, "2025-01-02 10:00"},                 // over the holiday
		{"2025-12-07 12:00", 0, "2025-12-08 09:00"},                             // nothing to add: the next opening
		{"2025-12-05 10:00", 30*24*time.Hour + time.Minute, "2026-03-13 16:01"}, // 8 Fri + 13 weeks of 51 + 43:01: bounded by days
	}
	for _, tt := range tests {
		at := msk(t, tt.at)
		got := cal.Add(at, tt.d)
		if !got.Equal(msk(t, tt.want)) {
			t.Errorf("Add(%s, %s) = %s, want %s", tt.at, tt.d, got.In(cal.Location()), tt.want)
			continue
		}
		if tt.d > 0 {
			if w := cal.WorkingBetween(at, got); w != tt.d {
				t.Errorf("WorkingBetween(%s, %s) = %s, want %s", tt.at, tt.want, w, tt.d)
			}
		}
	}
	if w := cal.WorkingBetween(msk(t, "2025-12-06 00:00"), msk(t, "2025-12-05 00:00")); w != 0 {
		t.Errorf("WorkingBetween backwards = %s, want 0", w)
	}
}

// TestDST: in Berlin, 30 March 2025 loses the hour 02:00-03:00 and 26
// October 2025 repeats the hour 02:00-03:00.
func TestDST(t *testing.T) {
	cal := mustNew(t, Config{Zone: "Europe/Berlin", Hours: []string{"sun 00:00-24:00", "mon 09:00-10:00"}})
	loc := cal.Location()
	spring := time.Date(2025, 3, 30, 0, 0, 0, 0, loc)
	if w := cal.WorkingBetween(spring, spring.Add(48*time.Hour)); w != 23*time.Hour+time.Hour {
		t.Errorf("spring Sunday and Monday hour = %s, want 24h (23h Sunday + 1h Monday)", w)
	}
	if got, want := cal.Add(spring, 23*time.Hour+30*time.Minute), time.Date(2025, 3, 31, 9, 30, 0, 0, loc); !got.Equal(want) {
		t.Errorf("spring Add = %s, want %s", got, want)
	}
	autumn := time.Date(2025, 10, 26, 0, 0, 0, 0, loc)
	if w := cal.WorkingBetween(autumn, autumn.Add(72*time.Hour)); w != 25*time.Hour+time.Hour {
		t.Errorf("autumn Sunday and Monday hour = %s, want 26h", w)
	}
	if !cal.Open(time.Date(2025, 3, 30, 2, 30, 0, 0, time.UTC).In(loc)) {
		t.Error("closed on a Sunday afternoon UTC")
	}
}

func TestNilIsAlwaysOpen(t *testing.T) {
	var cal *Calendar
	at := time.Date(2025, 12, 7, 3, 0, 0, 0, time.UTC)
	if !cal.Open(at) || !cal.NextOpen(at).Equal(at) || !cal.Add(at, time.Hour).Equal(at.Add(time.Hour)) ||
		cal.WorkingBetween(at, at.Add(time.Hour)) != time.Hour {
		t.Error("a nil calendar is not 24/7")
	}
}

func TestSeveralRangesAndWeekWrap(t *testing.T) {
	cal := mustNew(t, Config{Zone: "UTC", Hours: []string{"fri-mon 14:00-18:00", "fri-mon 09:00-13:00"}})
	// 2025-12-09 is a Tuesday: closed until Friday.
	at := time.Date(2025, 12, 9, 12, 0, 0, 0, time.UTC)
	if got, want := cal.NextOpen(at), time.Date(2025, 12, 12, 9, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("NextOpen = %s, want %s", got, want)
	}
	if got, want := cal.Add(time.Date(2025, 12, 12, 12, 0, 0, 0, time.UTC), 2*time.Hour), time.Date(2025, 12, 12, 15, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Add over the lunch break = %s, want %s", got, want)
	}
}

func TestNewRefuses(t *testing.T) {
	tests := []struct {
		c    Config
		want string
	}{
		{Config{Zone: "Mars/Olympus", Hours: []string{"mon 09:00-18:00"}}, "unknown time zone"},
		{Config{Zone: "UTC"}, "at least one line"},
		{Config{Hours: []string{"mon 22:00-06:00"}}, "end after it starts"},
		{Config{Hours: []string{"mon 09:00-09:00"}}, "end after it starts"},
		{Config{Hours: []string{"monday 09:00-18:00"}}, "unknown day"},
		{Config{Hours: []string{"mon-fry 09:00-18:00"}}, "unknown day"},
		{Config{Hours: []string{"mon 9:00-18:00"}}, "bad time"},
		{Config{Hours: []string{"mon 09:00-24:30"}}, "bad time"},
		{Config{Hours: []string{"mon 09:00"}}, "time range"},
		{Config{Hours: []string{"mon"}}, "days and a time range"},
		{Config{Hours: []string{"mon-fri 09:00-18:00", "fri 17:00-20:00"}}, "overlaps"},
		{Config{Hours: []string{"mon 09:00-18:00"}, Holidays: []string{"1 Jan"}}, "want a date"},
	}
	for _, tt := range tests {
		_, err := New(tt.c)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v) = %v, want an error with %q", tt.c, err, tt.want)
		}
	}
}
