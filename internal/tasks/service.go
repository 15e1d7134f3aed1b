package tasks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/notify"
	"diaodu/internal/platform/settings"
)

// Service is supervision's rules and permissions.
type Service struct {
	DB       *db.DB
	Audit    *audit.Log
	Clock    clock.Clock
	Calendar *calendar.Calendar
	Notify   *notify.Notifier

	settings settings.Cached[Settings]
	mu       sync.Mutex // guards lightsDone
	// lightsDone is the day, settings and calendar of the last full
	// recompute on this replica.
	lightsDone lightsMark

	qmu    sync.Mutex
	queues map[string]*createQueue // creates waiting to be written, by actor
}

// New wires the service.
func New(d *db.DB, l *audit.Log, cal *calendar.Calendar, n *notify.Notifier) *Service {
	return &Service{DB: d, Audit: l, Clock: l.Clock, Calendar: cal, Notify: n,
		settings: settings.Cached[Settings]{Key: settingsKey, Default: func() Settings { return DefaultSettings }}}
}

// settingsKey is where the supervision office's settings live.
const settingsKey = "tasks.settings"

// current returns the settings (cached: every create and light asks).
func (s *Service) current(ctx context.Context) (Settings, error) {
	return s.settings.Get(ctx, s.DB.Read)
}

// GetSettings returns the thresholds and prefixes.
func (s *Service) GetSettings(ctx context.Context, a *auth.Actor) (Settings, error) {
	if err := auth.Require(a, auth.ManageTasks); err != nil {
		return Settings{}, err
	}
	return s.settings.Reload(ctx, s.DB.Read)
}

var hhmm = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

func (st Settings) validate() error {
	f := errs.Fields{}
	prefix := func(field, name, v string) {
		if n := utf8.RuneCountInString(strings.TrimSpace(v)); n == 0 || n > 10 {
			f.Add(field, name+"不能为空，且不超过10个字", field+" is required, at most 10 characters")
		}
	}
	prefix("number_prefix", "督办编号前缀", st.NumberPrefix)
	prefix("notice_prefix", "督办单编号前缀", st.NoticePrefix)
	between := func(field, name string, v, lo, hi int) {
		if v < lo || v > hi {
			f.Add(field, fmt.Sprintf("%s应为%d到%d", name, lo, hi), fmt.Sprintf("%s must be %d to %d", field, lo, hi))
		}
	}
	between("sign_days", "签收时限（工作日）", st.SignDays, 0, 30)
	between("warn_days", "临期预警（工作日）", st.WarnDays, 0, 30)
	between("lag_percent", "进度滞后阈值（百分点）", st.LagPercent, 1, 100)
	between("coordination_days", "协调事项答复时限（工作日）", st.CoordinationDays, 1, 60)
	if utf8.RuneCountInString(st.OfficeName) > 30 {
		f.Add("office_name", "督查室名称不能超过30个字", "office_name may not exceed 30 characters")
	}
	if !hhmm.MatchString(st.RemindAt) {

		f.Add("remind_at", "自动催办时间应为 HH:MM，例如 09:00", "remind_at must be HH:MM, e.g. 09:00")
	}
	return f.Err()
}

// remindClock is the hour and minute of the daily reminders.
func (st Settings) remindClock() (int, int) {
	h, _ := strconv.Atoi(st.RemindAt[:2])
	m, _ := strconv.Atoi(st.RemindAt[3:])
	return h, m
}

// PutSettings changes the settings; fields absent from in keep their value
// (the handler decodes onto the current settings).
func (s *Service) PutSettings(ctx context.Context, a *auth.Actor, in Settings) (Settings, error) {
	if err := auth.Require(a, auth.ManageTasks); err != nil {
		return Settings{}, err
	}
	in.NumberPrefix, in.NoticePrefix = strings.TrimSpace(in.NumberPrefix), strings.TrimSpace(in.NoticePrefix)
	in.OfficeName = strings.TrimSpace(in.OfficeName)
	if err := in.validate(); err != nil {
		return Settings{}, err
	}
	err := s.settings.Save(ctx, s.Audit, a, in, "tasks.settings", "修改督查督办设置")
	if err != nil {
		return Settings{}, err
	}
	return in, nil
}

// today is the business day of now.
func today(now time.Time) calendar.Date { return calendar.DateOf(now) }

// event writes a line of a task's timeline.
func event(ctx context.Context, w *audit.W, taskID int64, kind, summary, note string) error {
	a := w.Actor()
	name := actorName(a)
	var uid int64
	if a != nil {
		uid = a.UserID
	}
	_, err := w.ExecContext(ctx, `INSERT INTO task_events (task_id, kind, summary, note, actor_id, actor_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, taskID, kind, summary, note, db.NullID(uid), name, w.Now())
	return err
}

// actorName is how the timeline names who acted.
func actorName(a *auth.Actor) string {
	switch {
	case a == nil:
		return ""
	case a.UserID == 0:
		return "系统"
	case a.RealName != "":
		return a.RealName
	}
	return a.Username
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// joinIDs stores a list of ids as "1,2,3".
func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = idStr(id)
	}
	return strings.Join(parts, ",")
}

// splitIDs reads "1,2,3".
func splitIDs(s string) []int64 {
	out := []int64{}
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// inList returns "$n, …" for ids appended to args.
func inList(args *db.Args, ids []int64) string { return args.In(ids) }

// querier reads inside or outside a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// notFound is the error for a task that does not exist or is out of scope.
var notFound = errs.NotFoundf("督办任务", "task")

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// send notifies inside the caller's transaction.
func (s *Service) send(ctx context.Context, w *audit.W, m notify.Message) error {
	if s.Notify == nil {
		return nil
	}
	_, err := s.Notify.Send(ctx, w, m)
	return err
}

// taskLink is the page of a task in the web app.
func taskLink(id int64) string { return "/supervision/tasks/" + idStr(id) }

// myWorkLink is the page listing what a unit must sign and report.
const myWorkLink = "/supervision/my-work"

// md is "9月30日".
func md(d calendar.Date) string { return fmt.Sprintf("%d月%d日", d.Month(), d.Day()) }

// nullTime scans a nullable timestamp (db.NullTime).
type nullTime = db.NullTime

// dateArg stores a date for CopyFrom: pgx wants plain values.
func dateArg(d calendar.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// timeArg stores an optional time.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// maskPhone hides the middle of a phone number for roles that may not see it.
func maskPhone(p string) string { return org.MaskPhone(p) }

// keepIfMasked keeps the stored number when a form sent its masked form back.
func keepIfMasked(newVal, old string) string {
	if strings.Contains(newVal, "*") && newVal == org.MaskPhone(old) {
		return old
	}
	return newVal
}
