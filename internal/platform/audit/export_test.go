package audit

import "context"

// ErrNoEntry is errNoEntry for the external tests.
var ErrNoEntry = errNoEntry

// Rehash recomputes the stored hash of entry seq from its (possibly
// edited) fields, as a forger who knows the scheme would.
func Rehash(ctx context.Context, l *Log, seq int64) error {
	var r row
	if err := l.DB.R.QueryRowContext(ctx, `SELECT seq, at, user_id, username, unit_id, ip, action, object_type,
		object_id, summary, before_json, after_json, prev_hash FROM audit_log WHERE seq = $1`, seq).Scan(&r.Seq, &r.At,
		&r.UserID, &r.Username, &r.UnitID, &r.IP, &r.Action, &r.ObjectType, &r.ObjectID, &r.Summary, &r.Before, &r.After,
		&r.PrevHash); err != nil {
		return err
	}
	_, err := l.DB.W.ExecContext(ctx, `UPDATE audit_log SET hash = $1 WHERE seq = $2`, r.hash(), seq)
	return err
}
