package calendar

import "time"

// Period is how often something recurs: a report cycle or a task's feedback cycle.
type Period string

const (
	Daily     Period = "day"
	Weekly    Period = "week"      // Monday to Sunday
	Fortnight Period = "fortnight" // two weeks, counted from an anchor's Monday
	Monthly   Period = "month"     // calendar month
)

// ValidPeriod tells whether p is a known period.
func ValidPeriod(p Period) bool {
	switch p {
	case Daily, Weekly, Fortnight, Monthly:
		return true
	}
	return false
}

// PeriodName is the Chinese word for p (每日, 每周 …).
func PeriodName(p Period) string {
	switch p {
	case Daily:
		return "每日"
	case Weekly:
		return "每周"
	case Fortnight:
		return "每两周"
	case Monthly:
		return "每月"
	}
	return string(p)
}

// Monday returns the Monday of d's week (weeks start on Monday in China).
func (d Date) Monday() Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }

// CycleOf returns the first and last day of the cycle of period p that
// contains d. Fortnights are counted from the Monday of anchor's week.
func CycleOf(p Period, anchor, d Date) (start, end Date) {
	switch p {
	case Weekly:
		start = d.Monday()
		return start, start.AddDays(6)
	case Fortnight:
		a := anchor.Monday()
		w := a.DaysUntil(d.Monday()) / 7 // whole weeks, both are Mondays
		n := w - (w%2+2)%2               // round down to an even week, also before the anchor
		start = a.AddDays(7 * n)
		return start, start.AddDays(13)
	case Monthly:
		return d.FirstOfMonth(), d.LastOfMonth()
	}
	return d, d
}

// Cycles lists the cycles of p that end on or before last and start on or
// after first's cycle, oldest first.
func Cycles(p Period, anchor, first, last Date) [][2]Date {
	var out [][2]Date
	for s, e := CycleOf(p, anchor, first); !e.After(last); s, e = CycleOf(p, anchor, e.AddDays(1)) {
		out = append(out, [2]Date{s, e})
	}
	return out
}

// At returns the instant of a clock time (hour, minute) on day d in Asia/Shanghai.
func (d Date) At(hour, minute int) time.Time {
	return d.Start().Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}
