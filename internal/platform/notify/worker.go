package notify

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Delivery statuses.
const (
	StatusPending = "pending" // not tried yet (or queued again by hand)
	StatusFailed  = "failed"  // tried, retried at next_attempt_at
	StatusSent    = "sent"
	StatusDead    = "dead" // gave up after the last retry
)

// Statuses lists the delivery statuses.
var Statuses = []string{StatusPending, StatusFailed, StatusSent, StatusDead}

// maxStored is how much of a receiver's answer the log keeps.
const maxStored = 1000

// job is a due delivery with what it takes to send it.
type job struct {
	id       int64
	attempts int
	msg      outMessage
	channel  sql.NullInt64
	target   target
	active   bool // the channel is active, or the SMS user is
	user     sql.NullInt64
	phone    string
}

// result is what a send got back.
type result struct {
	status int
	body   string
	err    error
}

// Start delivers queued webhooks in the background until ctx ends.
func (n *Notifier) Start(ctx context.Context) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		t := time.NewTicker(n.PollInterval)
		defer t.Stop()
		for {
			if _, err := n.DeliverDue(ctx); err != nil && ctx.Err() == nil {
				slog.Error("notify: deliveries", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-n.wake:
			}
		}
	}()
}

// Wait blocks until in-flight deliveries have finished.
func (n *Notifier) Wait() { n.wg.Wait() }

// DeliverDue sends every delivery that is due now, at most Concurrency at
// a time, and returns how many it attempted. Each is claimed first with a
// conditional UPDATE, so replicas polling together never send one twice.
// Sends already started finish even when ctx ends.
func (n *Notifier) DeliverDue(ctx context.Context) (int, error) {
	work := context.WithoutCancel(ctx)
	sem := make(chan struct{}, max(n.Concurrency, 1))
	var wg sync.WaitGroup
	defer wg.Wait()
	total := 0
	// Every claim moves its row into the future, so the loop ends; the
	// bound is a guard against a clock that stands still in production.
	for range 1000 {
		if ctx.Err() != nil {
			return total, nil
		}
		now := n.Clock.Now().UTC()
		jobs, err := n.due(ctx, now)
		if err != nil || len(jobs) == 0 {
			return total, err
		}
		for _, j := range jobs {
			// A slot first, then the claim: a claimed delivery waiting for a
			// slot would eat into its lease.
			sem <- struct{}{}
			ok, err := n.claim(ctx, j, now)
			if err != nil || !ok { // !ok: another worker took it
				<-sem
				if err != nil {
					return total, err
				}
				continue
			}
			j.attempts++
			total++
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				n.finish(work, j, n.deliver(work, j))
			}()
		}
	}
	return total, nil
}

func (n *Notifier) due(ctx context.Context, now time.Time) ([]job, error) {
	rows, err := n.DB.R.QueryContext(ctx, `SELECT d.id, d.attempts, d.kind, d.title, d.body, d.link, d.object_type,
		d.object_id, d.created_at, d.channel_id, COALESCE(c.kind, ''), COALESCE(c.url, ''), COALESCE(c.secret, ''),
		COALESCE(c.active, x.active, FALSE), d.user_id, COALESCE(x.phone, '')
		FROM notify_deliveries d LEFT JOIN notify_channels c ON c.id = d.channel_id LEFT JOIN users x ON x.id = d.user_id
		WHERE d.status IN ('pending', 'failed') AND d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.id LIMIT $2`,
		now, max(n.Batch, 1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []job
	for rows.Next() {
		var j job
		m := &j.msg
		if err := rows.Scan(&j.id, &j.attempts, &m.Kind, &m.Title, &m.Body, &m.Link, &m.ObjectType, &m.ObjectID,
			&m.CreatedAt, &j.channel, &j.target.kind, &j.target.url, &j.target.secret, &j.active, &j.user, &j.phone); err != nil {
			return nil, err
		}
		m.ID, m.URL, m.CreatedAt = j.id, absolute(n.BaseURL, m.Link), m.CreatedAt.UTC()
		out = append(out, j)
	}
	return out, rows.Err()
}

// claim counts the attempt and moves the row past the send timeout: a
// replica that crashes mid-send leaves it to be retried after that lease.
func (n *Notifier) claim(ctx context.Context, j job, now time.Time) (bool, error) {
	res, err := n.DB.W.ExecContext(ctx, `UPDATE notify_deliveries SET attempts = attempts + 1, next_attempt_at = $1
		WHERE id = $2 AND attempts = $3 AND status IN ('pending', 'failed') AND next_attempt_at <= $4`,
		now.Add(n.Timeout+time.Minute), j.id, j.attempts, now)
	if err != nil {
		return false, err
	}
	k, err := res.RowsAffected()
	return k == 1, err
}

// deliver sends one delivery and says what happened.
func (n *Notifier) deliver(ctx context.Context, j job) result {
	if !j.active {
		return result{err: errInactive}
	}
	if j.channel.Valid {
		return n.post(ctx, j.target, j.msg)
	}
	switch {
	case n.SMS == nil:
		return result{err: errNoSMS}
	case j.phone == "":
		return result{err: errors.New("该用户没有手机号")}
	}
	ctx, cancel := context.WithTimeout(ctx, n.Timeout)
	defer cancel()
	return result{err: describe(n.SMS.SendSMS(ctx, j.phone, smsText(j.msg)), n.Timeout)}
}

var (
	errInactive = errors.New("通道或用户已停用，未发送")
	errNoSMS    = errors.New("未配置短信服务，未发送")
	errDead     = []error{errInactive, errNoSMS}
)

// smsText is the message as one short text.
func smsText(m outMessage) string {
	s := m.Title
	if m.Body != "" {
		s += "：" + m.Body
	}
	s = cut(s, 400)
	if m.URL != "" {
		s += " " + m.URL
	}
	return s
}

// post sends m to t and judges the answer.
func (n *Notifier) post(ctx context.Context, t target, m outMessage) result {
	req, err := build(t, m, n.WallClock.Now())
	if err != nil {
		return result{err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, n.Timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, req.url, bytes.NewReader(req.body))
	if err != nil {
		return result{err: fmt.Errorf("地址无效：%v", err)}
	}
	hr.Header = req.header
	hr.Header.Set("Content-Type", "application/json; charset=utf-8")
	hr.Header.Set("User-Agent", "diaodu-notify/1")
	res, err := n.client().Do(hr)
	if err != nil {
		return result{err: describe(err, n.Timeout)}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	r := result{status: res.StatusCode, body: strings.ToValidUTF8(cut(string(b), maxStored), "")}
	if err != nil {
		r.err = describe(err, n.Timeout)
		return r
	}
	r.err = judge(t.kind, res.StatusCode, b)
	return r
}

// describe turns a transport error into words for the log.
func describe(err error, timeout time.Duration) error {
	if err == nil {
		return nil
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("超时：%s 内未收到应答", timeout)
	}
	return fmt.Errorf("发送失败：%v", err)
}

func (n *Notifier) client() *http.Client {
	if n.HTTP != nil {
		return n.HTTP
	}
	// Robots answer directly; a redirect would be a misconfigured URL, and
	// following it could carry the message to a host nobody configured.
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// finish records the outcome: sent; failed with the next attempt after the
// backoff; or dead after the last one (at once when retrying cannot help).
// The condition on attempts keeps a worker whose lease ran out from
// overwriting the newer attempt of another.
func (n *Notifier) finish(ctx context.Context, j job, r result) {
	now := n.Clock.Now().UTC()
	status, next, errText := StatusSent, now, ""
	var sentAt any
	if r.err == nil {
		sentAt = now
	} else {
		errText = cut(r.err.Error(), maxStored)
		status = StatusFailed
		if j.attempts > len(n.Backoff) || isDead(r.err) {
			status = StatusDead
		} else {
			next = now.Add(n.Backoff[j.attempts-1])
		}
	}
	if _, err := n.DB.W.ExecContext(ctx, `UPDATE notify_deliveries SET status = $1, next_attempt_at = $2, last_error = $3,
		response_status = $4, response_body = $5, sent_at = $6 WHERE id = $7 AND attempts = $8`,
		status, next, errText, r.status, r.body, sentAt, j.id, j.attempts); err != nil {
		slog.Error("notify: record delivery", "id", j.id, "err", err)
	}
	if r.err != nil {
		slog.Warn("notify: delivery failed", "id", j.id, "attempt", j.attempts, "status", status, "err", r.err)
	}
}

func isDead(err error) bool {
	for _, e := range errDead {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
