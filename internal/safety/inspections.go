package safety

import (
	"context"
	"fmt"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/registry"
)

var inspectionNotFound = errs.NotFoundf("检查记录", "inspection")

const inspectionCols = `i.id, COALESCE(i.client_key, ''), COALESCE(i.campaign_id, 0), COALESCE(c.name, ''), i.enterprise_id, e.name,
	e.industry, COALESCE(t.name, ''), i.inspected_on, i.inspectors, i.note, i.passed, i.failed, i.na, COALESCE(u.real_name, ''),
	i.created_at, i.town_path, i.supervising_path`

const inspectionFrom = ` FROM safety_inspections i JOIN enterprises e ON e.id = i.enterprise_id LEFT JOIN units t ON t.id = e.town_id
	LEFT JOIN safety_campaigns c ON c.id = i.campaign_id LEFT JOIN users u ON u.id = i.created_by `

func scanInspection(sc interface{ Scan(...any) error }) (*Inspection, string, string, error) {
	var x Inspection
	var tp, sp string
	err := sc.Scan(&x.ID, &x.ClientKey, &x.CampaignID, &x.CampaignName, &x.EnterpriseID, &x.EnterpriseName, &x.Industry, &x.TownName,
		&x.InspectedOn, &x.Inspectors, &x.Note, &x.Passed, &x.Failed, &x.NA, &x.CreatedBy, &x.CreatedAt, &tp, &sp)
	return &x, tp, sp, err
}

// ListInspections lists inspections in scope, newest first.
func (s *Service) ListInspections(ctx context.Context, a *auth.Actor, campaignID, enterpriseID int64, p httpx.Page) ([]Inspection, int, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, 0, err
	}
	var args db.Args
	where := scopeSQL(a, "i.town_path", "i.supervising_path", &args)
	if campaignID != 0 {
		where += " AND i.campaign_id = " + args.Add(campaignID)
	}
	if enterpriseID != 0 {
		where += " AND i.enterprise_id = " + args.Add(enterpriseID)
	}
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM safety_inspections i WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + inspectionCols + inspectionFrom + ` WHERE ` + where + ` ORDER BY i.inspected_on DESC, i.id DESC`
	if p.Size > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset())
	}
	out, err := s.queryInspections(ctx, q, args...)
	return out, total, err
}

func (s *Service) queryInspections(ctx context.Context, q string, args ...any) ([]Inspection, error) {
	inds, err := s.Registry.Industries(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Inspection{}
	for rows.Next() {
		x, _, _, err := scanInspection(rows)
		if err != nil {
			return nil, err
		}
		x.IndustryName = registry.IndustryName(inds, x.Industry)
		out = append(out, *x)
	}
	return out, rows.Err()
}

// GetInspection returns an inspection with its answers, photos and the
// hazards it filed.
func (s *Service) GetInspection(ctx context.Context, a *auth.Actor, id int64) (*Inspection, error) {
	x, tp, sp, err := scanInspection(s.DB.Read.QueryRowContext(ctx, `SELECT `+inspectionCols+inspectionFrom+` WHERE i.id = $1`, id))
	if isNoRows(err) {
		return nil, inspectionNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := require(a, auth.ViewSafety, tp, sp, inspectionNotFound); err != nil {
		return nil, err
	}
	inds, err := s.Registry.Industries(ctx)
	if err != nil {
		return nil, err
	}
	x.IndustryName = registry.IndustryName(inds, x.Industry)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT an.item_id, it.text, an.result, an.note, COALESCE(an.hazard_id, 0)
		FROM safety_answers an JOIN safety_checklist_items it ON it.id = an.item_id WHERE an.inspection_id = $1 ORDER BY it.industry <> '', it.seq, it.id`, id)
	if err != nil {
		return nil, err
	}
	x.Answers = []Answer{}
	for rows.Next() {
		var an Answer
		if err := rows.Scan(&an.ItemID, &an.ItemText, &an.Result, &an.Note, &an.HazardID); err != nil {
			rows.Close()
			return nil, err
		}
		x.Answers = append(x.Answers, an)
	}
	rows.Close()
	if x.Photos, err = s.photos(ctx, "inspection", id); err != nil {
		return nil, err
	}
	if x.Hazards, err = s.queryHazards(ctx, `SELECT `+hazardCols+hazardFrom+` WHERE h.inspection_id = $1 ORDER BY h.id`, s.today(), id); err != nil {
		return nil, err
	}
	return x, nil
}

// CreateInspection records an inspection; each failed checklist item files
// a hazard in the same transaction. A client key already stored returns
// the stored inspection with created = false and changes nothing.
func (s *Service) CreateInspection(ctx context.Context, a *auth.Actor, in InspectionInput) (*Inspection, bool, error) {
	key, stored, err := replay(ctx, s, a, "safety_inspections", in.ClientKey, s.GetInspection)
	if err != nil || stored != nil {
		return stored, false, err
	}
	st, err := s.settings.Get(ctx, s.DB.Read)
	if err != nil {
		return nil, false, err
	}
	var id int64
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		e, err := s.enterprise(ctx, w, a, in.EnterpriseID, auth.InspectSafety)
		if err != nil {
			return err
		}
		if err := s.checkCampaign(ctx, w, in.CampaignID); err != nil {
			return err
		}
		today := calendar.DateOf(w.Now())
		f := errs.Fields{}
		if in.InspectedOn.IsZero() {
			in.InspectedOn = today
		} else if in.InspectedOn.After(today) {
			f.Add("inspected_on", "检查日期不能晚于今天", "inspected_on may not be in the future")
		}
		in.Inspectors = text(f, "inspectors", "检查人员", in.Inspectors, 0, 200)
		if in.Inspectors == "" {
			in.Inspectors = a.RealName
		}
		in.Note = text(f, "note", "检查情况", in.Note, 0, 2000)
		items, err := s.answerItems(ctx, w, in, e, f)
		if err != nil {
			return err
		}
		ownPhotos := splitPhotos(&in, f)
		if err := f.Err(); err != nil {
			return err
		}
		var pass, fail, na int
		for _, an := range in.Answers {
			switch an.Result {
			case AnswerPass:
				pass++
			case AnswerFail:
				fail++
			default:
				na++
			}
		}
		if err := w.QueryRowContext(ctx, `INSERT INTO safety_inspections (client_key, campaign_id, enterprise_id, town_path, supervising_path,
			inspected_on, inspectors, note, passed, failed, na, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			RETURNING id`, nullStr(key), db.NullID(in.CampaignID), e.ID, e.TownPath, e.SupervisingPath, in.InspectedOn, in.Inspectors,
			in.Note, pass, fail, na, db.NullID(a.UserID), w.Now()).Scan(&id); err != nil {
			return err
		}
		if err := s.takeFiles(ctx, w, a, "photo_ids", "inspection", id, "inspection", ownerUnit(e, a), ownPhotos); err != nil {
			return err
		}
		deadline := s.Calendar.AddWorkdays(today, st.DefaultDeadline)
		for i, an := range in.Answers {
			var hid int64
			if an.Result == AnswerFail {
				if hid, err = s.failedItem(ctx, w, a, e, in, i, items[an.ItemID], deadline, id); err != nil {
					return err
				}
			}
			if _, err := w.ExecContext(ctx, `INSERT INTO safety_answers (inspection_id, item_id, result, note, hazard_id) VALUES ($1, $2, $3, $4, $5)`,
				id, an.ItemID, an.Result, an.Note, db.NullID(hid)); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "safety.inspection.create", ObjectType: "safety_inspection", ObjectID: idStr(id),
			UnitID: ownerUnit(e, a), Summary: fmt.Sprintf("检查%s：符合%d项，不符合%d项", e.Name, pass, fail),
			After: map[string]any{"enterprise_id": e.ID, "campaign_id": in.CampaignID, "inspected_on": in.InspectedOn,
				"inspectors": in.Inspectors, "answers": in.Answers}})
	})
	if err != nil {
		if key != "" && db.IsUniqueViolation(err) {
			return s.CreateInspection(ctx, a, in)
		}
		return nil, false, err
	}
	x, err := s.GetInspection(ctx, a, id)
	return x, true, err
}

// answerItems checks the answers: items of the campaign's checklist for
// the enterprise's industry (or common), once each, a known result, a
// note on failed items' hazards. It returns the items' texts by id.
func (s *Service) answerItems(ctx context.Context, w *audit.W, in InspectionInput, e *registry.Enterprise, f errs.Fields) (map[int64]string, error) {
	items := map[int64]string{}
	if len(in.Answers) == 0 {
		return items, nil
	}
	if in.CampaignID == 0 {
		f.Add("campaign_id", "按检查表检查时请选择专项行动", "answers need the campaign whose checklist they answer")
		return items, nil
	}
	rows, err := w.QueryContext(ctx, `SELECT id, text FROM safety_checklist_items WHERE campaign_id = $1 AND (industry = '' OR industry = $2)`,
		in.CampaignID, e.Industry)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			rows.Close()
			return nil, err
		}
		items[id] = t
	}
	rows.Close()
	seen := map[int64]bool{}
	for i := range in.Answers {
		an := &in.Answers[i]
		field := fmt.Sprintf("answers[%d]", i)
		if _, ok := items[an.ItemID]; !ok {
			f.Add(field, "检查项不属于该企业所在行业的检查表", "the item is not on this enterprise's checklist")
		}
		if seen[an.ItemID] {
			f.Add(field, "同一检查项只能回答一次", "an item is answered once")
		}
		seen[an.ItemID] = true
		if an.Result != AnswerPass && an.Result != AnswerFail && an.Result != AnswerNA {
			f.Add(field, "检查结果应为符合、不符合或不适用", "result must be pass, fail or na")
		}
		an.Note = text(f, field, "检查说明", an.Note, 0, 1000)
		if an.Result == AnswerFail && an.Note == "" && (an.Hazard == nil || strings.TrimSpace(an.Hazard.Description) == "") {
			f.Add(field, "不符合的检查项请说明存在的问题", "describe what failed")
		}
	}
	return items, nil
}

// failedItem files the hazard of the i-th (failed) answer.
func (s *Service) failedItem(ctx context.Context, w *audit.W, a *auth.Actor, e *registry.Enterprise, in InspectionInput, i int,
	itemText string, deadline calendar.Date, inspectionID int64) (int64, error) {
	an := in.Answers[i]
	h := an.Hazard
	if h == nil {
		h = &AnswerHazard{}
	}
	desc := strings.TrimSpace(h.Description)
	if desc == "" {
		desc = itemText + "：" + an.Note
	}
	hi := HazardInput{CampaignID: in.CampaignID, Description: &desc, FoundOn: &in.InspectedOn, FoundBy: &in.Inspectors,
		ResponsiblePerson: &h.ResponsiblePerson, Measures: &h.Measures, Funds: &h.Funds, Deadline: &deadline, PhotoIDs: h.PhotoIDs}
	if h.Level != "" {
		hi.Level = &h.Level
	}
	if h.Deadline != nil {
		hi.Deadline = h.Deadline
	}
	id, err := s.insertHazard(ctx, w, a, e, hi, "", inspectionID)
	if fe, ok := errs.As(err); ok && fe.Code == errs.Validation {
		// Name the answer the hazard came from.
		f := errs.Fields{}
		for k, v := range fe.Fields {
			f[fmt.Sprintf("answers[%d].hazard.%s", i, k)] = v
		}
		return 0, f.Err()
	}
	return id, err
}

// splitPhotos hands the photos of failed items (photo_item_ids parallel to
// photo_ids) to those items' hazards and returns the inspection's own.
func splitPhotos(in *InspectionInput, f errs.Fields) []int64 {
	if len(in.PhotoItemIDs) == 0 {
		return in.PhotoIDs
	}
	if len(in.PhotoItemIDs) != len(in.PhotoIDs) {
		f.Add("photo_item_ids", "照片与检查项的对应关系不完整，请重新提交", "photo_item_ids must be as long as photo_ids")
		return nil
	}
	failed := map[int64]int{}
	for i, an := range in.Answers {
		if an.Result == AnswerFail {
			failed[an.ItemID] = i
		}
	}
	own := []int64{}
	for i, item := range in.PhotoItemIDs {
		if item == 0 {
			own = append(own, in.PhotoIDs[i])
			continue
		}
		j, ok := failed[item]
		if !ok {
			f.Add("photo_item_ids", "照片对应的检查项不是不符合项", "a photo's item is not a failed item")
			continue
		}
		if in.Answers[j].Hazard == nil {
			in.Answers[j].Hazard = &AnswerHazard{}
		}
		in.Answers[j].Hazard.PhotoIDs = append(in.Answers[j].Hazard.PhotoIDs, in.PhotoIDs[i])
	}
	return own
}
