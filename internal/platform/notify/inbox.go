package notify

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// Notification is one entry of a user's inbox.
type Notification struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	Title      string     `json:"title"`
	Body       string     `json:"body"`
	Link       string     `json:"link"`
	ObjectType string     `json:"object_type"`
	ObjectID   string     `json:"object_id"`
	CreatedAt  time.Time  `json:"created_at"`
	ReadAt     *time.Time `json:"read_at"`
}

// Inbox is a page of the actor's own notifications, newest first, with
// the total for the filter and the unread count.
type Inbox struct {
	Items  []Notification `json:"items"`
	Total  int            `json:"total"`
	Unread int            `json:"unread"`
}

// signedIn checks that a is a user (API tokens have no inbox: they see an
// empty one and find no entry to mark).
func signedIn(a *auth.Actor) error {
	if a == nil {
		return errs.New(errs.Unauthenticated, "请先登录", "please sign in")
	}
	return nil
}

// ListInbox returns a page of the actor's notifications.
func (n *Notifier) ListInbox(ctx context.Context, a *auth.Actor, unreadOnly bool, limit, offset int) (*Inbox, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	out := &Inbox{Items: []Notification{}}
	if err := n.DB.R.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(read_at) FROM notifications WHERE user_id = $1`, a.UserID).
		Scan(&out.Total, &out.Unread); err != nil {
		return nil, err
	}
	out.Unread = out.Total - out.Unread
	where := `user_id = $1`
	if unreadOnly {
		where += ` AND read_at IS NULL`
		out.Total = out.Unread
	}
	rows, err := n.DB.R.QueryContext(ctx, fmt.Sprintf(`SELECT id, kind, title, body, link, object_type, object_id, created_at,
		read_at FROM notifications WHERE %s ORDER BY created_at DESC, id DESC LIMIT %d OFFSET %d`, where, limit, offset), a.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it Notification
		var read sql.NullTime
		if err := rows.Scan(&it.ID, &it.Kind, &it.Title, &it.Body, &it.Link, &it.ObjectType, &it.ObjectID, &it.CreatedAt, &read); err != nil {
			return nil, err
		}
		if read.Valid {
			it.ReadAt = &read.Time
		}
		out.Items = append(out.Items, it)
	}
	return out, rows.Err()
}

// UnreadCount is the number on the bell.
func (n *Notifier) UnreadCount(ctx context.Context, a *auth.Actor) (int, error) {
	if err := signedIn(a); err != nil {
		return 0, err
	}
	var k int
	err := n.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, a.UserID).Scan(&k)
	return k, err
}

// Read marks are the user's own view of their inbox, like a session's
// last-seen time: they change nothing anyone else sees, so they are not
// audited (a trail entry per click would bury the real changes).

// MarkRead marks one of the actor's notifications read; someone else's is
// not found. Marking a read one again changes nothing.
func (n *Notifier) MarkRead(ctx context.Context, a *auth.Actor, id int64) error {
	if err := signedIn(a); err != nil {
		return err
	}
	var exists int
	err := n.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE id = $1 AND user_id = $2`, id, a.UserID).Scan(&exists)
	if err != nil {
		return err
	}
	if exists == 0 {
		return errs.NotFoundf("消息", "notification")
	}
	return n.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL`,
			n.Clock.Now().UTC(), id, a.UserID)
		return err
	})
}

// MarkAllRead marks every unread notification of the actor read and says
// how many there were.
func (n *Notifier) MarkAllRead(ctx context.Context, a *auth.Actor) (int, error) {
	if err := signedIn(a); err != nil {
		return 0, err
	}
	var k int64
	err := n.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`,
			n.Clock.Now().UTC(), a.UserID)
		if err != nil {
			return err
		}
		k, err = res.RowsAffected()
		return err
	})
	return int(k), err
}
