package projects

import (
	"context"
	"database/sql"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
)

// Detail returns the project page: the project with its task force,
// milestones, reports with photos, coordination items and the investment
// series of the plan year.
func (s *Service) Detail(ctx context.Context, a *auth.Actor, id int64) (*Detail, error) {
	r, err := s.load(ctx, s.DB.Read, a, id)
	if err != nil {
		return nil, err
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	q := s.DB.Read
	d := &Detail{Project: r.Project, Members: []Member{}, Reports: []Report{}, PendingPhotos: []Photo{}}
	if err := attachYears(ctx, q, []*Project{&d.Project}); err != nil {
		return nil, err
	}
	s.finish(a, &d.Project)
	day := today(s.Clock.Now())
	rm := reportMonth(day)
	if d.ReportMissing { // the month owed first
		rm = owedMonth(day, cfg.ReportDay)
	}
	d.ReportMonth, d.ReportDueOn = monthKey(rm), dueOn(rm, cfg.ReportDay)
	inScope := canWrite(a, r.TownPath, r.UnitPath)
	d.CanManage = a.Can(auth.ManageProjects) && inScope
	d.CanReport = a.Can(auth.ReportProjects) && inScope

	rows, err := q.QueryContext(ctx, `SELECT m.id, m.user_id, m.unit_id, COALESCE(u.name, ''), m.name, m.duty, m.phone
		FROM project_members m LEFT JOIN units u ON u.id = m.unit_id WHERE m.project_id = $1 ORDER BY m.sort_order, m.id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var m Member
		var uid, unit sql.NullInt64
		var unitName string
		if err := rows.Scan(&m.ID, &uid, &unit, &unitName, &m.Name, &m.Duty, &m.Phone); err != nil {
			rows.Close()
			return nil, err
		}
		m.UserID = uid.Int64
		if unit.Valid {
			m.Unit = &Ref{ID: unit.Int64, Name: unitName}
		}
		if !a.Can(auth.ViewPhone) {
			m.Phone = maskPhone(m.Phone)
		}
		d.Members = append(d.Members, m)
	}
	rows.Close()
	if d.Milestones, err = loadMilestones(ctx, q, id); err != nil {
		return nil, err
	}
	for i := range d.Milestones {
		d.Milestones[i].State = s.milestoneState(d.Milestones[i], day, cfg)
	}

	rows, err = q.QueryContext(ctx, `SELECT id, month, due_on, invest_month, invest_cum, progress_text, problems, next_plan,
		submitted_by_name, submitted_at, late FROM project_reports WHERE project_id = $1 ORDER BY month DESC`, id)
	if err != nil {
		return nil, err
	}
	byID := map[int64]int{}
	for rows.Next() {
		var rep Report
		var at nullTime
		if err := rows.Scan(&rep.ID, &rep.Month, &rep.DueOn, &rep.InvestMonth, &rep.InvestCum, &rep.ProgressText, &rep.Problems,
			&rep.NextPlan, &rep.SubmittedBy, &at, &rep.Late); err != nil {
			rows.Close()
			return nil, err
		}
		rep.SubmittedAt, rep.Photos = at.Ptr(), []Photo{}
		byID[rep.ID] = len(d.Reports)
		d.Reports = append(d.Reports, rep)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT ph.file_id, ph.report_id, f.name, f.has_thumb, ph.taken_at, ph.lat, ph.lng, ph.outside_month
		FROM project_photos ph JOIN files f ON f.id = ph.file_id WHERE ph.project_id = $1 ORDER BY ph.file_id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var ph Photo
		var rep sql.NullInt64
		var thumb bool
		var taken nullTime
		var lat, lng sql.NullFloat64
		if err := rows.Scan(&ph.FileID, &rep, &ph.Name, &thumb, &taken, &lat, &lng, &ph.OutsideMonth); err != nil {
			rows.Close()
			return nil, err
		}
		ph.URL = "/api/v1/files/" + idStr(ph.FileID)
		if thumb {
			ph.ThumbURL = ph.URL + "/thumb"
		}
		ph.TakenAt, ph.Lat, ph.Lng, ph.ReportID = taken.Ptr(), floatPtr(lat), floatPtr(lng), rep.Int64
		if i, ok := byID[rep.Int64]; ok && rep.Valid {
			d.Reports[i].Photos = append(d.Reports[i].Photos, ph)
		} else if !rep.Valid {
			d.PendingPhotos = append(d.PendingPhotos, ph)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if d.Coordination, err = s.coordination(ctx, a, "c.project_id = $1", []any{id}); err != nil {
		return nil, err
	}
	d.Series = series(&d.Project, d.Reports, day, cfg)
	return d, nil
}

// series is the plan year month by month: planned and actual, each
// cumulative, for the chart.
func series(p *Project, reports []Report, day calendar.Date, cfg Settings) []MonthPoint {
	owed := owedMonth(day, cfg.ReportDay)
	byMonth := map[string]Report{}
	for _, r := range reports {
		byMonth[r.Month] = r
	}
	out := make([]MonthPoint, 12)
	var pc, ac int64
	for i := range out {
		m := calendar.NewDate(p.PlanYear, time.January, 1).AddMonths(i)
		k := monthKey(m)
		pc += p.MonthPlan[i]
		pt := MonthPoint{Month: k, Planned: p.MonthPlan[i], PlannedCum: pc}
		if r, ok := byMonth[k]; ok {
			ac += r.InvestMonth
			pt.Actual, pt.Reported = r.InvestMonth, true
		} else if !m.After(owed) && !calendar.DateOf(p.CreatedAt).After(dueOn(m, cfg.ReportDay)) {
			pt.ReportMissing = true
		}
		if !m.After(day) || pt.Reported {
			pt.ActualCum = ac
		} else {
			pt.ActualCum = -1 // the future: no actual line
		}
		out[i] = pt
	}
	return out
}
