package safety

import (
	"context"
	"encoding/json"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/registry"
)

// Seed is a hazard as a bulk load writes it (the demo's history, the
// benchmarks' 100,000 rows): already in its final state, bypassing the
// workflow, which cannot backdate.
type Seed struct {
	Enterprise   *registry.Enterprise
	CampaignID   int64
	InspectionID int64
	Description  string
	Level        string
	FoundOn      calendar.Date
	FoundBy      string
	Responsible  string
	Measures     string
	Deadline     calendar.Date
	Funds        float64
	Status       string
	Rejections   int
	Plan         *PlanInput
	NoticeNumber string // 挂牌督办
	SubmittedBy  int64
	VerifiedBy   int64
	ClosedAt     time.Time
	CreatedBy    int64
}

var seedCols = []string{"id", "enterprise_id", "industry", "town_id", "town_path", "supervising_unit_id", "supervising_path",
	"campaign_id", "inspection_id", "description", "level", "found_on", "found_by", "responsible_person", "measures", "deadline",
	"funds", "status", "open", "rejections", "plan", "plan_at", "supervised", "notice_number", "submitted_by", "submitted_at",
	"verified_by", "closed_at", "created_by", "created_at", "updated_at", "grams"}

// CopyHazards inserts seeds in w with CopyFrom and returns their ids (in
// order). The caller records the audit entries.
func CopyHazards(ctx context.Context, w *audit.W, seeds []Seed) ([]int64, error) {
	ids, err := w.NextIDs(ctx, "safety_hazards", len(seeds))
	if err != nil {
		return nil, err
	}
	rows := make([][]any, len(seeds))
	for i, s := range seeds {
		e := s.Enterprise
		plan, planAt := "", any(nil)
		if s.Plan != nil {
			b, _ := json.Marshal(s.Plan)
			plan, planAt = string(b), s.FoundOn.Start()
		}
		created := s.FoundOn.At(10, 0)
		updated, submitted, closed := created, any(nil), any(nil)
		if s.Status == StatusVerifying || s.Status == StatusClosed {
			submitted = created.Add(72 * time.Hour)
			updated = submitted.(time.Time)
		}
		if !s.ClosedAt.IsZero() {
			closed, updated = s.ClosedAt, s.ClosedAt
		}
		rows[i] = []any{ids[i], e.ID, e.Industry, idOrNil(e.TownID), e.TownPath, idOrNil(e.SupervisingUnitID), e.SupervisingPath,
			idOrNil(s.CampaignID), idOrNil(s.InspectionID), s.Description, s.Level, s.FoundOn.String(), s.FoundBy, s.Responsible,
			s.Measures, s.Deadline.String(), s.Funds, s.Status, open(s.Status), s.Rejections, plan, planAt, s.NoticeNumber != "",
			s.NoticeNumber, idOrNil(s.SubmittedBy), submitted, idOrNil(s.VerifiedBy), closed, idOrNil(s.CreatedBy), created, updated,
			searchGrams(s.Description, s.NoticeNumber)}
	}
	if _, err := w.CopyFrom(ctx, "safety_hazards", seedCols, rows); err != nil {
		return nil, err
	}
	return ids, nil
}

// CopyEvents inserts history lines (hazard id, kind, summary, at).
func CopyEvents(ctx context.Context, w *audit.W, events [][]any) error {
	_, err := w.CopyFrom(ctx, "safety_hazard_events", []string{"hazard_id", "kind", "summary", "note", "user_id", "at"}, events)
	return err
}

// idOrNil is an optional id for CopyFrom: pgx wants plain values.
func idOrNil(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
