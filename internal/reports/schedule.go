package reports

import (
	"fmt"
	"slices"
	"time"

	"diaodu/internal/platform/calendar"
)

// Workdays is what cycles need of the working-day calendar
// (*calendar.Calendar).
type Workdays interface {
	IsWorkday(d calendar.Date) bool
}

// parseCutoff reads "HH:MM" (00:00 .. 23:59).
func parseCutoff(s string) (h, m int, ok bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, 0, false
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}

// isoWeekday is 1 for Monday .. 7 for Sunday.
func isoWeekday(d calendar.Date) int { return (int(d.Weekday())+6)%7 + 1 }

var weekdayNames = [...]string{"", "一", "二", "三", "四", "五", "六", "日"}

// monthDue is the due date of the month of d for a monthly obligation due
// on day md: the 31st is the last day of a shorter month.
func monthDue(d calendar.Date, md int) calendar.Date {
	last := d.LastOfMonth()
	if md > last.Day() {
		return last
	}
	return calendar.NewDate(d.Year(), d.Month(), md)
}

// DueDates lists the obligation's due dates from..to inclusive, within its
// active dates, oldest first.
func (o *Obligation) DueDates(cal Workdays, from, to calendar.Date) []calendar.Date {
	if from.Before(o.ActiveFrom) {
		from = o.ActiveFrom
	}
	if !o.ActiveTo.IsZero() && to.After(o.ActiveTo) {
		to = o.ActiveTo
	}
	var out []calendar.Date
	if to.Before(from) {
		return out
	}
	switch o.Frequency {
	case Daily:
		for d := from; !d.After(to); d = d.AddDays(1) {
			if !o.WorkdaysOnly || cal.IsWorkday(d) {
				out = append(out, d)
			}
		}
	case Weekly:
		d := from.AddDays((o.Weekday - isoWeekday(from) + 7) % 7)
		for ; !d.After(to); d = d.AddDays(7) {
			out = append(out, d)
		}
	case Monthly:
		for m := from.FirstOfMonth(); !m.After(to); m = m.AddMonths(1) {
			if d := monthDue(m, o.MonthDay); !d.Before(from) && !d.After(to) {
				out = append(out, d)
			}
		}
	case Custom:
		for _, d := range o.CustomDates {
			if !d.Before(from) && !d.After(to) {
				out = append(out, d)
			}
		}
	}
	return out
}

// IsDue tells whether d is one of the obligation's due dates.
func (o *Obligation) IsDue(cal Workdays, d calendar.Date) bool {
	return len(o.DueDates(cal, d, d)) == 1
}

// CycleOf returns the cycle due on due (which must be a due date): a daily
// cycle is its day; weekly and monthly cycles are the calendar week (Monday
// to Sunday) and month holding the due date; a custom cycle runs from the
// day after the previous date (or the first active day) to its date.
func (o *Obligation) CycleOf(due calendar.Date) Cycle {
	var start, end calendar.Date
	switch o.Frequency {
	case Weekly:
		start, end = calendar.CycleOf(calendar.Weekly, due, due)
	case Monthly:
		start, end = calendar.CycleOf(calendar.Monthly, due, due)
	case Custom:
		start, end = o.ActiveFrom, due
		if i := slices.IndexFunc(o.CustomDates, func(d calendar.Date) bool { return d.Equal(due) }); i > 0 {
			start = o.CustomDates[i-1].AddDays(1)
		}
		if start.After(due) {
			start = due
		}
	default:
		start, end = due, due
	}
	cut := due.At(o.cutH, o.cutM)
	return Cycle{DueOn: due, Start: start, End: end, CutoffAt: cut,
		RemindAt: cut.Add(-time.Duration(o.RemindBeforeMinutes) * time.Minute)}
}

// spanDays is how far apart due dates can be, to size search windows.
func (o *Obligation) spanDays() int {
	switch o.Frequency {
	case Weekly:
		return 7
	case Monthly:
		return 31
	case Custom:
		if n := len(o.CustomDates); n > 0 {
			return o.ActiveFrom.DaysUntil(o.CustomDates[n-1]) + 1
		}
		return 1
	}
	return 20 // daily: the longest run of days off (Spring Festival) is shorter
}

// CurrentCycle returns the cycle today falls in, or else the last one begun
// (the last whose first day is not after today); false before the first.
func (o *Obligation) CurrentCycle(cal Workdays, today calendar.Date) (Cycle, bool) {
	span := o.spanDays()
	dues := o.DueDates(cal, today.AddDays(-2*span-1), today.AddDays(span+1))
	for i := len(dues) - 1; i >= 0; i-- {
		if c := o.CycleOf(dues[i]); !c.Start.After(today) {
			return c, true
		}
	}
	return Cycle{}, false
}

// NextCycle returns the first cycle due after the day after.
func (o *Obligation) NextCycle(cal Workdays, after calendar.Date) (Cycle, bool) {
	span := o.spanDays()
	if dues := o.DueDates(cal, after.AddDays(1), after.AddDays(2*span+1)); len(dues) > 0 {
		return o.CycleOf(dues[0]), true
	}
	return Cycle{}, false
}

// LastCycles returns up to n cycles that have begun by day to (the
// current one included), oldest first.
func (o *Obligation) LastCycles(cal Workdays, to calendar.Date, n int) []Cycle {
	cur, ok := o.CurrentCycle(cal, to)
	if !ok || n <= 0 {
		return []Cycle{}
	}
	span := o.spanDays()
	var dues []calendar.Date
	for back := n * span; ; back *= 2 {
		from := cur.DueOn.AddDays(-back)
		dues = o.DueDates(cal, from, cur.DueOn)
		if len(dues) >= n || from.Before(o.ActiveFrom) {
			break
		}
	}
	if len(dues) > n {
		dues = dues[len(dues)-n:]
	}
	out := make([]Cycle, len(dues))
	for i, d := range dues {
		out[i] = o.CycleOf(d)
	}
	return out
}

// CyclesBetween returns the cycles due from..to that have begun by today,
// oldest first.
func (o *Obligation) CyclesBetween(cal Workdays, from, to, today calendar.Date) []Cycle {
	out := []Cycle{}
	for _, d := range o.DueDates(cal, from, to) {
		if c := o.CycleOf(d); !c.Start.After(today) {
			out = append(out, c)
		}
	}
	return out
}

// describeSchedule is the schedule in words: "每个工作日 17:00 前".
func (o *Obligation) describeSchedule() string {
	at := " " + o.Cutoff + " 前"
	switch o.Frequency {
	case Daily:
		if o.WorkdaysOnly {
			return "每个工作日" + at
		}
		return "每天" + at
	case Weekly:
		if o.Weekday >= 1 && o.Weekday <= 7 {
			return "每周" + weekdayNames[o.Weekday] + at
		}
	case Monthly:
		s := fmt.Sprintf("每月%d日", o.MonthDay)
		if o.MonthDay > 28 {
			s += "（无此日的月份为月末）"
		}
		return s + at
	case Custom:
		return fmt.Sprintf("指定日期（共%d次）", len(o.CustomDates)) + at
	}
	return o.Frequency
}
