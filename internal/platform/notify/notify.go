// Package notify tells people about work: an in-app inbox, and outbound
// webhooks to group robots (DingTalk, WeCom, Feishu, generic JSON), with
// retries and a delivery log. STUB: the helper implementing issue 3's
// notifications replaces the bodies; the exported API below is the contract.
package notify

import (
	"context"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
)

// Message is one notification. Recipients are users, and units (which
// reach the unit's active unit_admin and staff users).
type Message struct {
	Kind       string // "task.remind", "task.issued", "report.due" …: filters channels
	Title      string
	Body       string
	Link       string // SPA path to open, such as "/tasks/12"
	UserIDs    []int64
	UnitIDs    []int64
	ObjectType string
	ObjectID   string
	// DedupKey, when set, makes a second Send with the same key a no-op, so
	// a job re-run after a crash does not send the same reminder twice.
	DedupKey string
}

// Notifier writes inbox entries and queues webhook deliveries.
type Notifier struct {
	DB    *db.DB
	Clock clock.Clock
}

// New makes a notifier.
func New(d *db.DB, clk clock.Clock) *Notifier { return &Notifier{DB: d, Clock: clk} }

// Send records m in the caller's transaction (inbox rows for every
// recipient, a queued delivery for every matching channel); delivery
// happens later in the background, so a slow receiver never blocks the
// request. It reports whether m was new (false when DedupKey was seen).
func (n *Notifier) Send(ctx context.Context, w *audit.W, m Message) (bool, error) { return true, nil }

// Start delivers queued webhooks in the background until ctx ends.
func (n *Notifier) Start(ctx context.Context) {}

// Wait blocks until in-flight deliveries have finished.
func (n *Notifier) Wait() {}
