package jobs

import (
	"testing"
	"time"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// Daily slots are Shanghai wall-clock times: 09:00 is 01:00 UTC, and
// midnight falls on the previous UTC day.
func TestDailyNextAndPrev(t *testing.T) {
	nine, midnight := Daily(9, 0), Daily(0, 0)
	for _, tc := range []struct {
		sch        Schedule
		at         string
		next, prev string
	}{
		{nine, "2026-11-26T00:59:59Z", "2026-11-26T01:00:00Z", "2026-11-25T01:00:00Z"},
		{nine, "2026-11-26T01:00:00Z", "2026-11-27T01:00:00Z", "2026-11-26T01:00:00Z"}, // exactly due: next is tomorrow, prev is now
		{nine, "2026-11-26T17:00:00Z", "2026-11-27T01:00:00Z", "2026-11-26T01:00:00Z"}, // 01:00 on the 27th in Shanghai
		{midnight, "2026-11-26T15:59:00Z", "2026-11-26T16:00:00Z", "2026-11-25T16:00:00Z"},
		{midnight, "2026-11-26T16:01:00Z", "2026-11-27T16:00:00Z", "2026-11-26T16:00:00Z"},
		{nine, "2026-12-31T23:00:00Z", "2027-01-01T01:00:00Z", "2026-12-31T01:00:00Z"}, // across the year
	} {
		at := utc(tc.at)
		if got := tc.sch.Next(at); !got.Equal(utc(tc.next)) {
			t.Errorf("%s.Next(%s) = %s, want %s", specOf(tc.sch), tc.at, got.Format(time.RFC3339), tc.next)
		}
		if got := tc.sch.(known).prev(at); !got.Equal(utc(tc.prev)) {
			t.Errorf("%s.prev(%s) = %s, want %s", specOf(tc.sch), tc.at, got.Format(time.RFC3339), tc.prev)
		}
	}
}

func TestLatestDue(t *testing.T) {
	nine := Daily(9, 0)
	from := utc("2026-11-20T01:00:00Z")
	if got := latestDue(nine, from, utc("2026-11-26T03:00:00Z")); !got.Equal(utc("2026-11-26T01:00:00Z")) {
		t.Errorf("catch-up asOf = %s, want the latest missed slot", got)
	}
	if got := latestDue(nine, from, utc("2026-11-20T05:00:00Z")); !got.Equal(from) {
		t.Errorf("no slot missed: asOf = %s, want the stored one", got)
	}
	// A schedule of someone else's making is walked slot by slot.
	if got := latestDue(custom{}, utc("2026-11-26T00:00:00Z"), utc("2026-11-26T00:25:00Z")); !got.Equal(utc("2026-11-26T00:21:00Z")) {
		t.Errorf("custom catch-up = %s", got)
	}
}

type custom struct{}

func (custom) Next(after time.Time) time.Time { return after.Add(7 * time.Minute) }

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		sch    Schedule
		zh, en string
	}{
		{Daily(9, 0), "每天 09:00", "daily at 09:00"},
		{Daily(17, 30), "每天 17:30", "daily at 17:30"},
		{Every(time.Hour), "每小时", "every hour"},
		{Every(5 * time.Minute), "每 5 分钟", "every 5 minutes"},
		{Every(90 * time.Second), "每 90 秒", "every 90 seconds"},
		{Every(48 * time.Hour), "每 2 天", "every 2 days"},
		{custom{}, "自定义", "custom"},
	} {
		if zh, en := Describe(tc.sch); zh != tc.zh || en != tc.en {
			t.Errorf("Describe(%s) = %q %q, want %q %q", specOf(tc.sch), zh, en, tc.zh, tc.en)
		}
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Minute, 2: 5 * time.Minute, 3: 15 * time.Minute, 9: 15 * time.Minute} {
		if got := backoff(n); got != want {
			t.Errorf("backoff(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestTruncateKeepsRunes(t *testing.T) {
	if got := truncate("定时任务失败", 7); got != "定时…" {
		t.Errorf("truncate = %q", got)
	}
}
