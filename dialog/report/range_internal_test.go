package report

import (
	"testing"
	"time"
)

func TestDescribeRange(t *testing.T) {
	day := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		from, to time.Time
		want     string
	}{
		{day, day.AddDate(0, 0, 1), "2026-12-03 (one UTC day)"},
		{day, day.AddDate(0, 0, 7), "2026-12-03 to 2026-12-09 (UTC days, both included)"},
		{day.Add(time.Hour), day.Add(5 * time.Hour), "2026-12-03T01:00:00Z to 2026-12-03T05:00:00Z (the end not included)"},
	} {
		if got := describeRange(c.from, c.to); got != c.want {
			t.Errorf("describeRange(%s, %s) = %q, want %q", c.from, c.to, got, c.want)
		}
	}
}
