package safety

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"diaodu/internal/attachments"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/notify"
	"diaodu/internal/platform/settings"
	"diaodu/internal/registry"
)

// Service is the module's rules and permissions.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Clock       clock.Clock
	Calendar    *calendar.Calendar
	Notify      *notify.Notifier
	Attachments *attachments.Service
	Registry    *registry.Service

	settings settings.Cached[Settings]
}

// New wires the service.
func New(d *db.DB, l *audit.Log, cal *calendar.Calendar, n *notify.Notifier, att *attachments.Service, reg *registry.Service) *Service {
	return &Service{DB: d, Audit: l, Clock: l.Clock, Calendar: cal, Notify: n, Attachments: att, Registry: reg,
		settings: settings.Cached[Settings]{Key: settingsKey, Default: defaultSettings}}
}

const settingsKey = "safety.settings"

// DefaultKeyIndustries are what a holiday puts first: road transport,
// tourism and crowded places (registry industry codes).
var DefaultKeyIndustries = []string{"transport", "tourism", "crowded"}

func defaultSettings() Settings {
	return Settings{KeyPeriod: KeyPeriod{Industries: slices.Clone(DefaultKeyIndustries)}, EscalateAfterDays: 5, DefaultDeadline: 10,
		ChecklistTemplates: []Checklist{}}
}

// today is the business day now.
func (s *Service) today() calendar.Date { return calendar.DateOf(s.Clock.Now()) }

// GetSettings returns the settings; everyone who sees the module reads them.
func (s *Service) GetSettings(ctx context.Context, a *auth.Actor) (Settings, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return Settings{}, err
	}
	return s.settings.Reload(ctx, s.DB.Read)
}

// PutSettings changes the key period and the escalation threshold.
func (s *Service) PutSettings(ctx context.Context, a *auth.Actor, in Settings) (Settings, error) {
	if err := auth.Require(a, auth.SafetyOffice); err != nil {
		return Settings{}, err
	}
	inds, err := s.Registry.Industries(ctx)
	if err != nil {
		return Settings{}, err
	}
	f := errs.Fields{}
	kp := &in.KeyPeriod
	kp.Name = strings.TrimSpace(kp.Name)
	if utf8.RuneCountInString(kp.Name) > 30 {
		f.Add("key_period.name", "重点时段名称不能超过30个字", "the name may not exceed 30 characters")
	}
	if kp.Name != "" && (kp.From.IsZero() || kp.To.IsZero()) {
		f.Add("key_period.from", "请填写重点时段的起止日期", "from and to are required")
	} else if !kp.From.IsZero() && !kp.To.IsZero() && kp.To.Before(kp.From) {
		f.Add("key_period.to", "重点时段的结束日期不能早于开始日期", "to may not be before from")
	}
	kp.Industries = checkIndustries(f, "key_period.industries", kp.Industries, inds)
	if in.EscalateAfterDays < 1 || in.EscalateAfterDays > 60 {
		f.Add("escalate_after_days", "逾期升级天数应为1到60个工作日", "escalate_after_days must be 1 to 60")
	}
	if in.DefaultDeadline < 1 || in.DefaultDeadline > 120 {
		f.Add("default_deadline_days", "默认整改期限应为1到120个工作日", "default_deadline_days must be 1 to 120")
	}
	if in.ChecklistTemplates == nil {
		in.ChecklistTemplates = []Checklist{}
	}
	checkChecklists(f, "checklist_templates", in.ChecklistTemplates, inds)
	if err := f.Err(); err != nil {
		return Settings{}, err
	}
	err = s.settings.Save(ctx, s.Audit, a, in, "safety.settings", "修改安全生产设置（重点时段、逾期升级）")
	if err != nil {
		return Settings{}, err
	}
	return in, nil
}

// checkIndustries keeps known industry codes (or names), once each.
func checkIndustries(f errs.Fields, field string, in []string, inds []registry.Industry) []string {
	out := []string{}
	for _, c := range in {
		c = strings.TrimSpace(c)
		code := ""
		for _, x := range inds {
			if x.Code == c || x.Name == c {
				code = x.Code
			}
		}
		if code == "" {
			f.Add(field, "未知的行业："+c, "unknown industry "+c)
			continue
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}

// --- scope -----------------------------------------------------------------

// visible tells whether the actor sees an enterprise (or its hazards) with
// these town and supervising-unit paths: district roles all; unit roles
// when either lies in their subtree; village staff when the town is their
// village's town.
func visible(a *auth.Actor, townPath, supPath string) bool {
	if a.DistrictWide() {
		return true
	}
	return (townPath != "" && (a.InScope(townPath) || slices.Contains(ancestors(a.UnitPath), townPath))) ||
		(supPath != "" && a.InScope(supPath))
}

// ancestors are the paths above p, without the root (the district), so a
// village's staff reach their town's enterprises but a department's staff
// do not reach the whole district.
func ancestors(p string) []string {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	var out []string
	for i := 2; i < len(parts); i++ {
		out = append(out, "/"+strings.Join(parts[:i], "/")+"/")
	}
	return out
}

// scopeSQL is visible as SQL on the given path columns.
func scopeSQL(a *auth.Actor, townCol, supCol string, args *db.Args) string {
	return scopeAnd(a, townCol, supCol, args, "")
}

// scopeAnd is visible AND cond, with cond repeated inside each branch of
// the scope: SQLite then reads each branch from its path index and checks
// cond there, instead of looking up every row of a town first.
func scopeAnd(a *auth.Actor, townCol, supCol string, args *db.Args, cond string) string {
	and := ""
	if cond != "" {
		and = " AND " + cond
	}
	if a.DistrictWide() {
		return "(TRUE" + and + ")"
	}
	c1, a1 := auth.SubtreeFilter(townCol, a.UnitPath, len(*args)+1)
	*args = append(*args, a1...)
	c2, a2 := auth.SubtreeFilter(supCol, a.UnitPath, len(*args)+1)
	*args = append(*args, a2...)
	branches := []string{c1, c2}
	if anc := ancestors(a.UnitPath); len(anc) > 0 {
		ph := make([]string, len(anc))
		for i, p := range anc {
			ph[i] = args.Add(p)
		}
		branches = append(branches, townCol+" IN ("+strings.Join(ph, ", ")+")")
	}
	for i, b := range branches {
		branches[i] = "(" + b + and + ")"
	}
	return "(" + strings.Join(branches, " OR ") + ")"
}

// require checks view permission and scope (out of scope: not found), then
// p (forbidden).
func require(a *auth.Actor, p auth.Permission, townPath, supPath string, nf error) error {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return err
	}
	if !visible(a, townPath, supPath) {
		return nf
	}
	return auth.Require(a, p)
}

// --- small helpers ---------------------------------------------------------

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func conflict(zh, en string) error { return errs.Conflictf(zh, en) }

// text trims v and checks its length (runes); required when min > 0.
func text(f errs.Fields, field, name, v string, min, max int) string {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0 && min > 0:
		f.Add(field, "请填写"+name, field+" is required")
	case n > max:
		f.Add(field, fmt.Sprintf("%s不能超过%d个字", name, max), fmt.Sprintf("%s may not exceed %d characters", field, max))
	}
	return v
}

// joinIDs stores a list of ids as "1,2,3".
func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = idStr(id)
	}
	return strings.Join(s, ",")
}

func splitIDs(s string) []int64 {
	out := []int64{}
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// inList adds ids to args and returns the placeholders of an IN (…).
func inList(args *db.Args, ids []int64) string { return args.In(ids) }

// nullTime scans a nullable timestamp (db.NullTime).
type nullTime = db.NullTime

func rate(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(int(float64(a)/float64(b)*1000+0.5)) / 1000
}
