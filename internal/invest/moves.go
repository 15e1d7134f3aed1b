package invest

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/imports"
	"diaodu/internal/platform/jobs"
	"diaodu/internal/platform/notify"
)

// Move takes a lead to another stage on a day (default today). Moving
// backwards needs a reason; a converted lead cannot go back before 签约.
// Reaching 签约 and 开工 sets the dates the targets count; going back
// below them clears them.
func (s *Service) Move(ctx context.Context, a *auth.Actor, id int64, in MoveInput) (*Detail, error) {
	err := s.Audit.Write(ctx, a, func(w *audit.W) error { return s.MoveIn(ctx, w, id, in) })
	if err != nil {
		return nil, err
	}
	return s.Detail(ctx, a, id)
}

// MoveIn is Move inside the caller's transaction.
func (s *Service) MoveIn(ctx context.Context, w *audit.W, id int64, in MoveInput) error {
	l, err := s.lockLead(ctx, w, id)
	if err != nil {
		return err
	}
	day := today(w.Now())
	in.Note, in.Reason = strings.TrimSpace(in.Note), strings.TrimSpace(in.Reason)
	to := stageByName(strings.TrimSpace(in.Stage))
	f := errs.Fields{}
	from, toRank := StageRank(l.Stage), StageRank(to)
	on := in.OnDay
	if on.IsZero() {
		on = day
	}
	switch {
	case to == "":
		f.Add("stage", "阶段应为线索、接洽、考察、洽谈、签约、注册、开工或投产", "stage must be one of clue … producing")
	case to == l.Stage:
		f.Add("stage", "线索已处于“"+StageName(to)+"”阶段", "the lead is already at "+to)
	case toRank < from && in.Reason == "":
		f.Add("reason", "从“"+StageName(l.Stage)+"”回退到“"+StageName(to)+"”须说明原因", "moving back needs a reason")
	case toRank < StageRank(StageSigned) && l.ProjectID != nil:
		f.Add("stage", "线索已转为重点项目，不能退回签约之前", "a converted lead cannot go back before signing")
	}
	switch {
	case on.After(day):
		f.Add("on_day", "日期不能晚于今天", "on_day may not be in the future")
	case on.Before(l.StageOn):
		f.Add("on_day", "日期不能早于进入“"+StageName(l.Stage)+"”阶段的日期（"+l.StageOn.String()+"）",
			"on_day may not be before the current stage began")
	}
	if utf8.RuneCountInString(in.Note) > 1000 || utf8.RuneCountInString(in.Reason) > 500 {
		f.Add("note", "情况说明不超过1000字，回退原因不超过500字", "note or reason too long")
	}
	if err := f.Err(); err != nil {
		return err
	}
	signedOn, startedOn := l.SignedOn, l.StartedOn
	if toRank >= StageRank(StageSigned) && signedOn.IsZero() {
		signedOn = on
	}
	if toRank < StageRank(StageSigned) {
		signedOn = calendar.Date{}
	}
	if toRank >= StageRank(StageStarted) && startedOn.IsZero() {
		startedOn = on
	}
	if toRank < StageRank(StageStarted) {
		startedOn = calendar.Date{}
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return err
	}
	light, reason := s.lightOf(cfg, to, on, day, l.ProjectID != nil)
	if _, err := w.ExecContext(ctx, `UPDATE invest_leads SET stage = $1, stage_rank = $2, stage_on = $3, active_on = $3,
		signed_on = $4, started_on = $5, light = $6, light_reason = $7, updated_at = $8 WHERE id = $9`,
		to, toRank, on.String(), dateArg(signedOn), dateArg(startedOn), light, reason, w.Now(), id); err != nil {
		return err
	}
	if err := event(ctx, w, id, "move", l.Stage, to, on, in.Note, in.Reason); err != nil {
		return err
	}
	verb := "推进"
	if toRank < from {
		verb = "回退"
	}
	return w.Record(audit.Entry{Action: "invest.lead.move", ObjectType: "invest_lead", ObjectID: idStr(id),
		Summary: fmt.Sprintf("招商线索“%s”由“%s”%s到“%s”", l.Company, StageName(l.Stage), verb, StageName(to)),
		Before:  map[string]any{"stage": l.Stage, "stage_on": l.StageOn}, After: map[string]any{"stage": to, "stage_on": on, "reason": in.Reason}})
}

// Note records follow-up work on a lead; it counts as activity, so the
// idle clock starts again.
func (s *Service) Note(ctx context.Context, a *auth.Actor, id int64, note string) (*Detail, error) {
	note = strings.TrimSpace(note)
	f := errs.Fields{}
	if note == "" || utf8.RuneCountInString(note) > 1000 {
		f.Add("note", "记录内容不能为空，且不超过1000字", "note is required, at most 1000 characters")
		return nil, f.Err()
	}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		l, err := s.lockLead(ctx, w, id)
		if err != nil {
			return err
		}
		day := today(w.Now())
		cfg, err := s.current(ctx)
		if err != nil {
			return err
		}
		light, reason := s.lightOf(cfg, l.Stage, day, day, l.ProjectID != nil)
		if _, err := w.ExecContext(ctx, `UPDATE invest_leads SET active_on = $1, light = $2, light_reason = $3, updated_at = $4 WHERE id = $5`,
			day.String(), light, reason, w.Now(), id); err != nil {
			return err
		}
		if err := event(ctx, w, id, "note", "", "", day, note, ""); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "invest.lead.note", ObjectType: "invest_lead", ObjectID: idStr(id),
			Summary: "招商线索“" + l.Company + "”记录跟进情况", After: map[string]string{"note": note}})
	})
	if err != nil {
		return nil, err
	}
	return s.Detail(ctx, a, id)
}

// KindIdle is the notification kind of idle-lead reminders.
const KindIdle = "invest.idle"

// Register wires the module's importers (invest-leads, invest-targets)
// and job: lights and reminders every 15 minutes
// (a full recompute once a day or after the settings or calendar change;
// reminders carry a dedup key per lead and day).
func (s *Service) Register(j *jobs.Scheduler, n *notify.Notifier, im *imports.Service) {
	n.RegisterKind(KindIdle, "招商线索停滞提醒", "Idle investment lead")
	im.Register(LeadImporter{S: s})
	im.Register(TargetImporter{S: s})
	j.Register("invest.lights", "招商线索亮灯与提醒", jobs.Every(15*time.Minute), func(ctx context.Context, _ time.Time) error {
		_, err := s.RecomputeIfStale(ctx)
		return err
	})
}

type lightsMark struct {
	day      calendar.Date
	settings string
	calendar int64
}

// RecomputeIfStale recomputes every light unless this replica already did
// for the same day, settings and calendar.
func (s *Service) RecomputeIfStale(ctx context.Context) (int, error) {
	st, err := s.current(ctx)
	if err != nil {
		return 0, err
	}
	mark := lightsMark{day: today(s.Clock.Now()), settings: fmt.Sprint(st)}
	if err := s.DB.R.QueryRowContext(ctx, `SELECT version FROM calendar_meta WHERE id = 1`).Scan(&mark.calendar); err != nil {
		return 0, err
	}
	s.mu.Lock()
	fresh := s.lightsDone == mark
	s.mu.Unlock()
	if fresh {
		return 0, nil
	}
	n, err := s.Recompute(ctx, auth.System("invest.lights"))
	if err == nil {
		s.mu.Lock()
		s.lightsDone = mark
		s.mu.Unlock()
	}
	return n, err
}

// Recompute sets every lead's light as of today and reminds the owners of
// yellow and red leads (once per lead and day). It returns how many
// lights changed.
func (s *Service) Recompute(ctx context.Context, a *auth.Actor) (int, error) {
	if err := auth.Require(a, auth.ManageLeads); err != nil {
		return 0, err
	}
	if !a.DistrictWide() {
		return 0, errs.ErrForbidden
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return 0, err
	}
	day := today(s.Clock.Now())
	type change struct {
		id                  int64
		light, reason, comp string
		owner, team         int64
		stage               string
	}
	var changes, reds []change
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, company, stage, active_on, light, light_reason, project_id IS NOT NULL,
		COALESCE(owner_id, 0), team_id FROM invest_leads WHERE light <> 'none' OR (stage <> 'producing' AND project_id IS NULL)`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var c change
		var active nullDate
		var oldLight, oldReason string
		var converted bool
		if err := rows.Scan(&c.id, &c.comp, &c.stage, &active, &oldLight, &oldReason, &converted, &c.owner, &c.team); err != nil {
			rows.Close()
			return 0, err
		}
		c.light, c.reason = s.lightOf(cfg, c.stage, active.D, day, converted)
		if c.light != oldLight || c.reason != oldReason {
			changes = append(changes, c)
		}
		if c.light == LightYellow || c.light == LightRed {
			reds = append(reds, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(changes) == 0 && len(reds) == 0 {
		return 0, nil
	}
	// Reminders: one a lead and day; the dedup key makes reruns free, but
	// skip the leads already reminded today without a write.
	reminded := map[string]bool{}
	if len(reds) > 0 {
		r2, err := s.DB.R.QueryContext(ctx, `SELECT key FROM notify_dedup WHERE key LIKE $1`, KindIdle+":%:"+day.String())
		if err == nil {
			for r2.Next() {
				var k string
				if r2.Scan(&k) == nil {
					reminded[k] = true
				}
			}
			r2.Close()
		}
	}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		for _, c := range changes {
			if _, err := w.ExecContext(ctx, `UPDATE invest_leads SET light = $1, light_reason = $2 WHERE id = $3`, c.light, c.reason, c.id); err != nil {
				return err
			}
		}
		sent := 0
		for _, c := range reds {
			key := fmt.Sprintf("%s:%d:%s", KindIdle, c.id, day)
			if reminded[key] {
				continue
			}
			m := notify.Message{Kind: KindIdle, Title: "招商线索“" + c.comp + "”" + map[string]string{LightYellow: "亮黄灯", LightRed: "亮红灯"}[c.light],
				Body: c.reason + "，请及时跟进并记录进展。", Link: leadLink(c.id), ObjectType: "invest_lead", ObjectID: idStr(c.id), DedupKey: key}
			if c.owner != 0 {
				m.UserIDs = []int64{c.owner}
			} else {
				m.UnitIDs = []int64{c.team}
			}
			if err := s.send(ctx, w, m); err != nil {
				return err
			}
			sent++
		}
		return w.Record(audit.Entry{Action: "invest.lights", ObjectType: "invest_lead",
			Summary: fmt.Sprintf("招商线索亮灯：%d条变化，提醒%d条", len(changes), sent)})
	})
	return len(changes), err
}
