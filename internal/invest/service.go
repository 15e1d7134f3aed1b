package invest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	"diaodu/internal/projects"
)

// Service is investment attraction's rules and permissions.
type Service struct {
	DB       *db.DB
	Audit    *audit.Log
	Clock    clock.Clock
	Calendar *calendar.Calendar
	Notify   *notify.Notifier
	// Projects creates the key project a signed lead converts into.
	Projects *projects.Service

	settings settings.Cached[Settings]
	mu       sync.Mutex // guards lightsDone
	// lightsDay is the day, settings and calendar of the last full
	// recompute on this replica.
	lightsDone lightsMark
}

// New wires the service.
func New(d *db.DB, l *audit.Log, cal *calendar.Calendar, n *notify.Notifier, p *projects.Service) *Service {
	return &Service{DB: d, Audit: l, Clock: l.Clock, Calendar: cal, Notify: n, Projects: p,
		settings: settings.Cached[Settings]{Key: settingsKey, Fill: (*Settings).fill, Default: func() Settings {
			st := DefaultSettings
			st.IdleDays = cloneDays(DefaultSettings.IdleDays)
			return st
		}}}
}

const settingsKey = "invest.settings"

// current returns the settings (cached).
func (s *Service) current(ctx context.Context) (Settings, error) {
	return s.settings.Get(ctx, s.DB.Read)
}

func cloneDays(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// fill completes settings saved before a stage or node existed.
func (st *Settings) fill() {
	if st.IdleDays == nil {
		st.IdleDays = map[string]int{}
	}
	for k, v := range DefaultSettings.IdleDays {
		if _, ok := st.IdleDays[k]; !ok {
			st.IdleDays[k] = v
		}
	}
	if len(st.Schedule) == 0 {
		st.Schedule = append([]ScheduleNode(nil), DefaultSettings.Schedule...)
	}
}

// GetSettings returns the settings.
func (s *Service) GetSettings(ctx context.Context, a *auth.Actor) (Settings, error) {
	if err := auth.Require(a, auth.ViewInvest); err != nil {
		return Settings{}, err
	}
	return s.settings.Reload(ctx, s.DB.Read)
}

func (st Settings) validate() error {
	f := errs.Fields{}
	for _, sg := range Stages {
		d, ok := st.IdleDays[sg.Code]
		if !ok || d < 0 || d > 250 {
			f.Add("idle_days."+sg.Code, "“"+sg.Name+"”阶段停滞时限应为0到250个工作日（0为不限）", "idle_days."+sg.Code+" must be 0 to 250")
		}
	}
	for k := range st.IdleDays {
		if StageRank(k) < 0 {
			f.Add("idle_days", "未知阶段“"+k+"”", "unknown stage "+k)
		}
	}
	if st.YellowPoints < 1 || st.YellowPoints > 100 {
		f.Add("yellow_points", "黄灯阈值应为1到100个百分点", "yellow_points must be 1 to 100")
	}
	if st.RedPoints < 1 || st.RedPoints > 100 || st.RedPoints <= st.YellowPoints {
		f.Add("red_points", "红灯阈值应为1到100个百分点，且大于黄灯阈值", "red_points must be 1 to 100 and above yellow_points")
	}
	if st.BigAmount < 1_000_000 || st.BigAmount > MaxLead {
		f.Add("big_amount", "大项目标准应为100万元到1000亿元", "big_amount must be 1 million to 100 billion yuan")
	}
	if len(st.Schedule) == 0 || len(st.Schedule) > 20 {
		f.Add("schedule", "倒排工期节点应为1到20个", "schedule needs 1 to 20 nodes")
	}
	seen := map[string]bool{}
	for i, n := range st.Schedule {
		field := fmt.Sprintf("schedule.%d", i)
		name := strings.TrimSpace(n.Name)
		switch {
		case name == "" || utf8.RuneCountInString(name) > 30:
			f.Add(field, fmt.Sprintf("第%d个节点名称不能为空，且不超过30个字", i+1), "node name is required, at most 30 characters")
		case seen[name]:
			f.Add(field, "节点“"+name+"”重复", "duplicate node "+name)
		case n.OffsetDays < -750 || n.OffsetDays > 1500:
			f.Add(field, "节点“"+name+"”距开工的工作日应在-750到1500之间", "offset_days must be -750 to 1500")
		case i > 0 && n.OffsetDays < st.Schedule[i-1].OffsetDays:
			f.Add(field, "节点“"+name+"”不能早于上一个节点", "nodes must be in time order")
		}
		seen[name] = true
	}
	return f.Err()
}

// PutSettings changes the settings.
func (s *Service) PutSettings(ctx context.Context, a *auth.Actor, in Settings) (Settings, error) {
	if err := auth.Require(a, auth.InvestSettings); err != nil {
		return Settings{}, err
	}
	for i := range in.Schedule {
		in.Schedule[i].Name = strings.TrimSpace(in.Schedule[i].Name)
	}
	if err := in.validate(); err != nil {
		return Settings{}, err
	}
	err := s.settings.Save(ctx, s.Audit, a, in, "invest.settings", "修改招商引资设置")
	if err != nil {
		return Settings{}, err
	}
	return in, nil
}

// today is the business day of now.
func today(now time.Time) calendar.Date { return calendar.DateOf(now) }

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// querier reads inside or outside a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// notFound is the error for a lead that does not exist or is out of scope.
var notFound = errs.NotFoundf("招商线索", "lead")

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

// wan writes yuan as 万元 ("1,250万元"), or 亿元 from 1亿 up.
func wan(yuan int64) string {
	if yuan >= 100_000_000 || yuan <= -100_000_000 {
		return strconv.FormatFloat(float64(yuan)/1e8, 'f', -1, 64) + "亿元"
	}
	return strconv.FormatFloat(float64(yuan)/1e4, 'f', -1, 64) + "万元"
}

// dateArg stores an optional date.
func dateArg(d calendar.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// nullDate scans an optional date.
type nullDate struct{ D calendar.Date }

func (n *nullDate) Scan(v any) error {
	var s sql.NullString
	if err := s.Scan(v); err != nil {
		return err
	}
	n.D = calendar.Date{}
	if s.Valid && s.String != "" {
		d, err := calendar.ParseDate(s.String)
		if err != nil {
			return err
		}
		n.D = d
	}
	return nil
}

// maskPhone hides the middle of a phone number.
func maskPhone(p string) string { return org.MaskPhone(p) }

// keepIfMasked keeps the stored number when a form sent its masked form back.
func keepIfMasked(newVal, old string) string {
	if strings.Contains(newVal, "*") && newVal == org.MaskPhone(old) {
		return old
	}
	return newVal
}

// leadLink is the page of a lead in the web app.
func leadLink(id int64) string { return "/invest/leads/" + idStr(id) }

// send notifies inside the caller's transaction.
func (s *Service) send(ctx context.Context, w *audit.W, m notify.Message) error {
	if s.Notify == nil {
		return nil
	}
	_, err := s.Notify.Send(ctx, w, m)
	return err
}

// unitInfo is what the rules need of a unit.
type unitInfo struct {
	ID     int64
	Name   string
	Kind   string
	Path   string
	Active bool
}

func loadUnit(ctx context.Context, q querier, id int64) (*unitInfo, error) {
	u := &unitInfo{ID: id}
	err := q.QueryRowContext(ctx, `SELECT name, kind, path, active FROM units WHERE id = $1`, id).Scan(&u.Name, &u.Kind, &u.Path, &u.Active)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}
