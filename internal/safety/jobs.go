package safety

import (
	"context"
	"fmt"
	"time"

	"diaodu/internal/attachments"
	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/jobs"
	"diaodu/internal/platform/notify"
)

// JobRemind is the daily overdue reminder and escalation.
const JobRemind = "safety.remind"

// Register adds the module's job, attachment owner and notification kinds.
func (s *Service) Register(j *jobs.Scheduler, att *attachments.Service, n *notify.Notifier) {
	j.Register(JobRemind, "安全生产隐患逾期提醒与升级", jobs.Daily(8, 30), func(ctx context.Context, asOf time.Time) error {
		_, err := s.Remind(ctx, asOf)
		return err
	})
	att.RegisterOwner(uploadOwner, s.uploadOwnerFunc)
	n.RegisterKind("safety.", "安全生产", "Work safety")
}

type overdueRow struct {
	id, town, sup      int64
	name, desc, level  string
	deadline           calendar.Date
	reminded, escalate bool
}

// Remind reminds the supervising unit (else the town) of every overdue
// hazard once a day, and escalates a hazard overdue more than the
// configured number of working days to the supervision office once. It
// returns how many messages it sent.
func (s *Service) Remind(ctx context.Context, asOf time.Time) (int, error) {
	st, err := s.settings.Get(ctx, s.DB.Read)
	if err != nil {
		return 0, err
	}
	today := calendar.DateOf(asOf)
	day := today.String()
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT h.id, COALESCE(h.town_id, 0), COALESCE(h.supervising_unit_id, 0), e.name, h.description,
		h.level, h.deadline,
		EXISTS (SELECT 1 FROM safety_reminders r WHERE r.hazard_id = h.id AND r.kind = 'remind' AND r.day = $2),
		EXISTS (SELECT 1 FROM safety_reminders r WHERE r.hazard_id = h.id AND r.kind = 'escalate')
		FROM safety_hazards h JOIN enterprises e ON e.id = h.enterprise_id
		WHERE h.open = TRUE AND h.deadline < $1 ORDER BY h.deadline, h.id`, today, day)
	if err != nil {
		return 0, err
	}
	var due []overdueRow
	for rows.Next() {
		var r overdueRow
		if err := rows.Scan(&r.id, &r.town, &r.sup, &r.name, &r.desc, &r.level, &r.deadline, &r.reminded, &r.escalate); err != nil {
			rows.Close()
			return 0, err
		}
		if !r.reminded || (!r.escalate && s.Calendar.WorkdaysBetween(r.deadline, today) > st.EscalateAfterDays) {
			due = append(due, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(due) == 0 {
		return 0, err
	}
	sent := 0
	err = s.Audit.Write(ctx, auth.System(JobRemind), func(w *audit.W) error {
		office, err := org.UserIDsWithRole(ctx, w, string(auth.Supervisor))
		if err != nil {
			return err
		}
		for _, r := range due {
			to := []int64{}
			for _, u := range []int64{r.sup, r.town} {
				if u != 0 {
					to = append(to, u)
					break
				}
			}
			days := r.deadline.DaysUntil(today)
			title := fmt.Sprintf("隐患逾期%d天未整改：%s", days, r.name)
			if !r.reminded {
				if err := s.remindOne(ctx, w, r, "remind", day, notify.Message{Kind: "safety.overdue", Title: title,
					Body: Levels[r.level] + "隐患：" + cut(r.desc, 80) + "；整改期限" + r.deadline.String(), UnitIDs: to}); err != nil {
					return err
				}
				sent++
			}
			if !r.escalate && s.Calendar.WorkdaysBetween(r.deadline, today) > st.EscalateAfterDays {
				units := to
				if r.town != 0 && (len(to) == 0 || to[0] != r.town) {
					units = append(units, r.town)
				}
				if err := s.remindOne(ctx, w, r, "escalate", "", notify.Message{Kind: "safety.escalate",
					Title: fmt.Sprintf("【升级】隐患逾期超过%d个工作日：%s", st.EscalateAfterDays, r.name),
					Body:  cut(r.desc, 80) + "；整改期限" + r.deadline.String(), UserIDs: office, UnitIDs: units}); err != nil {
					return err
				}
				sent++
			}
		}
		return w.Record(audit.Entry{Action: "safety.remind", ObjectType: "job", ObjectID: JobRemind,
			Summary: fmt.Sprintf("隐患逾期提醒与升级：%d条", sent), After: map[string]any{"day": day, "sent": sent}})
	})
	return sent, err
}

// remindOne sends one reminder (kind remind: once a day; escalate: once)
// and notes it in the hazard's history.
func (s *Service) remindOne(ctx context.Context, w *audit.W, r overdueRow, kind, day string, m notify.Message) error {
	if _, err := w.ExecContext(ctx, `INSERT INTO safety_reminders (hazard_id, kind, day) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		r.id, kind, day); err != nil {
		return err
	}
	m.Link, m.ObjectType, m.ObjectID = hazardLink(r.id), "safety_hazard", idStr(r.id)
	m.DedupKey = "safety." + kind + ":" + idStr(r.id) + ":" + day
	if _, err := s.Notify.Send(ctx, w, m); err != nil {
		return err
	}
	summary := "逾期提醒监管单位"
	if kind == "escalate" {
		summary = "逾期升级至督查室"
	}
	return event(ctx, w, r.id, kind, summary, m.Title)
}
