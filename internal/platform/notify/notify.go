// Package notify tells people about work: an in-app inbox, and outbound
// webhooks to group robots (DingTalk, WeCom, Feishu, generic JSON), with
// retries and a delivery log, plus an optional SMS hook.
//
// Send only writes rows in the caller's transaction: inbox entries and an
// outbox of deliveries. A background worker (Start, or DeliverDue in tests)
// sends the deliveries later, so a receiver that hangs or fails never
// blocks a request, and nothing is sent for a write that rolled back.
package notify

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/settings"
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

// SMSSender sends one text message. No provider is bundled: a deployment
// sets Notifier.SMS to an adapter for its gateway (see docs/modules/notify.md).
type SMSSender interface {
	SendSMS(ctx context.Context, phone, text string) error
}

// Notifier writes inbox entries and queues webhook deliveries.
type Notifier struct {
	DB    *db.DB
	Clock clock.Clock
	// Audit records changes to channels, settings and manual retries.
	Audit *audit.Log
	// BaseURL ("https://diaodu.example.gov.cn") makes links in outbound
	// messages absolute; empty leaves them as SPA paths.
	BaseURL string
	// SMS, when set, also texts the recipients of the kinds listed in the
	// "notify.sms" setting. nil sends no SMS.
	SMS SMSSender
	// HTTP sends webhooks; nil uses a client that does not follow redirects.
	HTTP *http.Client
	// Timeout bounds one send (connect, request and answer).
	Timeout time.Duration
	// Backoff lists the waits before each retry; a delivery that failed
	// len(Backoff)+1 times is dead.
	Backoff []time.Duration
	// Concurrency bounds the sends in flight; Batch is how many due
	// deliveries one poll claims; PollInterval is how often Start polls.
	Concurrency  int
	Batch        int
	PollInterval time.Duration
	// WallClock stamps robot signatures. Receivers compare the stamp with
	// their real clock, so it must not follow a test clock that was moved.
	WallClock clock.Clock

	mu    sync.Mutex
	kinds []KindInfo
	wg    sync.WaitGroup
	wake  chan struct{}
}

// DefaultBackoff: 30 s, 2 min, 10 min, 1 h, 6 h, then dead (six attempts in
// about seven hours), so a receiver down for a morning still gets the message.
var DefaultBackoff = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour}

// New makes a notifier.
func New(d *db.DB, clk clock.Clock) *Notifier {
	n := &Notifier{DB: d, Clock: clk, Timeout: 10 * time.Second, Backoff: DefaultBackoff, Concurrency: 4, Batch: 20,
		PollInterval: 5 * time.Second, WallClock: clock.System{}, wake: make(chan struct{}, 1)}
	n.RegisterKind(KindTest, "测试消息", "Test message")
	return n
}

// KindTest is the kind of the message sent by the channel test button.
const KindTest = "notify.test"

// KindInfo names a message kind for the channel form.
type KindInfo struct {
	Code string `json:"code"`
	Name string `json:"name"`
	EN   string `json:"name_en"`
}

// RegisterKind names a message kind (or a prefix such as "task.") that a
// module sends, so administrators can pick it when filtering a channel.
func (n *Notifier) RegisterKind(code, name, en string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !slices.ContainsFunc(n.kinds, func(k KindInfo) bool { return k.Code == code }) {
		n.kinds = append(n.kinds, KindInfo{code, name, en})
	}
}

// Kinds lists the registered kinds, sorted by code.
func (n *Notifier) Kinds() []KindInfo {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := slices.Clone(n.kinds)
	slices.SortFunc(out, func(a, b KindInfo) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// matchKind tells whether kind is selected by a list of entries: an entry
// selects the kind itself and everything under it ("task" and "task."
// select "task.remind", not "tasks.x").
func matchKind(entries []string, kind string) bool {
	for _, e := range entries {
		if kind == e || strings.HasPrefix(kind, strings.TrimSuffix(e, ".")+".") {
			return true
		}
	}
	return false
}

// SMSSettingKey holds {"kinds": [...]}: the message kinds also sent by SMS.
const SMSSettingKey = "notify.sms"

// SMSSetting is the value under SMSSettingKey.
type SMSSetting struct {
	Kinds []string `json:"kinds"`
}

// recipient is a user who gets a message.
type recipient struct {
	id, unitID int64
	unitPath   string
	phone      string
}

var errBadMessage = errors.New("notify: a message needs a kind and a title")

// Send records m in the caller's transaction (inbox rows for every
// recipient, a queued delivery for every matching channel); delivery
// happens later in the background, so a slow receiver never blocks the
// request. It reports whether m was new (false when DedupKey was seen).
// It records no audit entry: the write that sends it records its own.
func (n *Notifier) Send(ctx context.Context, w *audit.W, m Message) (bool, error) {
	if strings.TrimSpace(m.Kind) == "" || strings.TrimSpace(m.Title) == "" {
		return false, errBadMessage
	}
	now := w.Now()
	if m.DedupKey != "" {
		// ON CONFLICT instead of catching the violation: on PostgreSQL a
		// failed statement would abort the caller's transaction.
		res, err := w.ExecContext(ctx, `INSERT INTO notify_dedup (key, created_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
			m.DedupKey, now)
		if err != nil {
			return false, err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return false, nil
		}
	}
	rs, unitPaths, err := resolve(ctx, w, m)
	if err != nil {
		return false, err
	}
	rows := make([][]any, len(rs))
	for i, r := range rs {
		rows[i] = []any{r.id, m.Kind, m.Title, m.Body, m.Link, m.ObjectType, m.ObjectID, now}
	}
	if err := insertRows(ctx, w, "notifications", []string{"user_id", "kind", "title", "body", "link", "object_type",
		"object_id", "created_at"}, rows); err != nil {
		return false, err
	}
	for _, r := range rs {
		unitPaths = append(unitPaths, r.unitPath)
	}
	chans, err := matchingChannels(ctx, w, m.Kind, unitPaths)
	if err != nil {
		return false, err
	}
	var out [][]any
	queue := func(channelID, userID int64) {
		out = append(out, []any{db.NullID(channelID), db.NullID(userID), m.Kind, m.Title, m.Body, m.Link, m.ObjectType,
			m.ObjectID, StatusPending, 0, now, now})
	}
	for _, c := range chans {
		queue(c, 0)
	}
	if n.SMS != nil {
		var set SMSSetting
		if err := settings.Get(ctx, w, SMSSettingKey, &set); err != nil {
			return false, err
		}
		if matchKind(set.Kinds, m.Kind) {
			for _, r := range rs {
				if r.phone != "" {
					queue(0, r.id)
				}
			}
		}
	}
	return true, insertRows(ctx, w, "notify_deliveries", deliveryCols, out)
}

var deliveryCols = []string{"channel_id", "user_id", "kind", "title", "body", "link", "object_type", "object_id", "status",
	"attempts", "next_attempt_at", "created_at"}

// resolve finds the recipients of m: its active users, and the active
// unit_admin and staff users of its units (each user once). It also
// returns the paths of m's units, which select unit channels even when a
// unit has nobody to notify.
func resolve(ctx context.Context, w *audit.W, m Message) ([]recipient, []string, error) {
	if len(m.UserIDs) == 0 && len(m.UnitIDs) == 0 {
		return nil, nil, nil
	}
	var args db.Args
	users, units := inList(&args, m.UserIDs), inList(&args, m.UnitIDs)
	roles := `(',' || x.roles || ',' LIKE '%,unit_admin,%' OR ',' || x.roles || ',' LIKE '%,staff,%')`
	rows, err := w.QueryContext(ctx, `SELECT x.id, x.unit_id, u.path, x.phone FROM users x JOIN units u ON u.id = x.unit_id
		WHERE x.active = TRUE AND (x.id IN (`+users+`) OR (x.unit_id IN (`+units+`) AND `+roles+`)) ORDER BY x.id`, args...)
	if err != nil {
		return nil, nil, err
	}
	var rs []recipient
	for rows.Next() {
		var r recipient
		if err := rows.Scan(&r.id, &r.unitID, &r.unitPath, &r.phone); err != nil {
			rows.Close()
			return nil, nil, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var paths []string
	if len(m.UnitIDs) > 0 {
		var uargs db.Args
		prows, err := w.QueryContext(ctx, `SELECT path FROM units WHERE id IN (`+inList(&uargs, m.UnitIDs)+`)`, uargs...)
		if err != nil {
			return nil, nil, err
		}
		defer prows.Close()
		for prows.Next() {
			var p string
			if err := prows.Scan(&p); err != nil {
				return nil, nil, err
			}
			paths = append(paths, p)
		}
		if err := prows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return rs, paths, nil
}

// inList adds ids to args and returns the placeholders for an IN (…); an
// empty list gives NULL, which matches nothing.
func inList(args *db.Args, ids []int64) string {
	if len(ids) == 0 {
		return "NULL"
	}
	ph := make([]string, 0, len(ids))
	for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
		ph = append(ph, args.Add(id))
	}
	return strings.Join(ph, ", ")
}

// matchingChannels returns the active channels that take kind and, when
// tied to a unit, have one of unitPaths in their subtree.
func matchingChannels(ctx context.Context, w *audit.W, kind string, unitPaths []string) ([]int64, error) {
	rows, err := w.QueryContext(ctx, `SELECT c.id, c.kinds, COALESCE(u.path, '') FROM notify_channels c
		LEFT JOIN units u ON u.id = c.unit_id WHERE c.active = TRUE ORDER BY c.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		var kinds, root string
		if err := rows.Scan(&id, &kinds, &root); err != nil {
			return nil, err
		}
		if ks := splitKinds(kinds); len(ks) > 0 && !matchKind(ks, kind) {
			continue
		}
		if root != "" && !slices.ContainsFunc(unitPaths, func(p string) bool { return strings.HasPrefix(p, root) }) {
			continue
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func splitKinds(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// insertRows inserts rows into table inside the transaction: one
// multi-row INSERT for a few rows, the bulk copy for many (a reminder to
// every unit of the district).
func insertRows(ctx context.Context, w *audit.W, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if len(rows) > 50 {
		_, err := w.CopyFrom(ctx, table, cols, rows)
		return err
	}
	var args db.Args
	vals := make([]string, len(rows))
	for i, r := range rows {
		ph := make([]string, len(r))
		for j, v := range r {
			ph[j] = args.Add(v)
		}
		vals[i] = "(" + strings.Join(ph, ", ") + ")"
	}
	_, err := w.ExecContext(ctx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES `+strings.Join(vals, ", "), args...)
	return err
}

// kick wakes the background worker (after a manual retry).
func (n *Notifier) kick() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}
