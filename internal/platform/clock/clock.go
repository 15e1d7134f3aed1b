// Package clock gives the rules their "now". Rules never call time.Now()
// themselves, so tests (and the browser tests through a test-only setting)
// can move time and watch deadlines pass.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface{ Now() time.Time }

// Shanghai is the business time zone: deadlines and "today".
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600) // no tzdata on the host
	}
	return loc
}()

// System is the real clock, in UTC, truncated to microseconds (PostgreSQL's precision).
type System struct{}

func (System) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Adjustable is the real clock shifted by an offset that tests may change.
type Adjustable struct {
	mu     sync.RWMutex
	offset time.Duration
}

func (a *Adjustable) Now() time.Time {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return System{}.Now().Add(a.offset)
}

// Set moves the clock so that Now() returns t (and then runs on).
func (a *Adjustable) Set(t time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.offset = time.Until(t)
}

// Fixed always says the same time; for tests.
type Fixed struct {
	mu sync.Mutex
	T  time.Time
}

func (f *Fixed) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.T
}

// Advance moves a fixed clock forward.
func (f *Fixed) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.T = f.T.Add(d)
}
