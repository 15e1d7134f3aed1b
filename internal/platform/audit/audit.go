// Package audit keeps the trail of every write (全程留痕): who, when, from
// where, what object, before and after. Entries are append-only and
// hash-chained, so an edited or deleted entry shows in Verify.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
)

// Entry is what a service says about one change.
type Entry struct {
	Action     string // e.g. "unit.create", "session.fail"
	ObjectType string // e.g. "unit"
	ObjectID   string
	UnitID     int64  // the unit the object belongs to (0: none)
	Summary    string // a sentence for people, in Chinese
	Before     any    // nil, or anything json-able
	After      any
}

// Log writes and reads the trail.
type Log struct {
	DB    *db.DB
	Clock clock.Clock
}

// W is a write transaction that must record at least one audit entry to
// commit: a service that forgets the trail fails loudly in its tests.
type W struct {
	*db.Tx
	ctx   context.Context
	actor *auth.Actor
	now   time.Time
	n     int
}

// Now is the transaction's time, the same for every entry and row it writes.
func (w *W) Now() time.Time { return w.now }

// Actor is who is writing.
func (w *W) Actor() *auth.Actor { return w.actor }

var errNoEntry = errors.New("audit: write transaction recorded no audit entry")

// Write runs fn in a transaction; the transaction commits only when fn
// returned nil and recorded an entry.
func (l *Log) Write(ctx context.Context, actor *auth.Actor, fn func(w *W) error) error {
	return l.DB.InTx(ctx, func(tx *db.Tx) error {
		w := &W{Tx: tx, ctx: ctx, actor: actor, now: l.Clock.Now().UTC().Truncate(time.Microsecond)}
		if err := fn(w); err != nil {
			return err
		}
		if w.n == 0 {
			return errNoEntry
		}
		return nil
	})
}

// Record appends an entry to the chain inside the transaction.
func (w *W) Record(e Entry) error {
	w.n++
	return appendEntry(w.ctx, w.Tx, w.actor, w.now, e)
}

// Append records an entry in its own transaction: sign-in failures and
// other events that change nothing else.
func (l *Log) Append(ctx context.Context, actor *auth.Actor, e Entry) error {
	return l.Write(ctx, actor, func(w *W) error { return w.Record(e) })
}

// row is an entry as stored.
type row struct {
	Seq        int64
	At         time.Time
	UserID     sql.NullInt64
	Username   string
	UnitID     sql.NullInt64
	IP         string
	Action     string
	ObjectType string
	ObjectID   string
	Summary    string
	Before     string
	After      string
	PrevHash   string
	Hash       string
}

func toJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// hash covers every field and the previous hash; fields are separated by a
// byte that cannot appear in them unescaped (JSON and text are UTF-8).
func (r *row) hash() string {
	h := sha256.New()
	for _, s := range []string{
		r.PrevHash, strconv.FormatInt(r.Seq, 10), r.At.UTC().Format(time.RFC3339Nano),
		nullStr(r.UserID), r.Username, nullStr(r.UnitID), r.IP, r.Action, r.ObjectType, r.ObjectID,
		r.Summary, r.Before, r.After,
	} {
		h.Write([]byte(s))
		h.Write([]byte{0x1f})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func nullStr(n sql.NullInt64) string {
	if !n.Valid {
		return ""
	}
	return strconv.FormatInt(n.Int64, 10)
}

// newRow fills the stored fields of an entry from the actor and time.
func newRow(a *auth.Actor, now time.Time, e Entry) row {
	r := row{At: now, Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID,
		UnitID: db.NullID(e.UnitID), Summary: e.Summary, Before: toJSON(e.Before), After: toJSON(e.After)}
	if a != nil {
		r.UserID, r.Username, r.IP = db.NullID(a.UserID), a.Username, a.IP
	}
	return r
}

func appendEntry(ctx context.Context, tx *db.Tx, a *auth.Actor, now time.Time, e Entry) error {
	r := newRow(a, now, e)
	// Lock the head: entries get consecutive numbers and one chain.
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+tx.Dialect.ForUpdate()).
		Scan(&r.Seq, &r.PrevHash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	r.Seq++
	r.Hash = r.hash()
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, user_id, username, unit_id, ip, action,
		object_type, object_id, summary, before_json, after_json, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		r.Seq, r.At, r.UserID, r.Username, r.UnitID, r.IP, r.Action, r.ObjectType, r.ObjectID,
		r.Summary, r.Before, r.After, r.PrevHash, r.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, r.Seq, r.Hash)
	return err
}

// Problem is one break in the chain.
type Problem struct {
	Seq     int64  `json:"seq"`
	Problem string `json:"problem"`
}

// Report is the result of Verify.
type Report struct {
	OK       bool      `json:"ok"`
	Checked  int64     `json:"checked"`
	Problems []Problem `json:"problems"`
}

// Verify walks the whole chain and names every entry that was edited,
// deleted or inserted out of order. It stops listing after 100 problems.
func (l *Log) Verify(ctx context.Context) (*Report, error) {
	rows, err := l.DB.R.QueryContext(ctx, `SELECT seq, at, user_id, username, unit_id, ip, action, object_type,
		object_id, summary, before_json, after_json, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rep := &Report{Problems: []Problem{}}
	add := func(seq int64, format string, args ...any) {
		if len(rep.Problems) < 100 {
			rep.Problems = append(rep.Problems, Problem{seq, fmt.Sprintf(format, args...)})
		}
	}
	var prevSeq int64
	prevHash := ""
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.Seq, &r.At, &r.UserID, &r.Username, &r.UnitID, &r.IP, &r.Action, &r.ObjectType,
			&r.ObjectID, &r.Summary, &r.Before, &r.After, &r.PrevHash, &r.Hash); err != nil {
			return nil, err
		}
		rep.Checked++
		if r.Seq != prevSeq+1 {
			add(r.Seq, "第%d至%d条记录缺失（被删除） / entries %d to %d are missing", prevSeq+1, r.Seq-1, prevSeq+1, r.Seq-1)
		}
		if r.PrevHash != prevHash {
			add(r.Seq, "第%d条记录的前序哈希与上一条不符 / entry %d does not follow the previous entry's hash", r.Seq, r.Seq)
		}
		if r.hash() != r.Hash {
			add(r.Seq, "第%d条记录内容被修改 / entry %d was altered", r.Seq, r.Seq)
		}
		prevSeq, prevHash = r.Seq, r.Hash
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var headSeq int64
	var headHash string
	if err := l.DB.R.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return nil, err
	}
	if headSeq != prevSeq || headHash != prevHash {
		add(headSeq, "最后%d条记录缺失（链尾被删除或改动） / the chain's last entries (up to %d) are missing or altered", headSeq-prevSeq, headSeq)
	}
	rep.OK = len(rep.Problems) == 0
	return rep, nil
}

// Filter selects entries for the audit page.
type Filter struct {
	UserID     int64
	UnitID     int64
	ObjectType string
	ObjectID   string
	Action     string
	From, To   time.Time // [From, To)
	Q          string
}

// where builds the SQL condition for f and the actor's scope.
func (f Filter) where(a *auth.Actor) (string, []any) {
	conds := []string{"TRUE"}
	var args db.Args
	arg := args.Add
	if !a.DistrictWide() {
		c, as := a.ScopeFilter("u.path", 1)
		args = append(args, as...)
		conds = append(conds, "l.unit_id IN (SELECT u.id FROM units u WHERE "+c+")")
	}
	if f.UserID != 0 {
		conds = append(conds, "l.user_id = "+arg(f.UserID))
	}
	if f.UnitID != 0 {
		conds = append(conds, "l.unit_id = "+arg(f.UnitID))
	}
	if f.ObjectType != "" {
		conds = append(conds, "l.object_type = "+arg(f.ObjectType))
	}
	if f.ObjectID != "" {
		conds = append(conds, "l.object_id = "+arg(f.ObjectID))
	}
	if f.Action != "" {
		conds = append(conds, "l.action = "+arg(f.Action))
	}
	if !f.From.IsZero() {
		conds = append(conds, "l.at >= "+arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		conds = append(conds, "l.at < "+arg(f.To.UTC()))
	}
	if f.Q != "" {
		p := arg(db.Like(f.Q))
		conds = append(conds, "(LOWER(l.username) LIKE "+p+` ESCAPE '\' OR LOWER(l.summary) LIKE `+p+` ESCAPE '\')`)
	}
	return strings.Join(conds, " AND "), args
}

// Item is an entry as shown on the audit page.
type Item struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	UserID     *int64          `json:"user_id"`
	Username   string          `json:"username"`
	UnitID     *int64          `json:"unit_id"`
	UnitName   string          `json:"unit_name"`
	IP         string          `json:"ip"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Summary    string          `json:"summary"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
}

// List returns entries newest first; limit 0 means all (for export).
func (l *Log) List(ctx context.Context, a *auth.Actor, f Filter, limit, offset int) ([]Item, int, error) {
	if err := auth.Require(a, auth.ViewAudit); err != nil {
		return nil, 0, err
	}
	where, args := f.where(a)
	var total int
	if err := l.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log l WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT l.seq, l.at, l.user_id, l.username, l.unit_id, COALESCE(un.name, ''), l.ip, l.action, l.object_type,
		l.object_id, l.summary, l.before_json, l.after_json
		FROM audit_log l LEFT JOIN units un ON un.id = l.unit_id WHERE ` + where + ` ORDER BY l.seq DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset)
	}
	rows, err := l.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	items := []Item{}
	for rows.Next() {
		var it Item
		var uid, unit sql.NullInt64
		var before, after string
		if err := rows.Scan(&it.Seq, &it.At, &uid, &it.Username, &unit, &it.UnitName, &it.IP, &it.Action,
			&it.ObjectType, &it.ObjectID, &it.Summary, &before, &after); err != nil {
			return nil, 0, err
		}
		if uid.Valid {
			it.UserID = &uid.Int64
		}
		if unit.Valid {
			it.UnitID = &unit.Int64
		}
		it.Before, it.After = rawOrNull(before), rawOrNull(after)
		items = append(items, it)
	}
	return items, total, rows.Err()
}

func rawOrNull(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

// RecordMany appends many entries with one bulk copy (imports): the chain
// is computed in memory and the head moves once.
func (w *W) RecordMany(es []Entry) error {
	if len(es) == 0 {
		return nil
	}
	w.n += len(es)
	var seq int64
	var prev string
	if err := w.QueryRowContext(w.ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+w.Dialect.ForUpdate()).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	rows := make([][]any, len(es))
	for i, e := range es {
		r := newRow(w.actor, w.now, e)
		r.Seq, r.PrevHash = seq+int64(i)+1, prev
		r.Hash = r.hash()
		prev = r.Hash
		rows[i] = []any{r.Seq, r.At, r.UserID, r.Username, r.UnitID, r.IP, r.Action, r.ObjectType, r.ObjectID,
			r.Summary, r.Before, r.After, r.PrevHash, r.Hash}
	}
	if _, err := w.CopyFrom(w.ctx, "audit_log", []string{"seq", "at", "user_id", "username", "unit_id", "ip", "action",
		"object_type", "object_id", "summary", "before_json", "after_json", "prev_hash", "hash"}, rows); err != nil {
		return fmt.Errorf("audit copy: %w", err)
	}
	_, err := w.ExecContext(w.ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, seq+int64(len(es)), prev)
	return err
}
