// Package calendar does working-day arithmetic with the State Council's
// holiday calendar: public holidays that fall on weekdays are days off, and
// the weekend days moved to make bridges (调休) are working days. The
// calendar is data (table calendar_days, shipped for 2025 and 2026 and
// editable by an administrator), held in memory because every light and
// deadline asks it, and reloaded when another replica changes it.
package calendar

import (
	"context"
	"sync"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
)

// Kind says how a day differs from the Monday–Friday rule.
type Kind string

const (
	Holiday Kind = "holiday" // 放假: a day off, weekday or not
	Workday Kind = "workday" // 调休上班: a weekend day that is worked
)

// Day is one exception to the weekday rule.
type Day struct {
	Date Date   `json:"date"`
	Kind Kind   `json:"kind"`
	Name string `json:"name"` // 春节, 国庆节 …
}

// Calendar answers working-day questions from an in-memory copy of the
// exceptions. The zero value treats every Monday–Friday as a working day.
type Calendar struct {
	DB *db.DB
	// Audit and Clock serve the administration endpoints (admin.go): edits
	// are audited, and "this year" is the clock's.
	Audit *audit.Log
	Clock clock.Clock

	mu      sync.RWMutex
	days    map[Date]Kind
	years   map[int]bool // years with an official schedule loaded
	version int64        // calendar_meta.version last loaded
	checked time.Time    // when the version was last compared
}

// New loads the calendar from the database.
func New(ctx context.Context, d *db.DB) (*Calendar, error) {
	c := &Calendar{DB: d}
	return c, c.Reload(ctx)
}

// Reload reads every exception from the database.
func (c *Calendar) Reload(ctx context.Context) error {
	if c.DB == nil {
		return nil
	}
	var version int64
	if err := c.DB.R.QueryRowContext(ctx, `SELECT version FROM calendar_meta WHERE id = 1`).Scan(&version); err != nil {
		return err
	}
	rows, err := c.DB.R.QueryContext(ctx, `SELECT day, kind FROM calendar_days`)
	if err != nil {
		return err
	}
	defer rows.Close()
	days, years := map[Date]Kind{}, map[int]bool{}
	for rows.Next() {
		var d Date
		var k Kind
		if err := rows.Scan(&d, &k); err != nil {
			return err
		}
		days[d], years[d.Year()] = k, true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.days, c.years, c.version, c.checked = days, years, version, time.Now()
	c.mu.Unlock()
	return nil
}

// refreshEvery bounds how stale another replica's edit can look here.
const refreshEvery = 30 * time.Second

// Refresh reloads when another replica changed the calendar; it is cheap
// to call often (one small query at most every 30 seconds).
func (c *Calendar) Refresh(ctx context.Context) error {
	if c.DB == nil {
		return nil
	}
	c.mu.RLock()
	fresh, have := time.Since(c.checked) < refreshEvery, c.version
	c.mu.RUnlock()
	if fresh {
		return nil
	}
	var version int64
	if err := c.DB.R.QueryRowContext(ctx, `SELECT version FROM calendar_meta WHERE id = 1`).Scan(&version); err != nil {
		return err
	}
	if version == have {
		c.mu.Lock()
		c.checked = time.Now()
		c.mu.Unlock()
		return nil
	}
	return c.Reload(ctx)
}

// KindOf returns the exception for d, or "" when the weekday rule applies.
func (c *Calendar) KindOf(d Date) Kind {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.days[d]
}

// HasYear tells whether the official schedule for year y is loaded; without
// it only weekends are days off.
func (c *Calendar) HasYear(y int) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.years[y]
}

// IsWorkday tells whether d is a working day.
func (c *Calendar) IsWorkday(d Date) bool {
	switch c.KindOf(d) {
	case Holiday:
		return false
	case Workday:
		return true
	}
	return !d.Weekend()
}

// AddWorkdays returns the n-th working day after d (n > 0), or before d
// (n < 0); n = 0 returns d itself when it is a working day, else the next
// working day. "Within 1 working day" of an issue on Friday is Monday.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	if n == 0 {
		for !c.IsWorkday(d) {
			d = d.AddDays(1)
		}
		return d
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween counts the working days after from up to and including
// to; it is negative when to is before from. Days overdue for a deadline
// is WorkdaysBetween(deadline, today).
func (c *Calendar) WorkdaysBetween(from, to Date) int {
	if to.Before(from) {
		return -c.WorkdaysBetween(to, from)
	}
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// Workdays lists the working days from..to inclusive.
func (c *Calendar) Workdays(from, to Date) []Date {
	var out []Date
	for d := from; !d.After(to); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			out = append(out, d)
		}
	}
	return out
}
