package jobs

import (
	"fmt"
	"time"

	"diaodu/internal/platform/clock"
)

// Schedule says when a job is next due after a given instant.
type Schedule interface {
	Next(after time.Time) time.Time
}

// known is what the schedules of this package also tell: a stable spec
// (stored, so a changed schedule is noticed), words for people, and the
// latest due instant at or before t (catch-up without walking every slot).
type known interface {
	Schedule
	spec() string
	words() (zh, en string)
	prev(t time.Time) time.Time
}

type daily struct{ hour, minute int }

// Daily is due every day at hour:minute in Asia/Shanghai.
func Daily(hour, minute int) Schedule {
	if hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		panic(fmt.Sprintf("jobs.Daily(%d, %d): not a time of day", hour, minute))
	}
	return daily{hour, minute}
}

func (d daily) at(t time.Time) time.Time {
	l := t.In(clock.Shanghai)
	return time.Date(l.Year(), l.Month(), l.Day(), d.hour, d.minute, 0, 0, clock.Shanghai)
}

func (d daily) Next(after time.Time) time.Time {
	t := d.at(after)
	if !t.After(after) {
		t = t.AddDate(0, 0, 1)
	}
	return t.UTC()
}

func (d daily) prev(t time.Time) time.Time {
	p := d.at(t)
	if p.After(t) {
		p = p.AddDate(0, 0, -1)
	}
	return p.UTC()
}

func (d daily) spec() string { return fmt.Sprintf("daily %02d:%02d", d.hour, d.minute) }
func (d daily) words() (string, string) {
	hm := fmt.Sprintf("%02d:%02d", d.hour, d.minute)
	return "每天 " + hm, "daily at " + hm
}

type every struct{ d time.Duration }

// Every is due every d (aligned to multiples of d since the zero time, so
// every replica agrees on the slots).
func Every(d time.Duration) Schedule {
	if d < time.Second {
		panic(fmt.Sprintf("jobs.Every(%v): the period must be at least a second", d))
	}
	return every{d}
}

func (e every) Next(after time.Time) time.Time { return after.Truncate(e.d).Add(e.d).UTC() }
func (e every) prev(t time.Time) time.Time     { return t.Truncate(e.d).UTC() }
func (e every) spec() string                   { return "every " + e.d.String() }

func (e every) words() (string, string) {
	n, zh, en := e.d/time.Second, "秒", "second"
	switch {
	case e.d%(24*time.Hour) == 0:
		n, zh, en = e.d/(24*time.Hour), "天", "day"
	case e.d%time.Hour == 0:
		n, zh, en = e.d/time.Hour, "小时", "hour"
	case e.d%time.Minute == 0:
		n, zh, en = e.d/time.Minute, "分钟", "minute"
	}
	if n == 1 {
		return "每" + zh, "every " + en
	}
	return fmt.Sprintf("每 %d %s", n, zh), fmt.Sprintf("every %d %ss", n, en)
}

// Describe says when a schedule runs, in Chinese and English ("每天 09:00").
func Describe(s Schedule) (zh, en string) {
	if k, ok := s.(known); ok {
		return k.words()
	}
	return "自定义", "custom"
}

// specOf is what is stored to notice a changed schedule.
func specOf(s Schedule) string {
	if k, ok := s.(known); ok {
		return k.spec()
	}
	return fmt.Sprintf("%T %v", s, s)
}

// latestDue is the latest due instant at or before now, starting from the
// stored due instant from (which is at or before now): a catch-up after
// downtime runs once, for the last slot missed, not once per slot.
func latestDue(s Schedule, from, now time.Time) time.Time {
	if k, ok := s.(known); ok {
		if p := k.prev(now); p.After(from) {
			return p
		}
		return from
	}
	asOf := from
	for range 1_000_000 { // a custom schedule is walked slot by slot, within reason
		n := s.Next(asOf)
		if n.After(now) || !n.After(asOf) {
			break
		}
		asOf = n
	}
	return asOf
}
