package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/settings"
)

// Delivery is one entry of the delivery log.
type Delivery struct {
	ID             int64      `json:"id"`
	ChannelID      *int64     `json:"channel_id"` // null for SMS
	ChannelName    string     `json:"channel_name"`
	ChannelKind    string     `json:"channel_kind"` // dingtalk … webhook, or "sms"
	UserID         *int64     `json:"user_id"`      // SMS recipient
	UserName       string     `json:"user_name"`
	Kind           string     `json:"kind"`
	Title          string     `json:"title"`
	Body           string     `json:"body"`
	Link           string     `json:"link"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	NextAttemptAt  *time.Time `json:"next_attempt_at"` // pending and failed only
	LastError      string     `json:"last_error"`
	ResponseStatus int        `json:"response_status"`
	ResponseBody   string     `json:"response_body"`
	CreatedAt      time.Time  `json:"created_at"`
	SentAt         *time.Time `json:"sent_at"`
}

// DeliveryFilter selects log entries. ChannelID -1 selects SMS.
type DeliveryFilter struct {
	ChannelID int64
	Status    string
	Kind      string // prefix, as in channel filters
}

// ListDeliveries returns a page of the log, newest first.
func (n *Notifier) ListDeliveries(ctx context.Context, a *auth.Actor, f DeliveryFilter, limit, offset int) ([]Delivery, int, error) {
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return nil, 0, err
	}
	conds := []string{"TRUE"}
	var args db.Args
	switch {
	case f.ChannelID == -1:
		conds = append(conds, "d.channel_id IS NULL")
	case f.ChannelID > 0:
		conds = append(conds, "d.channel_id = "+args.Add(f.ChannelID))
	}
	if f.Status != "" {
		conds = append(conds, "d.status = "+args.Add(f.Status))
	}
	if f.Kind != "" {
		k := strings.TrimSuffix(f.Kind, ".")
		conds = append(conds, "(d.kind = "+args.Add(k)+" OR d.kind LIKE "+args.Add(likePrefix(k+"."))+` ESCAPE '\')`)
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := n.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_deliveries d WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := n.DB.R.QueryContext(ctx, fmt.Sprintf(`SELECT d.id, d.channel_id, COALESCE(c.name, ''), COALESCE(c.kind, 'sms'),
		d.user_id, COALESCE(x.real_name, ''), d.kind, d.title, d.body, d.link, d.status, d.attempts, d.next_attempt_at,
		d.last_error, d.response_status, d.response_body, d.created_at, d.sent_at
		FROM notify_deliveries d LEFT JOIN notify_channels c ON c.id = d.channel_id LEFT JOIN users x ON x.id = d.user_id
		WHERE %s ORDER BY d.id DESC LIMIT %d OFFSET %d`, where, limit, offset), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var d Delivery
		var ch, user sql.NullInt64
		var next time.Time
		var sent sql.NullTime
		if err := rows.Scan(&d.ID, &ch, &d.ChannelName, &d.ChannelKind, &user, &d.UserName, &d.Kind, &d.Title, &d.Body,
			&d.Link, &d.Status, &d.Attempts, &next, &d.LastError, &d.ResponseStatus, &d.ResponseBody, &d.CreatedAt, &sent); err != nil {
			return nil, 0, err
		}
		if ch.Valid {
			d.ChannelID = &ch.Int64
		}
		if user.Valid {
			d.UserID = &user.Int64
		}
		if d.Status == StatusPending || d.Status == StatusFailed {
			d.NextAttemptAt = &next
		}
		if sent.Valid {
			d.SentAt = &sent.Time
		}
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// likePrefix is a LIKE pattern for "starts with p", wildcards escaped.
func likePrefix(p string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(p) + "%"
}

// RetryDelivery queues a failed or dead delivery again, due now, with a
// fresh set of retries.
func (n *Notifier) RetryDelivery(ctx context.Context, a *auth.Actor, id int64) error {
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return err
	}
	err := n.Audit.Write(ctx, a, func(w *audit.W) error {
		var status, title string
		var attempts int
		err := w.QueryRowContext(ctx, `SELECT status, title, attempts FROM notify_deliveries WHERE id = $1`, id).Scan(&status, &title, &attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("投递记录", "delivery")
		}
		if err != nil {
			return err
		}
		if status != StatusFailed && status != StatusDead {
			return errs.Conflictf("只有发送失败的消息可以重试", "only failed deliveries can be retried")
		}
		if _, err := w.ExecContext(ctx, `UPDATE notify_deliveries SET status = $1, attempts = 0, next_attempt_at = $2
			WHERE id = $3`, StatusPending, w.Now(), id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "notify_delivery.retry", ObjectType: "notify_delivery", ObjectID: idStr(id),
			Summary: "重新发送消息“" + title + "”", Before: map[string]any{"status": status, "attempts": attempts},
			After: map[string]any{"status": StatusPending, "attempts": 0}})
	})
	if err == nil {
		n.kick()
	}
	return err
}

// Settings is what administrators set for notifications.
type Settings struct {
	SMSKinds     []string `json:"sms_kinds"`     // kinds also sent by SMS
	SMSAvailable bool     `json:"sms_available"` // an SMS sender is plugged in (read-only)
	BaseURL      string   `json:"base_url"`      // read-only: from --base-url
}

// GetSettings returns the notification settings.
func (n *Notifier) GetSettings(ctx context.Context, a *auth.Actor) (*Settings, error) {
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return nil, err
	}
	var s SMSSetting
	if err := settings.Get(ctx, n.DB.R, SMSSettingKey, &s); err != nil {
		return nil, err
	}
	if s.Kinds == nil {
		s.Kinds = []string{}
	}
	return &Settings{SMSKinds: s.Kinds, SMSAvailable: n.SMS != nil, BaseURL: n.BaseURL}, nil
}

// SettingsInput changes the settings.
type SettingsInput struct {
	SMSKinds []string `json:"sms_kinds"`
}

// PutSettings stores the settings.
func (n *Notifier) PutSettings(ctx context.Context, a *auth.Actor, in SettingsInput) (*Settings, error) {
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return nil, err
	}
	kinds := []string{}
	f := errs.Fields{}
	for _, k := range in.SMSKinds {
		k = strings.TrimSpace(k)
		if k == "" || slices.Contains(kinds, k) {
			continue
		}
		if len(k) > 50 || !kindPattern.MatchString(k) {
			f.Add("sms_kinds", "消息类型“"+k+"”格式不正确，应如 task. 或 task.remind", "message kind "+k+" is malformed")
		}
		kinds = append(kinds, k)
	}
	if len(kinds) > 20 {
		f.Add("sms_kinds", "消息类型最多20项", "at most 20 message kinds")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := n.Audit.Write(ctx, a, func(w *audit.W) error {
		var before SMSSetting
		if err := settings.Get(ctx, w, SMSSettingKey, &before); err != nil {
			return err
		}
		after := SMSSetting{Kinds: kinds}
		if err := settings.Put(ctx, w, SMSSettingKey, after, w.Now()); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "notify.settings", ObjectType: "settings", ObjectID: SMSSettingKey,
			Summary: "修改短信通知的消息类型", Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	return n.GetSettings(ctx, a)
}
