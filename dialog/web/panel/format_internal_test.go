package panel

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	for _, c := range []struct {
		d       time.Duration
		seconds bool
		en, ru  string
	}{
		{0, true, "0s", "0с"},
		{45 * time.Second, true, "45s", "45с"},
		{12*time.Minute + 30*time.Second + 900*time.Millisecond, true, "12m 30s", "12м 30с"},
		{12*time.Minute + 30*time.Second, false, "12m", "12м"},
		{3*time.Hour + 5*time.Minute + 59*time.Second, true, "3h 5m", "3ч 5м"},
		{50 * time.Hour, false, "2d 2h", "2д 2ч"},
	} {
		if got := formatDuration(langEN, c.d, c.seconds); got != c.en {
			t.Errorf("formatDuration(en, %v, %v) = %q, want %q", c.d, c.seconds, got, c.en)
		}
		if got := formatDuration(langRU, c.d, c.seconds); got != c.ru {
			t.Errorf("formatDuration(ru, %v, %v) = %q, want %q", c.d, c.seconds, got, c.ru)
		}
	}
}

func TestDue(t *testing.T) {
	now := time.Date(2030, 1, 2, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		due   time.Time
		text  string
		class string
	}{
		{now.Add(2 * time.Hour), "2h 0m", ""},
		{now.Add(12*time.Minute + 30*time.Second), "12m 30s", "soon"},
		{now.Add(-5*time.Minute - 20*time.Second), "overdue 5m", "overdue"},
		{now.Add(-20 * time.Second), "overdue 20s", "overdue"},
	} {
		if got := dueText(langEN, c.due, now); got != c.text {
			t.Errorf("dueText(%v) = %q, want %q", c.due.Sub(now), got, c.text)
		}
		if got := dueClass(c.due, now); got != c.class {
			t.Errorf("dueClass(%v) = %q, want %q", c.due.Sub(now), got, c.class)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for _, c := range []struct{ next, want string }{
		{"", "/home"},
		{"/panel", "/panel"},
		{"/panel/queue?state=mine&q=a%20b", "/panel/queue?state=mine&q=a%20b"},
		{"/panel/tickets/FL-000001", "/panel/tickets/FL-000001"},
		{"https://evil.example/panel/", "/home"},
		{"//evil.example/panel/", "/home"},
		{"/\\evil.example", "/home"},
		{"/panel\\@evil.example", "/home"},
		{"/panelevil", "/home"},
		{"/api/v1/tickets", "/home"},
		{"javascript:alert(1)", "/home"},
		{"/panel/\r\nSet-Cookie: x=1", "/home"},
		{"panel/queue", "/home"},
	} {
		if got := localPath(c.next, "/home"); got != c.want {
			t.Errorf("localPath(%q) = %q, want %q", c.next, got, c.want)
		}
	}
}

func TestBarClass(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{{0, "w0"}, {0.02, "w0"}, {0.03, "w5"}, {0.731, "w75"}, {1, "w100"}, {1.5, "w100"}, {-1, "w0"}} {
		if got := barClass(c.f); got != c.want {
			t.Errorf("barClass(%v) = %q, want %q", c.f, got, c.want)
		}
	}
}
