package settings

import (
	"context"
	"sync"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
)

// Fresh is how long a module's cached settings are trusted before they are
// read again (another replica may have changed them).
const Fresh = 30 * time.Second

// Cached is one module's settings: the value under Key decoded over
// Default(), read from the table at most every Fresh, since every create
// and light asks. Default returns a fresh value each time (a map in it is
// decoded into); Fill, when set, completes a value saved by an older
// version (a setting added since).
type Cached[T any] struct {
	Key     string
	Default func() T
	Fill    func(*T)

	mu    sync.Mutex
	value T
	at    time.Time
}

// Get returns the settings, from the cache while it is fresh.
func (c *Cached[T]) Get(ctx context.Context, q Querier) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && time.Since(c.at) < Fresh {
		return c.value, nil
	}
	v := c.Default()
	if err := Get(ctx, q, c.Key, &v); err != nil {
		var zero T
		return zero, err
	}
	if c.Fill != nil {
		c.Fill(&v)
	}
	c.value, c.at = v, time.Now()
	return v, nil
}

// Reload forgets the cache and reads the settings (the settings page shows
// what is stored, not what this replica remembers).
func (c *Cached[T]) Reload(ctx context.Context, q Querier) (T, error) {
	c.mu.Lock()
	c.at = time.Time{}
	c.mu.Unlock()
	return c.Get(ctx, q)
}

// ReaderWriter is what Replace needs: *db.Tx and *audit.W fit.
type ReaderWriter interface {
	Querier
	Execer
}

// Replace stores v inside the caller's transaction and returns what it
// replaced, for the audit entry; call Keep after the commit.
func (c *Cached[T]) Replace(ctx context.Context, w ReaderWriter, v T, now time.Time) (T, error) {
	before := c.Default()
	if err := Get(ctx, w, c.Key, &before); err != nil {
		return before, err
	}
	return before, Put(ctx, w, c.Key, v, now)
}

// Keep caches v once the transaction that stored it has committed.
func (c *Cached[T]) Keep(v T) {
	c.mu.Lock()
	c.value, c.at = v, time.Now()
	c.mu.Unlock()
}

// Save is a module's whole settings write: store v in an audited
// transaction whose entry holds what it replaced, then cache it. Every
// module's PutSettings ends the same way once it has checked the
// permission and validated v, so the entry's shape (object "settings", id
// the key) is the same for all of them.
func (c *Cached[T]) Save(ctx context.Context, l *audit.Log, a *auth.Actor, v T, action, summary string) error {
	err := l.Write(ctx, a, func(w *audit.W) error {
		before, err := c.Replace(ctx, w, v, w.Now())
		if err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: action, ObjectType: "settings", ObjectID: c.Key, Summary: summary, Before: before, After: v})
	})
	if err != nil {
		return err
	}
	c.Keep(v)
	return nil
}
