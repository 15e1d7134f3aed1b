package projects

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"diaodu/internal/attachments"
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

// Service is the key projects' rules and permissions.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Clock       clock.Clock
	Calendar    *calendar.Calendar
	Notify      *notify.Notifier
	Attachments *attachments.Service

	settings settings.Cached[Settings]
}

// New wires the service.
func New(d *db.DB, l *audit.Log, cal *calendar.Calendar, n *notify.Notifier, att *attachments.Service) *Service {
	return &Service{DB: d, Audit: l, Clock: l.Clock, Calendar: cal, Notify: n, Attachments: att,
		settings: settings.Cached[Settings]{Key: settingsKey, Default: func() Settings { return DefaultSettings }}}
}

const settingsKey = "projects.settings"

// current returns the settings (cached).
func (s *Service) current(ctx context.Context) (Settings, error) {
	return s.settings.Get(ctx, s.DB.Read)
}

// GetSettings returns the categories, thresholds and report day; everyone
// who sees projects reads them (the forms need the categories).
func (s *Service) GetSettings(ctx context.Context, a *auth.Actor) (Settings, error) {
	if err := auth.Require(a, auth.ViewProjects); err != nil {
		return Settings{}, err
	}
	return s.settings.Reload(ctx, s.DB.Read)
}

func (st *Settings) validate() error {
	f := errs.Fields{}
	cats := []string{}
	for _, c := range st.Categories {
		if c = strings.TrimSpace(c); c != "" && !contains(cats, c) {
			if len([]rune(c)) > 20 {
				f.Add("categories", "项目类别名称不能超过20个字", "a category may not exceed 20 characters")
			}
			cats = append(cats, c)
		}
	}
	st.Categories = cats
	if len(cats) == 0 {
		f.Add("categories", "至少需要一个项目类别", "at least one category is required")
	}
	between := func(field, name string, v, lo, hi int) {
		if v < lo || v > hi {
			f.Add(field, fmt.Sprintf("%s应为%d到%d", name, lo, hi), fmt.Sprintf("%s must be %d to %d", field, lo, hi))
		}
	}
	between("report_day", "月报截止日", st.ReportDay, 1, 31)
	between("remind_days", "月报截止前提醒（工作日）", st.RemindDays, 0, 10)
	between("warn_days", "节点预警（工作日）", st.WarnDays, 0, 30)
	between("behind_percent", "滞后阈值（%）", st.BehindPercent, 0, 100)
	between("ahead_percent", "超前阈值（%）", st.AheadPercent, 0, 100)
	between("coordination_days", "协调事项答复时限（工作日）", st.CoordinationDays, 1, 60)
	if st.LargeYuan <= 0 || st.HugeYuan <= st.LargeYuan {
		f.Add("huge_yuan", "规模分档应为正数，且第二档大于第一档", "size bands must be positive and increasing")
	}
	return f.Err()
}

// PutSettings changes the settings and recomputes every light and pace.
func (s *Service) PutSettings(ctx context.Context, a *auth.Actor, in Settings) (Settings, error) {
	if err := auth.Require(a, auth.ProjectSettings); err != nil {
		return Settings{}, err
	}
	if err := in.validate(); err != nil {
		return Settings{}, err
	}
	err := s.settings.Save(ctx, s.Audit, a, in, "projects.settings", "修改重点项目设置")
	if err != nil {
		return Settings{}, err
	}
	_, err = s.RecomputeAll(ctx, auth.System("projects.settings"))
	return in, err
}

// querier reads inside or outside a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

var notFound = errs.NotFoundf("重点项目", "project")

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func today(now time.Time) calendar.Date { return calendar.DateOf(now) }

// md is "9月30日".
func md(d calendar.Date) string { return fmt.Sprintf("%d月%d日", d.Month(), d.Day()) }

// wan shows yuan as 万元 ("1234.5万元") or 亿元 from 1亿 up.
func wan(yuan int64) string {
	trim := func(v float64) string {
		s := strconv.FormatFloat(v, 'f', 2, 64)
		return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	if yuan >= 100_000_000 || yuan <= -100_000_000 {
		return trim(float64(yuan)/1e8) + "亿元"
	}
	return trim(float64(yuan)/1e4) + "万元"
}

// nullTime scans a nullable timestamp (db.NullTime).
type nullTime = db.NullTime

func floatPtr(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	v := n.Float64
	return &v
}

func nullFloat(p *float64) sql.NullFloat64 {
	if p == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *p, Valid: true}
}

func dateArg(d calendar.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// inList returns "$n, …" for ids appended to args.
func inList(args *db.Args, ids []int64) string { return args.In(ids) }

// send notifies inside the caller's transaction.
func (s *Service) send(ctx context.Context, w *audit.W, m notify.Message) error {
	if s.Notify == nil {
		return nil
	}
	_, err := s.Notify.Send(ctx, w, m)
	return err
}

func projectLink(id int64) string { return "/projects/" + idStr(id) }

func maskPhone(p string) string { return org.MaskPhone(p) }

// monthOf parses "2026-05".
func monthOf(s string) (calendar.Date, bool) {
	d, err := calendar.ParseDate(strings.TrimSpace(s) + "-01")
	if err != nil || len(strings.TrimSpace(s)) != 7 {
		return calendar.Date{}, false
	}
	return d, true
}

func monthKey(d calendar.Date) string { return fmt.Sprintf("%04d-%02d", d.Year(), int(d.Month())) }

// dueOn is the day a month's report is due: the report day, clamped to
// the month's end.
func dueOn(month calendar.Date, day int) calendar.Date {
	last := month.LastOfMonth()
	if day > last.Day() {
		return last
	}
	return calendar.NewDate(month.Year(), month.Month(), day)
}

// owedMonth is the latest month whose report's due day has passed on day.
func owedMonth(day calendar.Date, reportDay int) calendar.Date {
	m := day.FirstOfMonth()
	if !day.After(dueOn(m, reportDay)) {
		m = m.AddMonths(-1)
	}
	return m
}

// reportMonth is the month a report filed on day is for by default: the
// current month until its due day, then still the current month.
func reportMonth(day calendar.Date) calendar.Date { return day.FirstOfMonth() }

func parseDay(s string) (calendar.Date, error) { return calendar.ParseDate(s) }
