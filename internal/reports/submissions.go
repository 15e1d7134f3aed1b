package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

// reporter is the unit a submission (or an upload for one) is made for.
type reporter struct {
	id   int64
	name string
	kind string
	path string
}

// reporterFor checks that the actor may report for unit id: it must lie in
// scope (else not found), be the actor's own unit, and for field users a
// village.
func reporterFor(ctx context.Context, q querier, a *auth.Actor, id int64) (*reporter, error) {
	if err := auth.Require(a, auth.SubmitReports); err != nil {
		return nil, err
	}
	u := &reporter{id: id}
	err := q.QueryRowContext(ctx, `SELECT name, kind, path FROM units WHERE id = $1`, id).Scan(&u.name, &u.kind, &u.path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("单位", "unit")
	}
	if err != nil {
		return nil, err
	}
	if !a.InScope(u.path) {
		return nil, errs.NotFoundf("单位", "unit")
	}
	if id != a.UnitID {
		return nil, errs.New(errs.Forbidden, "只能报送本单位的报告", "you can only report for your own unit")
	}
	if !a.HasAny(auth.UnitAdmin, auth.Staff) && u.kind != org.KindVillage {
		return nil, errs.New(errs.Forbidden, "基层人员只能报送村（社区）的报告", "field users report for villages only")
	}
	return u, nil
}

// memberSince tells whether the unit reports for the obligation, and from
// when (zero: from the start).
func memberSince(ctx context.Context, q querier, obligationID, unitID int64) (calendar.Date, bool, error) {
	var added calendar.Date
	err := q.QueryRowContext(ctx, `SELECT added_on FROM report_obligation_units WHERE obligation_id = $1 AND unit_id = $2`,
		obligationID, unitID).Scan(&added)
	if errors.Is(err, sql.ErrNoRows) {
		return added, false, nil
	}
	return added, err == nil, err
}

// Submit records a unit's report for one cycle. Before the cut-off a
// second submission replaces the first (audited with before and after);
// after it, a first submission is accepted as late and a replacement is
// refused.
func (s *Service) Submit(ctx context.Context, a *auth.Actor, obligationID int64, in SubmissionInput) (*Submission, error) {
	if err := auth.Require(a, auth.SubmitReports); err != nil {
		return nil, err
	}
	if in.UnitID == 0 {
		in.UnitID = a.UnitID
	}
	var id int64
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		var err error
		id, err = s.submitIn(ctx, w, obligationID, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetSubmission(ctx, a, id)
}

func (s *Service) submitIn(ctx context.Context, w *audit.W, obligationID int64, in SubmissionInput) (int64, error) {
	a, now := w.Actor(), w.Now()
	o, err := s.load(ctx, w, a, obligationID)
	if err != nil {
		return 0, err
	}
	u, err := reporterFor(ctx, w, a, in.UnitID)
	if err != nil {
		return 0, err
	}
	f := errs.Fields{}
	added, member, err := memberSince(ctx, w, o.ID, u.id)
	if err != nil {
		return 0, err
	}
	if !member {
		f.Add("unit_id", fmt.Sprintf("“%s”不在报送任务“%s”的报送单位中", u.name, o.Name), "the unit does not report for this obligation")
	}
	var c Cycle
	if !o.Active {
		f.Add("due_on", fmt.Sprintf("报送任务“%s”已停用，不再接受报送", o.Name), "the obligation is inactive")
	} else if c, err = s.cycleAt(o, in.DueOn, "due_on"); err != nil {
		return 0, err
	} else if today := calendar.DateOf(now); c.Start.After(today) {
		f.Add("due_on", fmt.Sprintf("%s 截止的周期从 %s 开始，尚未开始，不能提前报送", c.DueOn, c.Start), "the cycle has not begun yet")
	} else if member && !added.IsZero() && c.DueOn.Before(added) {
		f.Add("due_on", fmt.Sprintf("“%s”自 %s 起才需报送", u.name, added), "the unit reports only from "+added.String())
	}
	values := map[string]any{}
	var files map[string][]int64
	if in.Nothing {
		if !o.AllowNothing {
			f.Add("nothing", fmt.Sprintf("报送任务“%s”不能报“无需报告事项”，请填写表单", o.Name), "this obligation needs the form filled in")
		} else if len(in.Values) > 0 {
			f.Add("values", "选择“无需报告事项”时不应再填写内容", "values must be empty with nothing to report")
		}
	} else {
		values, files = checkValues(o.Form, in.Values, f)
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	slot := SlotKey(o.ID, u.id, c.DueOn)
	if err := checkFiles(ctx, w, o, slot, files); err != nil {
		return 0, err
	}

	var old struct {
		id          int64
		status      string
		submittedAt sql.NullTime
		nothing     bool
		values      string
	}
	err = w.QueryRowContext(ctx, `SELECT id, status, submitted_at, no_matters, values_json FROM report_submissions
		WHERE obligation_id = $1 AND due_on = $2 AND unit_id = $3`+w.Dialect.ForUpdate(), o.ID, c.DueOn, u.id).
		Scan(&old.id, &old.status, &old.submittedAt, &old.nothing, &old.values)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	closed := c.Closed(now)
	replacing := old.submittedAt.Valid
	if replacing && closed {
		return 0, errs.Conflictf(fmt.Sprintf("报送任务“%s” %s 的报送已于 %s 截止，已报送的内容不能再修改", o.Name, c.DueOn, o.Cutoff),
			"the cut-off has passed: the submission can no longer be replaced")
	}
	status := OnTime
	if closed {
		status = Late
	}
	vj, _ := json.Marshal(values)
	name := a.RealName
	if name == "" {
		name = a.Username
	}
	id := old.id
	if id == 0 {
		if err := w.QueryRowContext(ctx, `INSERT INTO report_submissions (obligation_id, unit_id, due_on, cycle_start, status, no_matters,
			values_json, submitted_by, submitted_by_name, submitted_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10) RETURNING id`,
			o.ID, u.id, c.DueOn, c.Start, status, in.Nothing, string(vj), db.NullID(a.UserID), name, now).Scan(&id); err != nil {
			if db.IsUniqueViolation(err) { // a colleague's submission for the same cycle got in first
				return 0, errs.Conflictf("本单位同一周期的报送刚刚已由他人提交，请刷新后再试", "someone of your unit has just submitted this cycle; reload and try again")
			}
			return 0, err
		}
	} else if _, err := w.ExecContext(ctx, `UPDATE report_submissions SET status = $1, no_matters = $2, values_json = $3, submitted_by = $4,
		submitted_by_name = $5, submitted_at = $6, updated_at = $6 WHERE id = $7`,
		status, in.Nothing, string(vj), db.NullID(a.UserID), name, now, id); err != nil {
		return 0, err
	}
	sub := &Submission{ID: id, ObligationID: o.ID, ObligationName: o.Name, UnitID: u.id, UnitName: u.name, DueOn: c.DueOn,
		CycleStart: c.Start, Status: status, Nothing: in.Nothing, Values: values, SubmittedBy: a.UserID, SubmittedByName: name,
		SubmittedAt: &now, UpdatedAt: now, AttachTo: slot}
	if h := s.hook(o.Source); h != nil {
		if err := h(ctx, w, o, sub); err != nil {
			return 0, err
		}
	}
	after := map[string]any{"due_on": c.DueOn, "status": status, "nothing": in.Nothing, "values": values}
	e := audit.Entry{Action: "report.submit", ObjectType: "report_submission", ObjectID: idStr(id), UnitID: u.id,
		Summary: fmt.Sprintf("%s报送“%s”（%s，%s）", u.name, o.Name, c.DueOn, StatusName(status)), After: after}
	if replacing {
		var before map[string]any
		_ = json.Unmarshal([]byte(old.values), &before)
		e.Action, e.Summary = "report.replace", fmt.Sprintf("%s重新报送“%s”（%s），替换此前的报送", u.name, o.Name, c.DueOn)
		e.Before = map[string]any{"due_on": c.DueOn, "status": old.status, "nothing": old.nothing, "values": before,
			"submitted_at": old.submittedAt.Time}
	}
	return id, w.Record(e)
}

// checkFiles checks that every file id a files field lists was uploaded to
// this submission's slot.
func checkFiles(ctx context.Context, q querier, o *Obligation, slot string, files map[string][]int64) error {
	var all []int64
	for _, ids := range files {
		all = append(all, ids...)
	}
	if len(all) == 0 {
		return nil
	}
	args := db.Args{slot}
	rows, err := q.QueryContext(ctx, `SELECT id FROM files WHERE object_type = 'report_submission' AND object_id = $1 AND id IN `+
		inList(all, &args), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	found := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		found[id] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	f := errs.Fields{}
	for _, fd := range o.Form {
		for _, id := range files[fd.Key] {
			if !found[id] {
				f.Add("values."+fd.Key, fmt.Sprintf("“%s”中的附件（编号%d）不是为本次报送上传的", fd.Label, id),
					fmt.Sprintf("file %d was not uploaded for this submission", id))
			}
		}
	}
	return f.Err()
}

const submissionCols = `s.id, s.obligation_id, o.name, s.unit_id, u.name, s.due_on, s.cycle_start, s.status, s.no_matters, s.values_json,
	s.submitted_by, s.submitted_by_name, s.submitted_at, s.updated_at`

func scanSubmission(sc scanner) (*Submission, error) {
	var x Submission
	var values string
	var by sql.NullInt64
	var at sql.NullTime
	if err := sc.Scan(&x.ID, &x.ObligationID, &x.ObligationName, &x.UnitID, &x.UnitName, &x.DueOn, &x.CycleStart, &x.Status,
		&x.Nothing, &values, &by, &x.SubmittedByName, &at, &x.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(values), &x.Values); err != nil {
		return nil, err
	}
	x.SubmittedBy = by.Int64
	if at.Valid {
		t := at.Time
		x.SubmittedAt = &t
	}
	x.AttachTo = SlotKey(x.ObligationID, x.UnitID, x.DueOn)
	return &x, nil
}

// GetSubmission returns one submission of a unit in the actor's scope,
// with its files.
func (s *Service) GetSubmission(ctx context.Context, a *auth.Actor, id int64) (*Submission, error) {
	if err := auth.Require(a, auth.ViewReports); err != nil {
		return nil, err
	}
	args := db.Args{id}
	x, err := scanSubmission(s.DB.R.QueryRowContext(ctx, `SELECT `+submissionCols+` FROM report_submissions s
		JOIN report_obligations o ON o.id = s.obligation_id JOIN units u ON u.id = s.unit_id
		WHERE s.id = $1 AND `+scopeCond(a, "u.path", &args), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("报送记录", "submission")
	}
	if err != nil {
		return nil, err
	}
	return x, s.withFiles(ctx, []*Submission{x})
}

// withFiles adds the files uploaded to each submission's slot, in one query.
func (s *Service) withFiles(ctx context.Context, subs []*Submission) error {
	if len(subs) == 0 {
		return nil
	}
	var args db.Args
	ph := make([]string, len(subs))
	bySlot := map[string]*Submission{}
	for i, x := range subs {
		ph[i] = args.Add(x.AttachTo)
		bySlot[x.AttachTo] = x
		x.Files = []FileRef{}
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, name, size, object_id FROM files WHERE object_type = 'report_submission'
		AND object_id IN (`+strings.Join(ph, ", ")+`) ORDER BY id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f FileRef
		var slot string
		if err := rows.Scan(&f.ID, &f.Name, &f.Size, &slot); err != nil {
			return err
		}
		f.URL = "/api/v1/files/" + idStr(f.ID)
		if x := bySlot[slot]; x != nil && x.listsFile(f.ID) {
			x.Files = append(x.Files, f)
		}
	}
	return rows.Err()
}

// listsFile tells whether a files value of the submission names the file
// (an upload not kept in the final answer is not shown).
func (x *Submission) listsFile(id int64) bool {
	for _, v := range x.Values {
		if list, ok := v.([]any); ok {
			for _, e := range list {
				if n, ok := e.(float64); ok && int64(n) == id {
					return true
				}
				if n, ok := e.(int64); ok && n == id {
					return true
				}
			}
		}
	}
	return false
}

// SubmissionFilter selects submissions for the history list.
type SubmissionFilter struct {
	ObligationID int64
	UnitID       int64
	Status       string
	From, To     calendar.Date // due dates
}

// ListSubmissions lists the stored rows (submissions and the cut-off job's
// missing placeholders) of units in the actor's scope, newest cycle first.
func (s *Service) ListSubmissions(ctx context.Context, a *auth.Actor, f SubmissionFilter, p httpx.Page) ([]*Submission, int, error) {
	if err := auth.Require(a, auth.ViewReports); err != nil {
		return nil, 0, err
	}
	var args db.Args
	where := scopeCond(a, "u.path", &args)
	if f.ObligationID != 0 {
		where += " AND s.obligation_id = " + args.Add(f.ObligationID)
	}
	if f.UnitID != 0 {
		where += " AND s.unit_id = " + args.Add(f.UnitID)
	}
	if f.Status != "" {
		where += " AND s.status = " + args.Add(f.Status)
	}
	if !f.From.IsZero() {
		where += " AND s.due_on >= " + args.Add(f.From)
	}
	if !f.To.IsZero() {
		where += " AND s.due_on <= " + args.Add(f.To)
	}
	from := ` FROM report_submissions s JOIN report_obligations o ON o.id = s.obligation_id JOIN units u ON u.id = s.unit_id WHERE `
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*)`+from+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + submissionCols + from + where + ` ORDER BY s.due_on DESC, s.obligation_id, u.kind, u.sort_order, u.id`
	if p.Size > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset())
	}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*Submission{}
	for rows.Next() {
		x, err := scanSubmission(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, x)
	}
	return out, total, rows.Err()
}

// SeedSubmissions bulk-loads historical submissions inside w (the demo
// generator's path: 500 units × 2 years of zero reports in seconds). Each
// seed's status follows from its time and the cycle's cut-off (no time: a
// missing placeholder). Seeds are not validated against the form; the
// obligations must exist and each due date must be one of theirs.
func (s *Service) SeedSubmissions(ctx context.Context, w *audit.W, seeds []SubmissionSeed) error {
	if len(seeds) == 0 {
		return nil
	}
	obs := map[int64]*Obligation{}
	for _, sd := range seeds {
		obs[sd.ObligationID] = nil
	}
	ids := make([]int64, 0, len(obs))
	for id := range obs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var args db.Args
	rows, err := w.QueryContext(ctx, `SELECT `+obligationCols+` FROM report_obligations o JOIN units ow ON ow.id = o.owner_unit_id
		WHERE o.id IN `+inList(ids, &args), args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		o, err := scanObligation(rows)
		if err != nil {
			rows.Close()
			return err
		}
		obs[o.ID] = o
	}
	rows.Close()
	names := map[int64]string{}
	out := make([][]any, len(seeds))
	for i, sd := range seeds {
		o := obs[sd.ObligationID]
		if o == nil {
			return fmt.Errorf("reports seed: obligation %d does not exist", sd.ObligationID)
		}
		if !o.IsDue(s.Cal, sd.DueOn) {
			return fmt.Errorf("reports seed: %s is not a due date of obligation %d", sd.DueOn, o.ID)
		}
		c := o.CycleOf(sd.DueOn)
		status := Missing
		var at, by any
		if !sd.SubmittedAt.IsZero() {
			status = OnTime
			if c.Closed(sd.SubmittedAt) {
				status = Late
			}
			at = sd.SubmittedAt.UTC().Truncate(time.Microsecond)
		}
		if sd.SubmittedBy != 0 {
			by = sd.SubmittedBy
			names[sd.SubmittedBy] = ""
		}
		values := sd.Values
		if values == nil || sd.Nothing {
			values = map[string]any{}
		}
		vj, err := json.Marshal(values)
		if err != nil {
			return err
		}
		created := w.Now()
		if !sd.SubmittedAt.IsZero() {
			created = sd.SubmittedAt.UTC().Truncate(time.Microsecond)
		}
		out[i] = []any{sd.ObligationID, sd.UnitID, sd.DueOn.String(), c.Start.String(), status, sd.Nothing, string(vj), by, "", at, created, created}
	}
	if err := s.userNames(ctx, w, names); err != nil {
		return err
	}
	for i, sd := range seeds {
		out[i][8] = names[sd.SubmittedBy]
	}
	if _, err := w.CopyFrom(ctx, "report_submissions", []string{"obligation_id", "unit_id", "due_on", "cycle_start", "status",
		"no_matters", "values_json", "submitted_by", "submitted_by_name", "submitted_at", "created_at", "updated_at"}, out); err != nil {
		return err
	}
	return w.Record(audit.Entry{Action: "report.seed", ObjectType: "report_obligation", ObjectID: idStr(ids[0]),
		Summary: "批量导入历史报送记录 " + strconv.Itoa(len(seeds)) + " 条", After: map[string]any{"obligation_ids": ids, "rows": len(seeds)}})
}

// userNames fills the real names of the users keyed in names.
func (s *Service) userNames(ctx context.Context, q querier, names map[int64]string) error {
	if len(names) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(names))
	for id := range names {
		ids = append(ids, id)
	}
	var args db.Args
	rows, err := q.QueryContext(ctx, `SELECT id, real_name FROM users WHERE id IN `+inList(ids, &args), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		names[id] = n
	}
	return rows.Err()
}

// AttachmentOwner is the attachments owner of "report_submission": the
// object id is a slot "<obligation>:<unit>:<due date>" the actor may
// report for; the file belongs to that unit.
func (s *Service) AttachmentOwner(ctx context.Context, a *auth.Actor, objectID string) (int64, error) {
	notFound := errs.NotFoundf("报送", "report slot")
	parts := strings.Split(objectID, ":")
	if len(parts) != 3 {
		return 0, notFound
	}
	oid, err1 := strconv.ParseInt(parts[0], 10, 64)
	uid, err2 := strconv.ParseInt(parts[1], 10, 64)
	due, err3 := calendar.ParseDate(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, notFound
	}
	o, err := s.load(ctx, s.DB.R, a, oid)
	if err != nil {
		return 0, err
	}
	if _, err := reporterFor(ctx, s.DB.R, a, uid); err != nil {
		return 0, err
	}
	if _, member, err := memberSince(ctx, s.DB.R, oid, uid); err != nil || !member {
		return 0, notFound
	}
	if !o.IsDue(s.Cal, due) {
		return 0, notFound
	}
	return uid, nil
}
