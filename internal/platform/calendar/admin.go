package calendar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
)

// Year is one year's exceptions, for the 节假日安排 page.
type Year struct {
	Year int `json:"year"`
	// Loaded tells whether the year has any exceptions; without them only
	// weekends are days off (the arithmetic warns of such years).
	Loaded      bool  `json:"loaded"`
	Version     int64 `json:"version"` // calendar_meta.version
	Days        []Day `json:"days"`
	Holidays    int   `json:"holidays"`     // days off by exception
	Workdays    int   `json:"workdays"`     // weekend days worked (调休上班)
	WorkingDays int   `json:"working_days"` // working days in the whole year
}

// YearSummary is a year with exceptions, for the year selector.
type YearSummary struct {
	Year     int `json:"year"`
	Holidays int `json:"holidays"`
	Workdays int `json:"workdays"`
}

// DayInput is one row of a year's replacement. The date is a string so a
// bad one is reported against its row rather than failing the whole body.
type DayInput struct {
	Date string `json:"date"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Bounds of what the administration accepts.
const (
	MinYear     = 2000
	MaxYear     = 2100
	MaxNameLen  = 20 // characters
	maxRangeLen = 3660
	maxAdd      = 1000
)

func (c *Calendar) now() time.Time {
	if c.Clock != nil {
		return c.Clock.Now()
	}
	return time.Now()
}

// ThisYear is the current year in Shanghai.
func (c *Calendar) ThisYear() int { return DateOf(c.now()).Year() }

func signedIn(a *auth.Actor) error {
	if a == nil {
		return errs.New(errs.Unauthenticated, "请先登录", "please sign in")
	}
	return nil
}

func checkYear(year int) error {
	if year < MinYear || year > MaxYear {
		f := errs.Fields{}
		f.Add("year", fmt.Sprintf("年份应在%d至%d之间", MinYear, MaxYear), fmt.Sprintf("year must be %d to %d", MinYear, MaxYear))
		return f.Err()
	}
	return nil
}

func yearBounds(year int) (Date, Date) { return NewDate(year, 1, 1), NewDate(year, 12, 31) }

// rowsQuerier is what reading a year needs: the read pool or the write transaction.
type rowsQuerier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// GetYear returns a year's exceptions as stored; everyone signed in may read them.
func (c *Calendar) GetYear(ctx context.Context, a *auth.Actor, year int) (*Year, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	days, err := c.loadYear(ctx, c.DB.R, year)
	if err != nil {
		return nil, err
	}
	y := summarize(year, days)
	if err := c.DB.R.QueryRowContext(ctx, `SELECT version FROM calendar_meta WHERE id = 1`).Scan(&y.Version); err != nil {
		return nil, err
	}
	return y, nil
}

// loadYear reads the year's rows through q (the read pool or a transaction).
func (c *Calendar) loadYear(ctx context.Context, q rowsQuerier, year int) ([]Day, error) {
	from, to := yearBounds(year)
	rows, err := q.QueryContext(ctx, `SELECT day, kind, name FROM calendar_days WHERE day >= $1 AND day <= $2 ORDER BY day`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	days := []Day{}
	for rows.Next() {
		var d Day
		if err := rows.Scan(&d.Date, &d.Kind, &d.Name); err != nil {
			return nil, err
		}
		days = append(days, d)
	}
	return days, rows.Err()
}

// summarize counts a year's exceptions and working days from its rows alone.
func summarize(year int, days []Day) *Year {
	y := &Year{Year: year, Loaded: len(days) > 0, Days: days}
	kinds := make(map[Date]Kind, len(days))
	for _, d := range days {
		kinds[d.Date] = d.Kind
		if d.Kind == Holiday {
			y.Holidays++
		} else {
			y.Workdays++
		}
	}
	from, to := yearBounds(year)
	for d := from; !d.After(to); d = d.AddDays(1) {
		switch kinds[d] {
		case Workday:
			y.WorkingDays++
		case "":
			if !d.Weekend() {
				y.WorkingDays++
			}
		}
	}
	return y
}

// Years lists the years that have exceptions, oldest first.
func (c *Calendar) Years(ctx context.Context, a *auth.Actor) ([]YearSummary, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	rows, err := c.DB.R.QueryContext(ctx, `SELECT SUBSTR(day, 1, 4) AS y,
		SUM(CASE WHEN kind = 'holiday' THEN 1 ELSE 0 END), SUM(CASE WHEN kind = 'workday' THEN 1 ELSE 0 END)
		FROM calendar_days GROUP BY SUBSTR(day, 1, 4) ORDER BY y`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []YearSummary{}
	for rows.Next() {
		var ys string
		var s YearSummary
		if err := rows.Scan(&ys, &s.Holidays, &s.Workdays); err != nil {
			return nil, err
		}
		if s.Year, err = strconv.Atoi(ys); err != nil {
			return nil, fmt.Errorf("calendar: bad year %q", ys)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ValidateYear checks a replacement of a year's exceptions and returns the
// days sorted by date. Every problem names its row (第3行) and field.
func ValidateYear(year int, in []DayInput) ([]Day, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	if len(in) > 366 {
		f.Add("days", "一年最多366天", "a year has at most 366 days")
		return nil, f.Err()
	}
	out := make([]Day, 0, len(in))
	seen := map[Date]int{}
	for i, d := range in {
		row := i + 1
		at := func(part string) string { return fmt.Sprintf("days[%d].%s", i, part) }
		date, err := ParseDate(strings.TrimSpace(d.Date))
		switch {
		case strings.TrimSpace(d.Date) == "":
			f.Add(at("date"), fmt.Sprintf("第%d行：请填写日期", row), fmt.Sprintf("row %d: date is required", row))
		case err != nil:
			f.Add(at("date"), fmt.Sprintf("第%d行：日期“%s”格式应为 YYYY-MM-DD", row, d.Date), fmt.Sprintf("row %d: date %q must be YYYY-MM-DD", row, d.Date))
		case date.Year() != year:
			f.Add(at("date"), fmt.Sprintf("第%d行：日期%s不在%d年内", row, date, year), fmt.Sprintf("row %d: %s is not in %d", row, date, year))
		case seen[date] > 0:
			f.Add(at("date"), fmt.Sprintf("第%d行：日期%s与第%d行重复", row, date, seen[date]), fmt.Sprintf("row %d: %s repeats row %d", row, date, seen[date]))
		}
		kind := Kind(strings.TrimSpace(d.Kind))
		switch {
		case kind != Holiday && kind != Workday:
			f.Add(at("kind"), fmt.Sprintf("第%d行：类型应为“放假”(holiday)或“调休上班”(workday)", row), fmt.Sprintf("row %d: kind must be holiday or workday", row))
		case kind == Workday && err == nil && !date.Weekend():
			// A weekday is a working day already; only weekend days are moved.
			f.Add(at("kind"), fmt.Sprintf("第%d行：%s是%s，调休上班只能设在周六或周日", row, date, weekdayZH[date.Weekday()]),
				fmt.Sprintf("row %d: %s is a %s; only a Saturday or Sunday can be a worked weekend day", row, date, date.Weekday()))
		}
		name := strings.TrimSpace(d.Name)
		if n := utf8.RuneCountInString(name); n > MaxNameLen {
			f.Add(at("name"), fmt.Sprintf("第%d行：名称不能超过%d个字（现有%d个）", row, MaxNameLen, n), fmt.Sprintf("row %d: name is longer than %d characters", row, MaxNameLen))
		}
		if err == nil && seen[date] == 0 {
			seen[date] = row
		}
		out = append(out, Day{Date: date, Kind: kind, Name: name})
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return out, nil
}

var weekdayZH = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

var errUnchanged = errors.New("calendar: unchanged")

// ReplaceYear replaces a year's exceptions (administrators only), bumps the
// version so other replicas reload, reloads this replica at once, and
// audits the year before and after. Replacing with an empty list removes
// the year's schedule.
func (c *Calendar) ReplaceYear(ctx context.Context, a *auth.Actor, year int, in []DayInput) (*Year, error) {
	if err := auth.Require(a, auth.ManageCalendar); err != nil {
		return nil, err
	}
	days, err := ValidateYear(year, in)
	if err != nil {
		return nil, err
	}
	if c.Audit == nil {
		return nil, errors.New("calendar: edits need the audit log (Calendar.Audit)")
	}
	from, to := yearBounds(year)
	err = c.Audit.Write(ctx, a, func(w *audit.W) error {
		before, err := c.loadYear(ctx, w, year)
		if err != nil {
			return err
		}
		if slices.EqualFunc(before, days, func(x, y Day) bool { return x.Date.Equal(y.Date) && x.Kind == y.Kind && x.Name == y.Name }) {
			return errUnchanged
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM calendar_days WHERE day >= $1 AND day <= $2`, from, to); err != nil {
			return err
		}
		rows := make([][]any, len(days))
		for i, d := range days {
			rows[i] = []any{d.Date.String(), string(d.Kind), d.Name}
		}
		if _, err := w.CopyFrom(ctx, "calendar_days", []string{"day", "kind", "name"}, rows); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE calendar_meta SET version = version + 1 WHERE id = 1`); err != nil {
			return err
		}
		after := summarize(year, days)
		return w.Record(audit.Entry{Action: "calendar.replace", ObjectType: "calendar", ObjectID: strconv.Itoa(year),
			Summary: fmt.Sprintf("修改%d年节假日安排：放假%d天，调休上班%d天，全年工作日%d天", year, after.Holidays, after.Workdays, after.WorkingDays),
			Before:  before, After: days})
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return nil, err
	}
	if err := c.Reload(ctx); err != nil {
		return nil, err
	}
	return c.GetYear(ctx, a, year)
}

// Span answers "how many working days from … to …".
type Span struct {
	From Date `json:"from"`
	To   Date `json:"to"`
	// Count is the working days from From to To inclusive; Between is
	// WorkdaysBetween(From, To) (after From, up to To: days overdue).
	Count        int   `json:"count"`
	Between      int   `json:"between"`
	MissingYears []int `json:"missing_years"` // years in the span with no holiday schedule
}

// Shift answers "N working days after a date".
type Shift struct {
	Date         Date  `json:"date"`
	Add          int   `json:"add"`
	Result       Date  `json:"result"`
	IsWorkday    bool  `json:"is_workday"` // whether Date itself is a working day
	MissingYears []int `json:"missing_years"`
}

// SpanOf counts working days between two dates (at most ten years apart).
func (c *Calendar) SpanOf(ctx context.Context, a *auth.Actor, from, to Date) (*Span, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if to.Before(from) || from.DaysUntil(to) > maxRangeLen {
		f := errs.Fields{}
		f.Add("to", "结束日期应不早于开始日期，且相隔不超过十年", "to must not be before from, and at most ten years after it")
		return nil, f.Err()
	}
	_ = c.Refresh(ctx)
	return &Span{From: from, To: to, Count: len(c.Workdays(from, to)), Between: c.WorkdaysBetween(from, to),
		MissingYears: c.missingYears(from, to)}, nil
}

// ShiftOf returns the add-th working day after date (before it when negative).
func (c *Calendar) ShiftOf(ctx context.Context, a *auth.Actor, date Date, add int) (*Shift, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if add < -maxAdd || add > maxAdd {
		f := errs.Fields{}
		f.Add("add", fmt.Sprintf("工作日天数应在-%d至%d之间", maxAdd, maxAdd), fmt.Sprintf("add must be -%d to %d", maxAdd, maxAdd))
		return nil, f.Err()
	}
	_ = c.Refresh(ctx)
	res := c.AddWorkdays(date, add)
	lo, hi := date, res
	if hi.Before(lo) {
		lo, hi = hi, lo
	}
	return &Shift{Date: date, Add: add, Result: res, IsWorkday: c.IsWorkday(date), MissingYears: c.missingYears(lo, hi)}, nil
}

func (c *Calendar) missingYears(from, to Date) []int {
	out := []int{}
	for y := from.Year(); y <= to.Year(); y++ {
		if !c.HasYear(y) {
			out = append(out, y)
		}
	}
	return out
}
