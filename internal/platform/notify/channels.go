package notify

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// Channel is a webhook receiver as the API shows it: the secret never
// leaves the server, only whether one is set.
type Channel struct {
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	Kind      string         `json:"kind"`
	URL       string         `json:"url"`
	SecretSet bool           `json:"secret_set"`
	UnitID    *int64         `json:"unit_id"` // null: the whole district
	UnitName  string         `json:"unit_name"`
	Kinds     []string       `json:"kinds"` // message-kind prefixes; empty: all
	Active    bool           `json:"active"`
	Counts    map[string]int `json:"counts"` // deliveries by status
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// ChannelInput creates or patches a channel. Secret: absent keeps it, ""
// clears it. UnitID: 0 is the whole district.
type ChannelInput struct {
	Name   *string   `json:"name"`
	Kind   *string   `json:"kind"`
	URL    *string   `json:"url"`
	Secret *string   `json:"secret"`
	UnitID *int64    `json:"unit_id"`
	Kinds  *[]string `json:"kinds"`
	Active *bool     `json:"active"`
}

const channelCols = `c.id, c.name, c.kind, c.url, c.secret <> '', c.unit_id, COALESCE(u.name, ''), c.kinds, c.active,
	c.created_at, c.updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanChannel(s scanner) (*Channel, error) {
	var c Channel
	var unit sql.NullInt64
	var kinds string
	if err := s.Scan(&c.ID, &c.Name, &c.Kind, &c.URL, &c.SecretSet, &unit, &c.UnitName, &kinds, &c.Active,
		&c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	if unit.Valid {
		c.UnitID = &unit.Int64
	}
	c.Kinds = splitKinds(kinds)
	if c.Kinds == nil {
		c.Kinds = []string{}
	}
	c.Counts = map[string]int{}
	return &c, nil
}

// ListChannels lists every channel with its deliveries counted by status.
func (n *Notifier) ListChannels(ctx context.Context, a *auth.Actor) ([]*Channel, error) {
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return nil, err
	}
	rows, err := n.DB.R.QueryContext(ctx, `SELECT `+channelCols+` FROM notify_channels c LEFT JOIN units u ON u.id = c.unit_id
		ORDER BY c.name, c.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Channel{}
	byID := map[int64]*Channel{}
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	crows, err := n.DB.R.QueryContext(ctx, `SELECT channel_id, status, COUNT(*) FROM notify_deliveries
		WHERE channel_id IS NOT NULL GROUP BY channel_id, status`)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	for crows.Next() {
		var id int64
		var status string
		var k int
		if err := crows.Scan(&id, &status, &k); err != nil {
			return nil, err
		}
		if c := byID[id]; c != nil {
			c.Counts[status] = k
		}
	}
	return out, crows.Err()
}

// GetChannel returns one channel.
func (n *Notifier) GetChannel(ctx context.Context, a *auth.Actor, id int64) (*Channel, error) {
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return nil, err
	}
	return getChannel(ctx, n.DB.R, id)
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getChannel(ctx context.Context, q queryRower, id int64) (*Channel, error) {
	c, err := scanChannel(q.QueryRowContext(ctx, `SELECT `+channelCols+` FROM notify_channels c
		LEFT JOIN units u ON u.id = c.unit_id WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("消息通道", "channel")
	}
	return c, err
}

// kindPattern is a message kind or prefix: "task", "task.", "task.remind".
var kindPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*\.?$`)

// channelState is a channel's stored fields while it is validated.
type channelState struct {
	name, kind, url, secret string
	unitID                  int64
	kinds                   []string
	active                  bool
}

// apply merges in into s and validates the result.
func (s *channelState) apply(ctx context.Context, w *audit.W, id int64, in ChannelInput) error {
	f := errs.Fields{}
	if in.Name != nil {
		s.name = strings.TrimSpace(*in.Name)
	}
	if in.Kind != nil {
		s.kind = *in.Kind
	}
	if in.URL != nil {
		s.url = strings.TrimSpace(*in.URL)
	}
	if in.Secret != nil {
		s.secret = strings.TrimSpace(*in.Secret)
	}
	if in.UnitID != nil {
		s.unitID = *in.UnitID
	}
	if in.Active != nil {
		s.active = *in.Active
	}
	if in.Kinds != nil {
		s.kinds = []string{}
		for _, k := range *in.Kinds {
			if k = strings.TrimSpace(k); k != "" && !slices.Contains(s.kinds, k) {
				s.kinds = append(s.kinds, k)
			}
		}
	}
	if s.name == "" || utf8.RuneCountInString(s.name) > 50 {
		f.Add("name", "通道名称不能为空且不超过50个字", "name is required, at most 50 characters")
	} else {
		var k int
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_channels WHERE name = $1 AND id <> $2`, s.name, id).Scan(&k); err != nil {
			return err
		}
		if k > 0 {
			f.Add("name", "通道名称“"+s.name+"”已存在", "name "+s.name+" is already used")
		}
	}
	if !slices.Contains(ChannelKinds, s.kind) {
		f.Add("kind", "通道类型应为钉钉、企业微信、飞书或通用 Webhook", "kind must be dingtalk, wecom, feishu or webhook")
	}
	if msg, en := checkURL(s.url); msg != "" {
		f.Add("url", msg, en)
	}
	if utf8.RuneCountInString(s.secret) > 200 {
		f.Add("secret", "密钥不超过200个字符", "secret is at most 200 characters")
	}
	if s.kind == KindWeCom && s.secret != "" {
		f.Add("secret", "企业微信群机器人没有签名密钥，地址中的 key 即凭证，请留空", "WeCom robots have no signing secret; leave it empty")
	}
	if s.unitID != 0 {
		var k int
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE id = $1`, s.unitID).Scan(&k); err != nil {
			return err
		}
		if k == 0 {
			f.Add("unit_id", "所选单位不存在", "the unit does not exist")
		}
	}
	if len(s.kinds) > 20 {
		f.Add("kinds", "消息类型最多20项", "at most 20 message kinds")
	}
	for _, k := range s.kinds {
		if len(k) > 50 || !kindPattern.MatchString(k) {
			f.Add("kinds", "消息类型“"+k+"”格式不正确，应如 task. 或 task.remind", "message kind "+k+" is malformed; use task. or task.remind")
		}
	}
	return f.Err()
}

// checkURL accepts an absolute http(s) URL with a host; it returns the
// problem in both languages, or "".
func checkURL(s string) (string, string) {
	if s == "" {
		return "请填写机器人的 Webhook 地址", "the webhook URL is required"
	}
	u, err := url.Parse(s)
	switch {
	case len(s) > 1000:
		return "地址不超过1000个字符", "the URL is at most 1000 characters"
	case err != nil || strings.ContainsAny(s, " \t\r\n"):
		return "地址格式不正确", "the URL is malformed"
	case u.Scheme != "http" && u.Scheme != "https":
		return "地址应以 https:// 或 http:// 开头", "the URL must start with https:// or http://"
	case u.Hostname() == "":
		return "地址缺少主机名", "the URL has no host"
	case u.User != nil:
		return "地址中不能包含用户名或密码", "the URL must not carry a user name or password"
	case u.Fragment != "":
		return "地址中不能包含 # 片段", "the URL must not have a fragment"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "地址的端口不正确", "the URL's port is invalid"
		}
	}
	return "", ""
}

// SaveChannel creates (id 0) or updates a channel.
func (n *Notifier) SaveChannel(ctx context.Context, a *auth.Actor, id int64, in ChannelInput) (*Channel, error) {
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return nil, err
	}
	var saved *Channel
	err := n.Audit.Write(ctx, a, func(w *audit.W) error {
		s := channelState{active: true, kinds: []string{}}
		var before *Channel
		if id != 0 {
			var err error
			if before, err = getChannel(ctx, w, id); err != nil {
				return err
			}
			var unit sql.NullInt64
			var kinds string
			if err := w.QueryRowContext(ctx, `SELECT name, kind, url, secret, unit_id, kinds, active FROM notify_channels
				WHERE id = $1`, id).Scan(&s.name, &s.kind, &s.url, &s.secret, &unit, &kinds, &s.active); err != nil {
				return err
			}
			s.unitID, s.kinds = unit.Int64, splitKinds(kinds)
		}
		if err := s.apply(ctx, w, id, in); err != nil {
			return err
		}
		args := []any{s.name, s.kind, s.url, s.secret, db.NullID(s.unitID), strings.Join(s.kinds, ","), s.active, w.Now()}
		action, summary := "notify_channel.update", "修改消息通道“"+s.name+"”"
		if id == 0 {
			if err := w.QueryRowContext(ctx, `INSERT INTO notify_channels (name, kind, url, secret, unit_id, kinds, active,
				created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, args...).Scan(&id); err != nil {
				return err
			}
			action, summary = "notify_channel.create", "新建消息通道“"+s.name+"”"
		} else if _, err := w.ExecContext(ctx, `UPDATE notify_channels SET name = $1, kind = $2, url = $3, secret = $4,
			unit_id = $5, kinds = $6, active = $7, updated_at = $8 WHERE id = $9`, append(args, id)...); err != nil {
			return err
		}
		var err error
		if saved, err = getChannel(ctx, w, id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: action, ObjectType: "notify_channel", ObjectID: idStr(id), UnitID: s.unitID,
			Summary: summary, Before: auditView(before), After: auditView(saved)})
	})
	return saved, err
}

// auditView is a channel as the trail keeps it: without the counts, and
// the URL without its query, which holds the robot's access token.
func auditView(c *Channel) any {
	if c == nil {
		return nil
	}
	v := *c
	v.Counts = nil
	if i := strings.IndexByte(v.URL, '?'); i >= 0 {
		v.URL = v.URL[:i] + "?…"
	}
	return v
}

// DeleteChannel removes a channel with its queued and logged deliveries.
func (n *Notifier) DeleteChannel(ctx context.Context, a *auth.Actor, id int64) error {
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return err
	}
	return n.Audit.Write(ctx, a, func(w *audit.W) error {
		c, err := getChannel(ctx, w, id)
		if err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM notify_deliveries WHERE channel_id = $1`, id); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM notify_channels WHERE id = $1`, id); err != nil {
			return err
		}
		var unit int64
		if c.UnitID != nil {
			unit = *c.UnitID
		}
		return w.Record(audit.Entry{Action: "notify_channel.delete", ObjectType: "notify_channel", ObjectID: idStr(id),
			UnitID: unit, Summary: "删除消息通道“" + c.Name + "”", Before: auditView(c)})
	})
}

// TestResult is the receiver's answer to a test message.
type TestResult struct {
	OK         bool   `json:"ok"`
	Status     int    `json:"status"` // HTTP status; 0 when no answer came
	Body       string `json:"body"`   // truncated
	Error      string `json:"error"`
	DurationMS int64  `json:"duration_ms"`
}

// TestChannel sends a test message to a channel at once (active or not)
// and returns the receiver's answer. The send is audited, not queued.
func (n *Notifier) TestChannel(ctx context.Context, a *auth.Actor, id int64) (*TestResult, error) {
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return nil, err
	}
	c, err := getChannel(ctx, n.DB.R, id)
	if err != nil {
		return nil, err
	}
	var t target
	if err := n.DB.R.QueryRowContext(ctx, `SELECT kind, url, secret FROM notify_channels WHERE id = $1`, id).
		Scan(&t.kind, &t.url, &t.secret); err != nil {
		return nil, err
	}
	now := n.Clock.Now().UTC()
	m := outMessage{Kind: KindTest, Title: "测试消息", Link: "/",
		Body:      "这是一条来自调度平台的测试消息，收到即表示通道“" + c.Name + "”配置正确。",
		CreatedAt: now, URL: absolute(n.BaseURL, "/")}
	start := time.Now() // the duration is for people, not a rule
	r := n.post(ctx, t, m)
	out := &TestResult{OK: r.err == nil, Status: r.status, Body: r.body, DurationMS: time.Since(start).Milliseconds()}
	if r.err != nil {
		out.Error = r.err.Error()
	}
	var unit int64
	if c.UnitID != nil {
		unit = *c.UnitID
	}
	summary := "测试消息通道“" + c.Name + "”：成功"
	if !out.OK {
		summary = "测试消息通道“" + c.Name + "”：失败（" + out.Error + "）"
	}
	if err := n.Audit.Append(ctx, a, audit.Entry{Action: "notify_channel.test", ObjectType: "notify_channel",
		ObjectID: idStr(id), UnitID: unit, Summary: summary, After: out}); err != nil {
		return nil, err
	}
	return out, nil
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }
