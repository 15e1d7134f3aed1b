package tasks

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/notify"
)

// ManyError is the validation failure of one input of CreateMany, by its
// index in the slice given (an importer maps it back to a row).
type ManyError struct {
	Index  int
	Fields errs.Fields
}

// ManyErrors lists every failing input; CreateMany returns it as its error
// and writes nothing.
type ManyErrors []ManyError

func (m ManyErrors) Error() string {
	if len(m) == 0 {
		return "no errors"
	}
	first := m[0]
	keys := make([]string, 0, len(first.Fields))
	for k := range first.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return fmt.Sprintf("%d个任务有误，第%d个：%s", len(m), first.Index+1, first.Fields[keys[0]].ZH)
}

// unitRef, userRef and sourceRef are what validation needs to know.
type unitRef struct {
	ID     int64
	Name   string
	Path   string
	Active bool
}

type userRef struct {
	ID     int64
	Name   string
	Active bool
	Leader bool
}

type sourceRef struct {
	ID    int64
	Title string
	Kind  string
}

// refs holds the units, users and sources a batch of inputs names, loaded
// with one query each.
type refs struct {
	units   map[int64]unitRef
	users   map[int64]userRef
	sources map[int64]sourceRef
}

func loadRefs(ctx context.Context, q querier, unitIDs, userIDs, sourceIDs []int64) (*refs, error) {
	r := &refs{units: map[int64]unitRef{}, users: map[int64]userRef{}, sources: map[int64]sourceRef{}}
	// One statement for the three kinds (every create asks): rows tagged by kind.
	var args db.Args
	var parts []string
	for _, p := range []struct {
		ids []int64
		q   string
	}{
		{unitIDs, `SELECT 'u', id, name, path, active FROM units WHERE id IN (%s)`},
		{userIDs, `SELECT 'p', id, real_name, roles, active FROM users WHERE id IN (%s)`},
		{sourceIDs, `SELECT 's', id, title, kind, TRUE FROM task_sources WHERE id IN (%s)`},
	} {
		if ids := uniq(p.ids); len(ids) > 0 {
			parts = append(parts, fmt.Sprintf(p.q, inList(&args, ids)))
		}
	}
	if len(parts) == 0 {
		return r, nil
	}
	rows, err := q.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, name, extra string
		var id int64
		var active bool
		if err := rows.Scan(&kind, &id, &name, &extra, &active); err != nil {
			return nil, err
		}
		switch kind {
		case "u":
			r.units[id] = unitRef{ID: id, Name: name, Path: extra, Active: active}
		case "p":
			r.users[id] = userRef{ID: id, Name: name, Active: active, Leader: slices.Contains(strings.Split(extra, ","), string(auth.Leader))}
		case "s":
			r.sources[id] = sourceRef{ID: id, Title: name, Kind: extra}
		}
	}
	return r, rows.Err()
}

// refsFor loads what a batch of inputs (and the tasks they patch) names.
func refsFor(ctx context.Context, q querier, base []*fields, ins []*TaskInput) (*refs, error) {
	var units, users, sources []int64
	for i, in := range ins {
		if in.LeadUnitID != nil {
			units = append(units, *in.LeadUnitID)
		}
		if in.CoUnitIDs != nil {
			units = append(units, *in.CoUnitIDs...)
		}
		if in.LeaderIDs != nil {
			users = append(users, *in.LeaderIDs...)
		}
		if in.SourceID != nil {
			sources = append(sources, *in.SourceID)
		}
		if base != nil && base[i] != nil {
			units = append(append(units, base[i].LeadUnitID), base[i].CoUnitIDs...)
			users = append(users, base[i].LeaderIDs...)
			sources = append(sources, base[i].SourceID)
		}
	}
	return loadRefs(ctx, q, units, users, sources)
}

func uniq(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// fields is a task's editable state: TaskInput applied onto it.
type fields struct {
	SourceID         int64
	Title            string
	Requirements     string
	Kind             string
	ReportCycle      string
	LeaderIDs        []int64
	LeadUnitID       int64
	CoUnitIDs        []int64
	ResponsibleName  string
	ResponsiblePhone string
	Tags             []string
	StartOn          calendar.Date
	Deadline         calendar.Date
	Milestones       []MilestoneInput
}

// apply copies the set fields of in.
func (fl *fields) apply(in *TaskInput) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	if in.SourceID != nil {
		fl.SourceID = *in.SourceID
	}
	set(&fl.Title, in.Title)
	set(&fl.Requirements, in.Requirements)
	set(&fl.Kind, in.Kind)
	set(&fl.ReportCycle, in.ReportCycle)
	set(&fl.ResponsibleName, in.ResponsibleName)
	if in.ResponsiblePhone != nil {
		fl.ResponsiblePhone = keepIfMasked(strings.TrimSpace(*in.ResponsiblePhone), fl.ResponsiblePhone)
	}
	if in.LeaderIDs != nil {
		fl.LeaderIDs = dedupe(*in.LeaderIDs)
	}
	if in.LeadUnitID != nil {
		fl.LeadUnitID = *in.LeadUnitID
	}
	if in.CoUnitIDs != nil {
		fl.CoUnitIDs = dedupe(*in.CoUnitIDs)
	}
	if in.Tags != nil {
		fl.Tags = []string{}
		for _, t := range *in.Tags {
			if t = strings.TrimSpace(t); t != "" && !slices.Contains(fl.Tags, t) {
				fl.Tags = append(fl.Tags, t)
			}
		}
	}
	if in.StartOn != nil {
		fl.StartOn = *in.StartOn
	}
	if in.Deadline != nil {
		fl.Deadline = *in.Deadline
	}
	if in.Milestones != nil {
		fl.Milestones = make([]MilestoneInput, len(*in.Milestones))
		for i, m := range *in.Milestones {
			m.Name = strings.TrimSpace(m.Name)
			if m.Weight == 0 {
				m.Weight = 1 // not given
			}
			fl.Milestones[i] = m
		}
	}
}

// dedupe keeps the first of each id, in order.
func dedupe(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

var phonePattern = regexp.MustCompile(`^[0-9+\-() ]{5,20}$`)

// parentTask is what a subtask's rules need of its parent.
type parentTask struct {
	ID         int64
	Number     string
	SourceID   int64
	LeadUnitID int64
	LeadPath   string
	CoUnitIDs  []int64
	StartOn    calendar.Date
	Deadline   calendar.Date
	Status     string
}

// mayLeadSubtask tells whether a unit may lead (or co-operate on) a
// subtask of p: a co-unit of p, or a unit in the subtree of p's lead unit.
func (p *parentTask) mayTake(u unitRef) bool {
	return slices.Contains(p.CoUnitIDs, u.ID) || strings.HasPrefix(u.Path, p.LeadPath)
}

// check validates the fields against the references and the actor's
// scope; parent is set for subtasks.
func (fl *fields) check(r *refs, a *auth.Actor, parent *parentTask) errs.Fields {
	f := errs.Fields{}
	switch n := utf8.RuneCountInString(fl.Title); {
	case n == 0:
		f.Add("title", "任务名称不能为空", "title is required")
	case n > 200:
		f.Add("title", "任务名称不能超过200个字", "title may not exceed 200 characters")
	}
	if utf8.RuneCountInString(fl.Requirements) > 5000 {
		f.Add("requirements", "具体目标/措施不能超过5000个字", "requirements may not exceed 5000 characters")
	}
	switch fl.Kind {
	case KindOnce, KindPeriodic, KindLongTerm:
	default:
		f.Add("kind", "任务类型应为：一次性、定期反馈、长期坚持 之一", "kind must be once, periodic or longterm")
	}
	if fl.ReportCycle != "" && !slices.Contains([]string{"week", "fortnight", "month"}, fl.ReportCycle) {
		f.Add("report_cycle", "反馈周期应为：每周、每两周、每月 之一", "report_cycle must be week, fortnight or month")
	} else if fl.Kind == KindPeriodic && fl.ReportCycle == "" {
		f.Add("report_cycle", "定期反馈的任务请选择反馈周期", "a periodic task needs a report cycle")
	}
	if fl.StartOn.IsZero() {
		f.Add("start_on", "请填写开始日期", "start_on is required")
	}
	switch {
	case fl.Kind == KindLongTerm && !fl.Deadline.IsZero():
		f.Add("deadline", "长期坚持的任务不设完成时限", "a long-term task has no deadline")
	case fl.Kind != KindLongTerm && fl.Deadline.IsZero():
		f.Add("deadline", "请填写完成时限", "deadline is required")
	case !fl.Deadline.IsZero() && !fl.StartOn.IsZero() && fl.Deadline.Before(fl.StartOn):
		f.Add("deadline", "完成时限不能早于开始日期（"+fl.StartOn.String()+"）", "the deadline is before the start")
	case parent != nil && !parent.Deadline.IsZero() && (fl.Deadline.IsZero() || fl.Deadline.After(parent.Deadline)):
		f.Add("deadline", "子任务的完成时限不能晚于主任务的完成时限（"+parent.Deadline.String()+"）",
			"a subtask's deadline may not be after its parent's")
	}
	if parent == nil {
		if fl.SourceID == 0 {
			f.Add("source_id", "请选择任务来源（会议、领导批示或年度计划）", "choose the task's source")
		} else if _, ok := r.sources[fl.SourceID]; !ok {
			f.Add("source_id", "任务来源不存在", "the source does not exist")
		}
	}
	// Units: exist, active, in scope (subtasks: a co-unit of the parent or
	// within its lead unit's subtree).
	inReach := func(u unitRef) bool {
		if parent != nil {
			return parent.mayTake(u)
		}
		return a.InScope(u.Path)
	}
	lead, ok := r.units[fl.LeadUnitID]
	switch {
	case fl.LeadUnitID == 0:
		f.Add("lead_unit_id", "请选择牵头单位", "choose the lead unit")
	case !ok || !inReach(lead):
		if parent != nil {
			f.Add("lead_unit_id", "子任务的牵头单位应为主任务的配合单位或本单位的下级单位", "a subtask goes to a co-unit or a sub-unit")
		} else {
			f.Add("lead_unit_id", "牵头单位不存在或不在您的管理范围内", "the lead unit does not exist or is outside your scope")
		}
	case !lead.Active:
		f.Add("lead_unit_id", "牵头单位“"+lead.Name+"”已停用", "the lead unit is deactivated")
	}
	for _, id := range fl.CoUnitIDs {
		u, ok := r.units[id]
		switch {
		case !ok || !inReach(u):
			f.Add("co_unit_ids", "配合单位不存在或不在您的管理范围内", "a co-unit does not exist or is outside your scope")
		case !u.Active:
			f.Add("co_unit_ids", "配合单位“"+u.Name+"”已停用", "a co-unit is deactivated")
		case id == fl.LeadUnitID:
			f.Add("co_unit_ids", "配合单位不能与牵头单位相同（"+u.Name+"）", "a co-unit may not be the lead unit")
		}
	}
	if len(fl.CoUnitIDs) > 50 {
		f.Add("co_unit_ids", "配合单位不能超过50个", "at most 50 co-units")
	}
	for _, id := range fl.LeaderIDs {
		u, ok := r.users[id]
		switch {
		case !ok:
			f.Add("leader_ids", "牵头领导不存在", "a lead leader does not exist")
		case !u.Active:
			f.Add("leader_ids", "牵头领导“"+u.Name+"”的账号已停用", "a lead leader's account is deactivated")
		case !u.Leader:
			f.Add("leader_ids", "“"+u.Name+"”不是区领导，不能作为牵头领导", "a lead leader must have the leader role")
		}
	}
	if len(fl.LeaderIDs) > 10 {
		f.Add("leader_ids", "牵头领导不能超过10位", "at most 10 lead leaders")
	}
	if utf8.RuneCountInString(fl.ResponsibleName) > 30 {
		f.Add("responsible_name", "责任人姓名不能超过30个字", "responsible_name may not exceed 30 characters")
	}
	if fl.ResponsiblePhone != "" && !phonePattern.MatchString(fl.ResponsiblePhone) {
		f.Add("responsible_phone", "责任人电话格式不正确", "responsible_phone is not a phone number")
	}
	for _, t := range fl.Tags {
		if utf8.RuneCountInString(t) > 20 {
			f.Add("tags", "标签“"+t+"”超过20个字", "a tag may not exceed 20 characters")
		}
	}
	if len(fl.Tags) > 20 {
		f.Add("tags", "标签不能超过20个", "at most 20 tags")
	}
	if len(fl.Milestones) > 50 {
		f.Add("milestones", "节点不能超过50个", "at most 50 milestones")
	}
	for i, m := range fl.Milestones {
		label := fmt.Sprintf("第%d个节点", i+1)
		if m.Name != "" {
			label += "'" + m.Name + "'"
		}
		switch {
		case m.Name == "":
			f.Add("milestones", label+"的名称不能为空", fmt.Sprintf("milestone %d needs a name", i+1))
		case utf8.RuneCountInString(m.Name) > 50:
			f.Add("milestones", label+"的名称不能超过50个字", fmt.Sprintf("milestone %d: name too long", i+1))
		case m.DueOn.IsZero():
			f.Add("milestones", label+"请填写计划完成日期", fmt.Sprintf("milestone %d needs a due date", i+1))
		case !fl.StartOn.IsZero() && m.DueOn.Before(fl.StartOn):
			f.Add("milestones", label+"的计划日期早于开始日期（"+fl.StartOn.String()+"）", fmt.Sprintf("milestone %d is before the start", i+1))
		case !fl.Deadline.IsZero() && m.DueOn.After(fl.Deadline):
			f.Add("milestones", label+"的计划日期晚于完成时限（"+fl.Deadline.String()+"）", fmt.Sprintf("milestone %d is after the deadline", i+1))
		case m.Weight < 1 || m.Weight > 100:
			f.Add("milestones", label+"的权重应为1到100", fmt.Sprintf("milestone %d: weight must be 1 to 100", i+1))
		}
	}
	return f
}

// newTask is a validated task about to be inserted.
type newTask struct {
	fields
	Parent *parentTask
	Issue  bool
	// Set by insert (numbers of subtasks by the caller).
	ID     int64
	Number string
	Year   int
	Seq    int
	SubSeq int
	Out    Task // the task as created, for the answer without reading it back
}

// defaults are the fields of a task created from nothing.
func defaults(day calendar.Date) fields {
	return fields{Kind: KindOnce, StartOn: day, Tags: []string{}, LeaderIDs: []int64{}, CoUnitIDs: []int64{}}
}

// noDeadline sorts long-term work after every dated task.
const noDeadline = "9999-12-31"

// dueKey is the deadline as the sort key (tasks.due_key).
func dueKey(d calendar.Date) string {
	if d.IsZero() {
		return noDeadline
	}
	return d.String()
}

// numberOf formats a supervision number: 示督〔2026〕12号.
func numberOf(prefix string, year, seq int) string {
	return fmt.Sprintf("%s〔%d〕%d号", prefix, year, seq)
}

// reserve takes n consecutive numbers of the named sequence for year and
// returns the first. One upsert: concurrent writers queue on the row on
// PostgreSQL, and SQLite has one writer.
func reserve(ctx context.Context, w *audit.W, name string, year, n int) (int, error) {
	var last int
	err := w.QueryRowContext(ctx, `INSERT INTO number_seqs (name, year, last) VALUES ($1, $2, $3)
		ON CONFLICT (name, year) DO UPDATE SET last = number_seqs.last + excluded.last RETURNING last`, name, year, n).Scan(&last)
	return last - n + 1, err
}

// taskCols are the columns insert writes.
var taskCols = []string{"id", "parent_id", "source_id", "number", "year", "seq", "sub_seq", "title", "requirements", "kind", "report_cycle",
	"lead_unit_id", "lead_unit_path", "responsible_name", "responsible_phone", "start_on", "deadline", "due_key", "status", "progress",
	"light", "light_since", "overdue", "report_missing", "sign_due", "issued_at", "created_by", "created_at", "updated_at"}

// insert writes validated tasks with their relations, timeline, trail and
// notifications: a few bulk statements whatever their number.
func (s *Service) insert(ctx context.Context, w *audit.W, st Settings, r *refs, ts []*newTask) ([]int64, error) {
	if len(ts) == 0 {
		return []int64{}, nil
	}
	now := w.Now()
	day := today(now)
	ids, err := w.NextIDs(ctx, "tasks", len(ts))
	if err != nil {
		return nil, err
	}
	toNumber := 0
	for _, t := range ts {
		if t.Issue && t.Parent == nil {
			toNumber++
		}
	}
	next := 0
	if toNumber > 0 {
		if next, err = reserve(ctx, w, "task", day.Year(), toNumber); err != nil {
			return nil, err
		}
	}
	signDue := s.Calendar.AddWorkdays(day, st.SignDays)
	a := w.Actor()
	var taskRows, reasonRows, leaderRows, coRows, tagRows, msRows, eventRows [][]any
	entries := make([]audit.Entry, 0, len(ts))
	for i, t := range ts {
		t.ID = ids[i]
		status, issuedAt, due := StatusDraft, time.Time{}, calendar.Date{}
		if t.Year == 0 {
			t.Year = day.Year()
		}
		if t.Issue {
			status, issuedAt, due = StatusIssued, now, signDue
			if t.Parent == nil {
				t.Number, t.Seq, t.Year = numberOf(st.NumberPrefix, day.Year(), next), next, day.Year()
				next++
			}
		}
		ls := lightState{ID: t.ID, Status: status, StartOn: t.StartOn, Deadline: t.Deadline, SignDue: due, ReportCycle: t.ReportCycle}
		for _, m := range t.Milestones {
			ls.Milestones = append(ls.Milestones, openMilestone{m.Name, m.DueOn})
		}
		sortMilestones(ls.Milestones)
		v := st.judge(&ls, now, s.Calendar)
		var since time.Time
		if v.Light != LightNone {
			since = now
		}
		var parentID int64
		if t.Parent != nil {
			parentID = t.Parent.ID
		}
		lead := r.units[t.LeadUnitID]
		t.Out = t.task(r, status, v, since, due, issuedAt, now, parentID)
		taskRows = append(taskRows, []any{t.ID, db.NullID(parentID), db.NullID(t.SourceID), t.Number, t.Year, t.Seq, t.SubSeq, t.Title,
			t.Requirements, t.Kind, t.ReportCycle, t.LeadUnitID, lead.Path, t.ResponsibleName, t.ResponsiblePhone,
			dateArg(t.StartOn), dateArg(t.Deadline), dueKey(t.Deadline), status, 0, v.Light, timeArg(since), v.Overdue, v.Missing,
			dateArg(due), timeArg(issuedAt), db.NullID(a.UserID), now, now})
		if v.Reason != "" {
			reasonRows = append(reasonRows, []any{t.ID, v.Reason})
		}
		for j, id := range t.LeaderIDs {
			leaderRows = append(leaderRows, []any{t.ID, id, j})
		}
		for j, id := range t.CoUnitIDs {
			coRows = append(coRows, []any{t.ID, id, r.units[id].Path, j})
		}
		for _, tag := range t.Tags {
			tagRows = append(tagRows, []any{t.ID, tag})
		}
		for j, m := range t.Milestones {
			msRows = append(msRows, []any{t.ID, m.Name, dateArg(m.DueOn), m.Weight, j})
		}
		summary := "新建督办任务“" + t.Title + "”"
		if t.Parent != nil {
			summary = "拆分子任务" + t.Number + "“" + t.Title + "”，交" + lead.Name + "办理"
		} else if t.Issue {
			summary = "新建并下发督办任务" + t.Number + "“" + t.Title + "”"
		}
		eventRows = append(eventRows, []any{t.ID, "create", summary, "", db.NullID(a.UserID), actorName(a), now})
		if t.Issue {
			eventRows = append(eventRows, []any{t.ID, "issue", "下发至" + lead.Name + "，请于" + md(due) + "前签收", "",
				db.NullID(a.UserID), actorName(a), now})
		}
		entries = append(entries, audit.Entry{Action: "task.create", ObjectType: "task", ObjectID: idStr(t.ID), UnitID: t.LeadUnitID,
			Summary: summary, After: t.auditView(status)})
	}
	for _, ins := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"tasks", taskCols, taskRows},
		{"task_light_reasons", []string{"task_id", "reason"}, reasonRows},
		{"task_leaders", []string{"task_id", "user_id", "sort_order"}, leaderRows},
		{"task_co_units", []string{"task_id", "unit_id", "unit_path", "sort_order"}, coRows},
		{"task_tags", []string{"task_id", "tag"}, tagRows},
		{"task_milestones", []string{"task_id", "name", "due_on", "weight", "sort_order"}, msRows},
		{"task_events", []string{"task_id", "kind", "summary", "note", "actor_id", "actor_name", "at"}, eventRows},
	} {
		if err := insertRows(ctx, w, ins.table, ins.cols, ins.rows); err != nil {
			return nil, fmt.Errorf("insert %s: %w", ins.table, err)
		}
	}
	// Notifications before the trail: the audit head is the one row every
	// writer locks, so take it last and hold it briefly.
	if err := s.announce(ctx, w, ts, signDue); err != nil {
		return nil, err
	}
	return ids, w.RecordMany(entries)
}

// announce tells the units about the tasks issued to them: one message per
// task, or one summary per group of units when a batch or an import hands
// them several at once (a unit should not get fifty inbox lines for one
// meeting's table).
func (s *Service) announce(ctx context.Context, w *audit.W, ts []*newTask, signDue calendar.Date) error {
	var keys []string
	groups := map[string][]*newTask{}
	for _, t := range ts {
		if !t.Issue {
			continue
		}
		k := fmt.Sprint(t.LeadUnitID, t.CoUnitIDs)
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], t)
	}
	for _, k := range keys {
		g := groups[k]
		t := g[0]
		if len(g) == 1 {
			if err := s.sendIssued(ctx, w, t.ID, t.Number, t.Title, t.Deadline, signDue, t.LeadUnitID, t.CoUnitIDs); err != nil {
				return err
			}
			continue
		}
		var lines []string
		for i, x := range g {
			if i == 10 {
				lines = append(lines, fmt.Sprintf("等共%d项", len(g)))
				break
			}
			line := x.Number + "“" + x.Title + "”"
			if !x.Deadline.IsZero() {
				line += "，完成时限" + x.Deadline.Chinese()
			}
			lines = append(lines, line)
		}
		if err := s.send(ctx, w, notify.Message{Kind: "task.issued", Title: fmt.Sprintf("下发督办任务%d项", len(g)),
			Body: strings.Join(lines, "\n") + "\n请于" + signDue.Chinese() + "前签收。", Link: myWorkLink,
			UnitIDs: append([]int64{t.LeadUnitID}, t.CoUnitIDs...), ObjectType: "task", ObjectID: idStr(t.ID)}); err != nil {
			return err
		}
	}
	return nil
}

// task is the created task as the ledger shows it.
func (t *newTask) task(r *refs, status string, v verdict, since time.Time, signDue calendar.Date, issuedAt, now time.Time, parentID int64) Task {
	out := Task{ID: t.ID, ParentID: parentID, Number: t.Number, Title: t.Title, Requirements: t.Requirements, Kind: t.Kind,
		ReportCycle: t.ReportCycle, LeadUnit: Ref{t.LeadUnitID, r.units[t.LeadUnitID].Name}, ResponsibleName: t.ResponsibleName,
		ResponsiblePhone: t.ResponsiblePhone, Tags: t.Tags, StartOn: t.StartOn, Deadline: t.Deadline, Status: status, Light: v.Light,
		LightReason: v.Reason, Overdue: v.Overdue, ReportMissing: v.Missing, SignDue: signDue, CreatedAt: now, UpdatedAt: now,
		Leaders: make([]Ref, len(t.LeaderIDs)), CoUnits: make([]Ref, len(t.CoUnitIDs))}
	if src, ok := r.sources[t.SourceID]; ok {
		out.Source, out.SourceKind = &Ref{src.ID, src.Title}, src.Kind
	}
	for i, id := range t.LeaderIDs {
		out.Leaders[i] = Ref{id, r.users[id].Name}
	}
	for i, id := range t.CoUnitIDs {
		out.CoUnits[i] = Ref{id, r.units[id].Name}
	}
	if !since.IsZero() {
		out.LightSince = &since
	}
	if !issuedAt.IsZero() {
		out.IssuedAt = &issuedAt
	}
	return out
}

// sendIssued tells the lead unit and the co-units about a task issued to them.
func (s *Service) sendIssued(ctx context.Context, w *audit.W, id int64, number, title string, deadline, signDue calendar.Date,
	lead int64, co []int64) error {
	body := "“" + title + "”"
	if !deadline.IsZero() {
		body += "，完成时限" + deadline.Chinese()
	}
	body += "，请于" + signDue.Chinese() + "前签收。"
	return s.send(ctx, w, notify.Message{Kind: "task.issued", Title: "督办任务" + number + "已下发", Body: body,
		Link: taskLink(id), UnitIDs: append([]int64{lead}, co...), ObjectType: "task", ObjectID: idStr(id)})
}

// sortMilestones orders open milestones by due date, as loadLights does.
func sortMilestones(ms []openMilestone) {
	slices.SortStableFunc(ms, func(a, b openMilestone) int { return a.Due.Compare(b.Due) })
}

// auditView is the part of a task the trail keeps.
func (fl *fields) auditView(status string) map[string]any {
	return map[string]any{"source_id": fl.SourceID, "title": fl.Title, "requirements": fl.Requirements, "kind": fl.Kind,
		"report_cycle": fl.ReportCycle, "leader_ids": fl.LeaderIDs, "lead_unit_id": fl.LeadUnitID, "co_unit_ids": fl.CoUnitIDs,
		"responsible_name": fl.ResponsibleName, "responsible_phone": maskPhone(fl.ResponsiblePhone), "tags": fl.Tags,
		"start_on": fl.StartOn, "deadline": fl.Deadline, "milestones": fl.Milestones, "status": status}
}

// insertRows writes rows with one multi-row INSERT when they are few (one
// statement keeps a single create short), else with CopyFrom.
func insertRows(ctx context.Context, w *audit.W, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if len(rows)*len(cols) > 900 {
		_, err := w.CopyFrom(ctx, table, cols, rows)
		return err
	}
	var args db.Args
	vals := make([]string, len(rows))
	for i, row := range rows {
		ps := make([]string, len(row))
		for j, v := range row {
			ps[j] = args.Add(v)
		}
		vals[i] = "(" + strings.Join(ps, ", ") + ")"
	}
	_, err := w.ExecContext(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES "+strings.Join(vals, ", "), args...)
	return err
}

// prepare validates inputs into new tasks; it returns the failures by index.
func prepare(r *refs, a *auth.Actor, day calendar.Date, ins []TaskInput, parent *parentTask) ([]*newTask, ManyErrors) {
	var bad ManyErrors
	out := make([]*newTask, len(ins))
	for i := range ins {
		t := &newTask{fields: defaults(day), Parent: parent, Issue: ins[i].Issue || parent != nil}
		if parent != nil {
			t.SourceID, t.StartOn = parent.SourceID, maxDate(day, parent.StartOn)
		}
		t.apply(&ins[i])
		if f := t.check(r, a, parent); len(f) > 0 {
			bad = append(bad, ManyError{Index: i, Fields: f})
		}
		out[i] = t
	}
	return out, bad
}

// max of two dates.
func maxDate(a, b calendar.Date) calendar.Date {
	if a.After(b) {
		return a
	}
	return b
}

func inputRefs(ins []TaskInput) []*TaskInput {
	out := make([]*TaskInput, len(ins))
	for i := range ins {
		out[i] = &ins[i]
	}
	return out
}

// CreateMany validates and creates many tasks in the caller's transaction
// (the import of the breakdown table). When any input is invalid it returns
// ManyErrors, one per failing input by index, and writes nothing. Inputs
// with Issue set are issued (numbered) at once.
func (s *Service) CreateMany(ctx context.Context, w *audit.W, a *auth.Actor, ins []TaskInput) ([]int64, error) {
	if err := auth.Require(a, auth.ManageTasks); err != nil {
		return nil, err
	}
	st, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	r, err := refsFor(ctx, w, nil, inputRefs(ins))
	if err != nil {
		return nil, err
	}
	ts, bad := prepare(r, a, today(w.Now()), ins, nil)
	if len(bad) > 0 {
		return nil, bad
	}
	return s.insert(ctx, w, st, r, ts)
}

// Create makes one task: a draft, or issued at once when in.Issue is set.
func (s *Service) Create(ctx context.Context, a *auth.Actor, in TaskInput) (*Task, error) {
	if err := auth.Require(a, auth.ManageTasks); err != nil {
		return nil, err
	}
	st, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	// Look the references up before the write, so the writer is held only
	// for the inserts; foreign keys still stop a unit deleted meanwhile.
	r, err := refsFor(ctx, s.DB.Read, nil, []*TaskInput{&in})
	if err != nil {
		return nil, err
	}
	ts, bad := prepare(r, a, today(s.Clock.Now()), []TaskInput{in}, nil)
	if len(bad) > 0 {
		return nil, bad[0].Fields.Err()
	}
	if err := s.commit(ctx, a, st, r, ts[0]); err != nil {
		return nil, err
	}
	out := ts[0].Out
	s.finish(a, today(s.Clock.Now()), s.Calendar, &out)
	return &out, nil
}

// Group commit: concurrent creates by one actor (a script through an API
// token, the office's browser tabs) share one transaction. The first caller
// leads: while it waits for the writer (SQLite has one), others queue
// behind it, and it writes them all with the bulk statements. The trail
// stays exact, since a batch never mixes actors.

// createReq is one create waiting in a batch.
type createReq struct {
	ctx  context.Context
	t    *newTask
	r    *refs
	done chan struct{}
	err  error
}

// createQueue collects the creates of one actor until its leader starts.
type createQueue struct{ reqs []*createReq }

// actorKey tells actors apart for batching: same user, token and address.
func actorKey(a *auth.Actor) string {
	return fmt.Sprintf("%d/%d/%s/%s", a.UserID, a.TokenID, a.IP, a.Username)
}

// commit inserts one validated task, batched with concurrent creates by the same actor.
func (s *Service) commit(ctx context.Context, a *auth.Actor, st Settings, r *refs, t *newTask) error {
	key := actorKey(a)
	req := &createReq{ctx: ctx, t: t, r: r, done: make(chan struct{})}
	s.qmu.Lock()
	if s.queues == nil {
		s.queues = map[string]*createQueue{}
	}
	q, following := s.queues[key]
	if !following {
		q = &createQueue{}
		s.queues[key] = q
	}
	q.reqs = append(q.reqs, req)
	s.qmu.Unlock()
	if following {
		<-req.done
		return req.err
	}
	var batch []*createReq
	take := func() {
		s.qmu.Lock()
		if batch == nil {
			batch = q.reqs
			delete(s.queues, key) // later arrivals start the next batch
		}
		s.qmu.Unlock()
	}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		take()
		merged := &refs{units: map[int64]unitRef{}, users: map[int64]userRef{}, sources: map[int64]sourceRef{}}
		ts := make([]*newTask, len(batch))
		for i, b := range batch {
			maps.Copy(merged.units, b.r.units)
			maps.Copy(merged.users, b.r.users)
			maps.Copy(merged.sources, b.r.sources)
			ts[i] = b.t
		}
		_, err := s.insert(ctx, w, st, merged, ts)
		return err
	})
	take() // when the write failed before it began
	if err != nil && len(batch) > 1 {
		// One bad create (a unit deleted meanwhile) must not fail the others.
		for _, b := range batch {
			b.err = s.Audit.Write(b.ctx, a, func(w *audit.W) error {
				_, err := s.insert(b.ctx, w, st, b.r, []*newTask{b.t})
				return err
			})
		}
	} else {
		for _, b := range batch {
			b.err = err
		}
	}
	for _, b := range batch[1:] {
		close(b.done)
	}
	return batch[0].err
}
