package projects

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
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

// Monthly reports are a project-level table (project_reports), one row per
// project and month, due on the configured day of that month (the reporting
// engine's monthly cycle, clamped to the month's end). A month whose due day
// has passed without a row is a missing report: the project turns red, and
// ReportStatus lists who has and who has not reported.

// photoTypes are the image types a report accepts.
var photoTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// KindCoordination is the notification kind of a new coordination item.
const KindCoordination = "project.coordination"

// AttachmentOwner tells the attachments service which unit owns a
// project's report photos (object id: the project id).
func (s *Service) AttachmentOwner(ctx context.Context, a *auth.Actor, objectID string) (int64, error) {
	var id int64
	if _, err := fmt.Sscan(objectID, &id); err != nil {
		return 0, notFound
	}
	r, err := s.load(ctx, s.DB.R, a, id)
	if err != nil {
		return 0, err
	}
	return r.UnitID, nil
}

// UploadPhoto stores a photo for the project's next report and reads its
// EXIF time and place. Anything but an image is refused before it is stored.
func (s *Service) UploadPhoto(ctx context.Context, a *auth.Actor, projectID int64, name string, data []byte) (*Photo, error) {
	if err := auth.Require(a, auth.ReportProjects); err != nil {
		return nil, err
	}
	if _, err := s.scoped(ctx, s.DB.R, a, projectID); err != nil {
		return nil, err
	}
	if ct := http.DetectContentType(data); !photoTypes[ct] {
		f := errs.Fields{}
		f.Add("file", "“"+name+"”不是图片：形象进度只能上传照片（JPEG、PNG、GIF、WebP）", name+" is not an image: upload photos (JPEG, PNG, GIF, WebP)")
		return nil, f.Err()
	}
	file, err := s.Attachments.Upload(ctx, a, "project_report", idStr(projectID), name, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	meta := readPhotoMeta(data)
	p := &Photo{FileID: file.ID, Name: file.Name, URL: file.URL, ThumbURL: file.ThumbURL, Lat: meta.Lat, Lng: meta.Lng}
	if !meta.Taken.IsZero() {
		t := meta.Taken
		p.TakenAt = &t
	}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		var taken any
		if p.TakenAt != nil {
			taken = *p.TakenAt
		}
		if _, err := w.ExecContext(ctx, `INSERT INTO project_photos (file_id, project_id, taken_at, lat, lng, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, file.ID, projectID, taken, nullFloat(p.Lat), nullFloat(p.Lng), w.Now()); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "project.photo", ObjectType: "project", ObjectID: idStr(projectID),
			Summary: "上传形象进度照片“" + file.Name + "”", After: p})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// SubmitReport files (or replaces) a month's report.
func (s *Service) SubmitReport(ctx context.Context, a *auth.Actor, projectID int64, in ReportInput) (*Report, error) {
	if err := auth.Require(a, auth.ReportProjects); err != nil {
		return nil, err
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	var out *Report
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		x, err := s.scoped(ctx, w, a, projectID)
		if err != nil {
			return err
		}
		day := today(w.Now())
		f := errs.Fields{}
		month, ok := monthOf(in.Month)
		switch {
		case !ok:
			f.Add("month", "月份格式应为 YYYY-MM，例如 2026-05", "month must be YYYY-MM")
		case month.After(day.FirstOfMonth()):
			f.Add("month", "不能填报未来月份（"+in.Month+"）的月报", "cannot report for a future month")
		}
		var im int64
		switch {
		case in.InvestMonth == nil:
			f.Add("invest_month", "请填写本月完成投资", "invest_month is required")
		case *in.InvestMonth < 0:
			f.Add("invest_month", "本月完成投资不能为负数", "invest_month may not be negative")
		case *in.InvestMonth > x.TotalInvestment:
			f.Add("invest_month", "本月完成投资（"+wan(*in.InvestMonth)+"）超过项目总投资（"+wan(x.TotalInvestment)+"），请核对单位（元）",
				"invest_month exceeds the total investment")
		default:
			im = *in.InvestMonth
		}
		text := strings.TrimSpace(in.ProgressText)
		if text == "" {
			f.Add("progress_text", "请填写形象进度", "progress_text is required")
		} else if utf8.RuneCountInString(text) > 2000 {
			f.Add("progress_text", "形象进度不能超过2000字", "progress_text may not exceed 2000 characters")
		}
		if utf8.RuneCountInString(in.Problems) > 2000 || utf8.RuneCountInString(in.NextPlan) > 2000 {
			f.Add("next_plan", "存在问题或下月计划不能超过2000字", "problems or next_plan too long")
		}
		if err := f.Err(); err != nil {
			return err
		}
		mk := monthKey(month)
		var prev, next sql.NullInt64
		if err := w.QueryRowContext(ctx, `SELECT MAX(invest_cum) FROM project_reports WHERE project_id = $1 AND month < $2`, projectID, mk).Scan(&prev); err != nil {
			return err
		}
		if err := w.QueryRowContext(ctx, `SELECT MIN(invest_cum) FROM project_reports WHERE project_id = $1 AND month > $2`, projectID, mk).Scan(&next); err != nil {
			return err
		}
		cum := prev.Int64 + im
		if in.InvestCum != nil {
			cum = *in.InvestCum
		}
		switch {
		case cum < 0:
			f.Add("invest_cum", "累计完成投资不能为负数", "invest_cum may not be negative")
		case prev.Valid && cum < prev.Int64:
			f.Add("invest_cum", "累计完成投资（"+wan(cum)+"）不能少于上月累计（"+wan(prev.Int64)+"）", "invest_cum may not go down")
		case next.Valid && cum > next.Int64:
			f.Add("invest_cum", "累计完成投资（"+wan(cum)+"）不能大于之后月份已报的累计（"+wan(next.Int64)+"）", "invest_cum exceeds a later month's")
		case cum < im:
			f.Add("invest_cum", "累计完成投资不能少于本月完成投资", "invest_cum may not be less than invest_month")
		case cum > 2*x.TotalInvestment:
			f.Add("invest_cum", "累计完成投资（"+wan(cum)+"）超过总投资的两倍，请核对", "invest_cum exceeds twice the total investment")
		}
		var existing sql.NullInt64
		var wasLate bool
		if err := w.QueryRowContext(ctx, `SELECT id, late FROM project_reports WHERE project_id = $1 AND month = $2`, projectID, mk).
			Scan(&existing, &wasLate); err != nil && !isNoRows(err) {
			return err
		}
		// Photos: uploaded for this project and not in another month's report.
		photos := dedupe(in.PhotoIDs)
		if len(photos) > 30 {
			f.Add("photo_ids", "每份月报最多30张照片", "at most 30 photos a report")
		}
		var photoRows []Photo
		if len(photos) > 0 {
			var args db.Args
			list := inList(&args, photos)
			rows, err := w.QueryContext(ctx, `SELECT file_id, report_id, project_id, taken_at FROM project_photos WHERE file_id IN (`+list+`)`, args...)
			if err != nil {
				return err
			}
			found := map[int64]bool{}
			for rows.Next() {
				var ph Photo
				var rep sql.NullInt64
				var pid int64
				var taken nullTime
				if err := rows.Scan(&ph.FileID, &rep, &pid, &taken); err != nil {
					rows.Close()
					return err
				}
				if pid == projectID && (!rep.Valid || (existing.Valid && rep.Int64 == existing.Int64)) {
					found[ph.FileID] = true
					ph.TakenAt = taken.Ptr()
					photoRows = append(photoRows, ph)
				}
			}
			rows.Close()
			for _, id := range photos {
				if !found[id] {
					f.Add("photo_ids", fmt.Sprintf("照片%d不是本项目上传的图片，或已用于其他月份的月报", id), "photo is not an image uploaded for this project")
				}
			}
		}
		for i, c := range in.Coordination {
			field := fmt.Sprintf("coordination.%d", i)
			q := strings.TrimSpace(c.Question)
			switch {
			case q == "":
				f.Add(field, fmt.Sprintf("第%d个协调事项内容不能为空", i+1), "question is required")
			case utf8.RuneCountInString(q) > 500:
				f.Add(field, fmt.Sprintf("第%d个协调事项不能超过500字", i+1), "question too long")
			case !c.DueOn.IsZero() && c.DueOn.Before(day):
				f.Add(field, fmt.Sprintf("第%d个协调事项的答复期限不能早于今天", i+1), "due_on is in the past")
			}
			if c.OwnerID != nil && *c.OwnerID != 0 {
				var n int
				if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = $1 AND active`, *c.OwnerID).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					f.Add(field, fmt.Sprintf("第%d个协调事项的责任人不存在", i+1), "owner does not exist")
				}
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := w.Now()
		due := dueOn(month, cfg.ReportDay)
		late := !now.Before(due.End())
		name := a.RealName
		if name == "" {
			name = a.Username
		}
		var reportID int64
		if existing.Valid {
			reportID = existing.Int64
			_, err = w.ExecContext(ctx, `UPDATE project_reports SET invest_month = $1, invest_cum = $2, progress_text = $3, problems = $4,
				next_plan = $5, submitted_by = $6, submitted_by_name = $7, submitted_at = $8, updated_at = $8, unit_id = $9 WHERE id = $10`,
				im, cum, text, strings.TrimSpace(in.Problems), strings.TrimSpace(in.NextPlan), db.NullID(a.UserID), name, now,
				db.NullID(a.UnitID), reportID)
			late = wasLate
		} else {
			err = w.QueryRowContext(ctx, `INSERT INTO project_reports (project_id, month, due_on, invest_month, invest_cum, progress_text,
				problems, next_plan, unit_id, submitted_by, submitted_by_name, submitted_at, late, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12, $12) RETURNING id`,
				projectID, mk, due.String(), im, cum, text, strings.TrimSpace(in.Problems), strings.TrimSpace(in.NextPlan),
				db.NullID(a.UnitID), db.NullID(a.UserID), name, now, late).Scan(&reportID)
		}
		if err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE project_photos SET report_id = NULL WHERE report_id = $1`, reportID); err != nil {
			return err
		}
		for _, ph := range photoRows {
			outside := ph.TakenAt != nil && monthKey(calendar.DateOf(*ph.TakenAt)) != mk
			if _, err := w.ExecContext(ctx, `UPDATE project_photos SET report_id = $1, outside_month = $2 WHERE file_id = $3`,
				reportID, outside, ph.FileID); err != nil {
				return err
			}
		}
		for _, c := range in.Coordination {
			due := c.DueOn
			if due.IsZero() {
				due = s.Calendar.AddWorkdays(day, cfg.CoordinationDays)
			}
			var owner, ownerUnit int64
			if c.OwnerID != nil {
				owner = *c.OwnerID
			}
			if c.OwnerUnitID != nil {
				ownerUnit = *c.OwnerUnitID
			}
			if owner == 0 && x.Leader != nil {
				owner = x.Leader.ID
			}
			q := strings.TrimSpace(c.Question)
			var cid int64
			if err := w.QueryRowContext(ctx, `INSERT INTO project_coordination (project_id, report_id, question, owner_id, owner_unit_id, due_on,
				created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, projectID, reportID, q, db.NullID(owner),
				db.NullID(ownerUnit), due.String(), db.NullID(a.UserID), now).Scan(&cid); err != nil {
				return err
			}
			if owner != 0 {
				if err := s.send(ctx, w, notify.Message{Kind: KindCoordination, Title: "重点项目协调事项：" + x.Name,
					Body: q + "（请于" + md(due) + "前答复）", Link: projectLink(projectID), UserIDs: []int64{owner},
					ObjectType: "project", ObjectID: idStr(projectID), DedupKey: "project.coordination." + idStr(cid)}); err != nil {
					return err
				}
			}
		}
		if _, err := w.ExecContext(ctx, `UPDATE projects SET updated_at = $1 WHERE id = $2`, now, projectID); err != nil {
			return err
		}
		if err := s.refresh(ctx, w, []int64{projectID}); err != nil {
			return err
		}
		out = &Report{ID: reportID, Month: mk, DueOn: due, InvestMonth: im, InvestCum: cum, ProgressText: text,
			Problems: strings.TrimSpace(in.Problems), NextPlan: strings.TrimSpace(in.NextPlan), SubmittedBy: name, SubmittedAt: &now,
			Late: late, Photos: []Photo{}}
		return w.Record(audit.Entry{Action: "project.report", ObjectType: "project", ObjectID: idStr(projectID), UnitID: x.UnitID,
			Summary: fmt.Sprintf("填报项目“%s”%d年%d月月报", x.Name, month.Year(), month.Month()), After: in})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func dedupe(ids []int64) []int64 {
	out := []int64{}
	seen := map[int64]bool{}
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// AnswerCoordination records the answer to a coordination item: its owner,
// the project's liaison leader, or the supervision office.
func (s *Service) AnswerCoordination(ctx context.Context, a *auth.Actor, id int64, answer string) (*Coordination, error) {
	if err := auth.Require(a, auth.ViewProjects); err != nil {
		return nil, err
	}
	answer = strings.TrimSpace(answer)
	if answer == "" || utf8.RuneCountInString(answer) > 2000 {
		f := errs.Fields{}
		f.Add("answer", "答复内容不能为空，且不超过2000字", "answer is required, at most 2000 characters")
		return nil, f.Err()
	}
	var projectID int64
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		var owner sql.NullInt64
		var status, question string
		err := w.QueryRowContext(ctx, `SELECT project_id, owner_id, status, question FROM project_coordination WHERE id = $1`, id).
			Scan(&projectID, &owner, &status, &question)
		if isNoRows(err) {
			return errs.NotFoundf("协调事项", "coordination item")
		}
		if err != nil {
			return err
		}
		x, err := s.load(ctx, w, a, projectID)
		if err != nil {
			return errs.NotFoundf("协调事项", "coordination item")
		}
		isOwner := owner.Valid && owner.Int64 == a.UserID && a.UserID != 0
		isLeader := x.Leader != nil && x.Leader.ID == a.UserID && a.UserID != 0
		if !isOwner && !isLeader && !a.Can(auth.ProjectSettings) {
			return errs.ErrForbidden
		}
		if status == "answered" {
			return errs.Conflictf("该协调事项已答复", "the item is already answered")
		}
		if _, err := w.ExecContext(ctx, `UPDATE project_coordination SET answer = $1, answered_by = $2, answered_at = $3, status = 'answered'
			WHERE id = $4`, answer, db.NullID(a.UserID), w.Now(), id); err != nil {
			return err
		}
		if err := s.refresh(ctx, w, []int64{projectID}); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "project.coordination.answer", ObjectType: "project", ObjectID: idStr(projectID), UnitID: x.UnitID,
			Summary: "答复协调事项“" + question + "”", After: map[string]any{"id": id, "answer": answer}})
	})
	if err != nil {
		return nil, err
	}
	items, err := s.coordination(ctx, a, "c.id = $1", []any{id})
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return &items[0], nil
}

const coordSelect = `SELECT c.id, c.project_id, p.name, c.report_id, COALESCE(r.month, ''), c.question, c.owner_id, COALESCE(o.real_name, ''),
	c.owner_unit_id, COALESCE(ou.name, ''), c.due_on, c.answer, COALESCE(ab.real_name, ''), c.answered_at, c.status, c.created_at
	FROM project_coordination c JOIN projects p ON p.id = c.project_id LEFT JOIN project_reports r ON r.id = c.report_id
	LEFT JOIN users o ON o.id = c.owner_id LEFT JOIN units ou ON ou.id = c.owner_unit_id LEFT JOIN users ab ON ab.id = c.answered_by`

// coordination reads items matching cond (arguments from $1).
func (s *Service) coordination(ctx context.Context, a *auth.Actor, cond string, args []any) ([]Coordination, error) {
	rows, err := s.DB.R.QueryContext(ctx, coordSelect+` WHERE `+cond+` ORDER BY c.status DESC, c.due_on, c.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	day := today(s.Clock.Now())
	out := []Coordination{}
	for rows.Next() {
		var c Coordination
		var rep, owner, ownerUnit sql.NullInt64
		var ownerName, unitName string
		var answered nullTime
		if err := rows.Scan(&c.ID, &c.Project.ID, &c.Project.Name, &rep, &c.Month, &c.Question, &owner, &ownerName, &ownerUnit, &unitName,
			&c.DueOn, &c.Answer, &c.AnsweredBy, &answered, &c.Status, &c.CreatedAt); err != nil {
			return nil, err
		}
		c.ReportID, c.AnsweredAt = rep.Int64, answered.Ptr()
		if owner.Valid {
			c.Owner = &Ref{ID: owner.Int64, Name: ownerName}
		}
		if ownerUnit.Valid {
			c.OwnerUnit = &Ref{ID: ownerUnit.Int64, Name: unitName}
		}
		c.Overdue = c.Status == "open" && !c.DueOn.IsZero() && c.DueOn.Before(day)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ListCoordination lists coordination items of projects in scope; mine:
// the ones the actor owns.
func (s *Service) ListCoordination(ctx context.Context, a *auth.Actor, status string, mine bool, projectID int64) ([]Coordination, error) {
	if err := auth.Require(a, auth.ViewProjects); err != nil {
		return nil, err
	}
	var args db.Args
	cond, err := s.where(ctx, a, Filter{}, &args)
	if err != nil {
		return nil, err
	}
	cond = "c.project_id IN (SELECT p.id FROM projects p WHERE " + cond + ")"
	if status == "open" || status == "answered" {
		cond += " AND c.status = " + args.Add(status)
	}
	if mine {
		cond += " AND c.owner_id = " + args.Add(a.UserID)
	}
	if projectID != 0 {
		cond += " AND c.project_id = " + args.Add(projectID)
	}
	return s.coordination(ctx, a, cond, args)
}

// photoMeta is what a photo's EXIF says.
type photoMeta struct {
	Taken    time.Time
	Lat, Lng *float64
}
