package calendar

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"diaodu/internal/platform/clock"
)

// Date is a calendar day with no time of day, as business dates are kept
// ("2026-09-30"). It is stored as TEXT on both databases (so it sorts and
// compares the same way) and marshalled as that string in JSON. The zero
// Date is "no date": it marshals as null and stores as NULL.
type Date struct{ t time.Time } // midnight UTC of the day

// DateOf returns the day of t in Asia/Shanghai.
func DateOf(t time.Time) Date {
	y, m, d := t.In(clock.Shanghai).Date()
	return NewDate(y, m, d)
}

// NewDate builds a date; out-of-range parts normalise as time.Date does.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// ParseDate reads "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("日期格式应为 YYYY-MM-DD：%q", s)
	}
	return Date{t}, nil
}

// MustDate parses s or panics; for tests and built-in data.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) IsZero() bool          { return d.t.IsZero() }
func (d Date) Year() int             { return d.t.Year() }
func (d Date) Month() time.Month     { return d.t.Month() }
func (d Date) Day() int              { return d.t.Day() }
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }
func (d Date) AddDays(n int) Date    { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) AddMonths(n int) Date  { return Date{d.t.AddDate(0, n, 0)} }
func (d Date) Before(e Date) bool    { return d.t.Before(e.t) }
func (d Date) After(e Date) bool     { return d.t.After(e.t) }
func (d Date) Equal(e Date) bool     { return d.t.Equal(e.t) }
func (d Date) Compare(e Date) int    { return d.t.Compare(e.t) }
func (d Date) Weekend() bool         { w := d.t.Weekday(); return w == time.Saturday || w == time.Sunday }
func (d Date) FirstOfMonth() Date    { return NewDate(d.Year(), d.Month(), 1) }
func (d Date) LastOfMonth() Date     { return NewDate(d.Year(), d.Month()+1, 0) }
func (d Date) DaysUntil(e Date) int  { return int(e.t.Sub(d.t).Hours() / 24) }
func (d Date) Start() time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, clock.Shanghai)
}

// End is the instant the day ends in Asia/Shanghai (the next midnight):
// a deadline "2026-09-30" is met by anything before End.
func (d Date) End() time.Time { return d.AddDays(1).Start() }

// String is "2006-01-02", or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Chinese is "2026年9月30日".
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
}

// Time returns midnight UTC of the day (for libraries wanting a time.Time, such as excelize).
func (d Date) Time() time.Time { return d.t }

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("日期应为 \"YYYY-MM-DD\" 字符串")
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(*s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores the date as TEXT, NULL when zero.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads TEXT (or a time from a DATE column), NULL as the zero date.
func (d *Date) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		if x == "" {
			*d = Date{}
			return nil
		}
		p, err := ParseDate(x)
		*d = p
		return err
	case []byte:
		return d.Scan(string(x))
	case time.Time:
		*d = NewDate(x.Date())
		return nil
	}
	return fmt.Errorf("calendar.Date: cannot scan %T", v)
}
