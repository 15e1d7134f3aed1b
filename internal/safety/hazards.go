package safety

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/registry"
)

var hazardNotFound = errs.NotFoundf("隐患", "hazard")

const hazardCols = `h.id, COALESCE(h.client_key, ''), h.enterprise_id, e.name, e.credit_code, h.industry, COALESCE(h.town_id, 0),
	COALESCE(t.name, ''), COALESCE(h.supervising_unit_id, 0), COALESCE(su.name, ''), COALESCE(h.campaign_id, 0), COALESCE(c.name, ''),
	COALESCE(h.inspection_id, 0), h.description, h.level, h.found_on, h.found_by, h.responsible_person, h.measures, h.deadline,
	h.funds, h.status, h.rejections, h.plan <> '', h.supervised, h.notice_number, COALESCE(sb.real_name, ''), COALESCE(vb.real_name, ''),
	h.closed_at, h.created_at, h.updated_at, h.town_path, h.supervising_path, COALESCE(h.submitted_by, 0)`

const hazardFrom = ` FROM safety_hazards h JOIN enterprises e ON e.id = h.enterprise_id LEFT JOIN units t ON t.id = h.town_id
	LEFT JOIN units su ON su.id = h.supervising_unit_id LEFT JOIN safety_campaigns c ON c.id = h.campaign_id
	LEFT JOIN users sb ON sb.id = h.submitted_by LEFT JOIN users vb ON vb.id = h.verified_by `

// hazardRow is a hazard with what the rules need beyond the JSON.
type hazardRow struct {
	Hazard
	townPath, supPath string
	submittedBy       int64
}

func scanHazard(sc interface{ Scan(...any) error }) (*hazardRow, error) {
	var h hazardRow
	var closed nullTime
	if err := sc.Scan(&h.ID, &h.ClientKey, &h.EnterpriseID, &h.EnterpriseName, &h.CreditCode, &h.Industry, &h.TownID, &h.TownName,
		&h.SupervisingUnitID, &h.SupervisingUnitName, &h.CampaignID, &h.CampaignName, &h.InspectionID, &h.Description, &h.Level,
		&h.FoundOn, &h.FoundBy, &h.ResponsiblePerson, &h.Measures, &h.Deadline, &h.Funds, &h.Status, &h.Rejections, &h.HasPlan,
		&h.Supervised, &h.NoticeNumber, &h.SubmittedBy, &h.VerifiedBy, &closed, &h.CreatedAt, &h.UpdatedAt, &h.townPath, &h.supPath,
		&h.submittedBy); err != nil {
		return nil, err
	}
	h.ClosedAt = closed.Ptr()
	return &h, nil
}

// open tells whether a status can be overdue: the enterprise still has
// the work to do (a fix waiting for verification is not late).
func open(status string) bool { return status == StatusPending || status == StatusRectifying }

// present fills the names, light and overdue figures as of today.
func (h *Hazard) present(today calendar.Date, inds []registry.Industry) {
	h.LevelName, h.StatusName = Levels[h.Level], Statuses[h.Status]
	h.IndustryName = registry.IndustryName(inds, h.Industry)
	h.Light, h.Overdue, h.OverdueDays = "", false, 0
	if !open(h.Status) {
		return
	}
	switch {
	case h.Deadline.Before(today):
		h.Light, h.Overdue, h.OverdueDays = LightRed, true, h.Deadline.DaysUntil(today)
	case today.DaysUntil(h.Deadline) <= 3:
		h.Light = LightYellow
	default:
		h.Light = LightGreen
	}
}

// hazard loads a hazard regardless of scope (nil, nil when missing).
func (s *Service) hazard(ctx context.Context, q querier, id int64) (*hazardRow, error) {
	h, err := scanHazard(q.QueryRowContext(ctx, `SELECT `+hazardCols+hazardFrom+` WHERE h.id = $1`, id))
	if isNoRows(err) {
		return nil, nil
	}
	return h, err
}

// querier reads inside or outside a transaction.
type querier = registry.Querier

// HazardFilter selects ledger rows.
type HazardFilter struct {
	CampaignID        int64
	Industry          string
	TownID            int64
	SupervisingUnitID int64
	EnterpriseID      int64
	Level             string
	Statuses          []string
	Overdue           *bool
	Supervised        *bool
	Q                 string

	named []int64 // enterprises with Q in their name, looked up first
}

var hazardSorts = map[string]string{
	"found_on": "h.found_on", "deadline": "h.deadline", "level": "h.level", "status": "h.status",
	"enterprise": "e.name", "updated_at": "h.updated_at", "id": "h.id",
}

// filtered tells whether the ledger is filtered by more than its scope.
func (f HazardFilter) filtered() bool {
	return f.CampaignID != 0 || f.Industry != "" || f.TownID != 0 || f.SupervisingUnitID != 0 || f.EnterpriseID != 0 ||
		f.Level != "" || len(f.Statuses) > 0 || f.Overdue != nil || f.Supervised != nil
}

// where builds the ledger's condition for the actor.
func (f HazardFilter) where(a *auth.Actor, today calendar.Date, dialect db.Dialect) (string, db.Args, error) {
	var args db.Args
	arg := args.Add
	// The filters go inside each branch of the scope (see scopeAnd).
	w := ""
	fe := errs.Fields{}
	if f.CampaignID != 0 {
		w += " AND h.campaign_id = " + arg(f.CampaignID)
	}
	if f.Industry != "" {
		w += " AND h.industry = " + arg(f.Industry)
	}
	if f.TownID != 0 {
		w += " AND h.town_id = " + arg(f.TownID)
	}
	if f.SupervisingUnitID != 0 {
		w += " AND h.supervising_unit_id = " + arg(f.SupervisingUnitID)
	}
	if f.EnterpriseID != 0 {
		w += " AND h.enterprise_id = " + arg(f.EnterpriseID)
	}
	if f.Level != "" {
		if _, ok := Levels[f.Level]; !ok {
			fe.Add("level", "隐患等级应为 general 或 major", "level must be general or major")
		}
		w += " AND h.level = " + arg(f.Level)
	}
	if len(f.Statuses) > 0 {
		ph := []string{}
		for _, st := range f.Statuses {
			if _, ok := Statuses[st]; !ok {
				fe.Add("status", "未知的整改状态："+st, "unknown status "+st)
			}
			ph = append(ph, arg(st))
		}
		w += " AND h.status IN (" + strings.Join(ph, ", ") + ")"
	}
	if f.Overdue != nil {
		if *f.Overdue {
			w += " AND h.open = TRUE AND h.deadline < " + arg(today)
		} else {
			w += " AND NOT (h.open = TRUE AND h.deadline < " + arg(today) + ")"
		}
	}
	if f.Supervised != nil {
		w += " AND h.supervised = " + arg(*f.Supervised)
	}
	w = scopeAnd(a, "h.town_path", "h.supervising_path", &args, strings.TrimPrefix(w, " AND "))
	if q := strings.TrimSpace(f.Q); q != "" {
		w += " AND " + searchCond(q, f.named, dialect, &args)
	}
	return w, args, fe.Err()
}

// ListHazards is the ledger (隐患台账); a page size of 0 lists all (export).
func (s *Service) ListHazards(ctx context.Context, a *auth.Actor, f HazardFilter, p httpx.Page) ([]Hazard, int, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, 0, err
	}
	order, err := db.OrderBy(p.Sort, "-found_on", hazardSorts, "h.id")
	if err != nil {
		return nil, 0, err
	}
	if f.Q != "" || (!a.DistrictWide() && f.filtered()) {
		// Sort the matches rather than walk the sort's index: a text
		// search's matches come from the pair index, and a filtered
		// town's from its path index (see scopeAnd), a few rows each,
		// where the walk would visit a district's rows to find 20.
		order = strings.NewReplacer("h.found_on", "h.found_on || ''", "h.deadline", "h.deadline || ''").Replace(order)
	}
	today := s.today()
	if f.named, err = s.enterprisesNamed(ctx, f.Q); err != nil {
		return nil, 0, err
	}
	where, args, err := f.where(a, today, s.DB.Dialect)
	if err != nil {
		return nil, 0, err
	}
	from := ` FROM safety_hazards h`
	if strings.Contains(order, "e.") {
		from += ` JOIN enterprises e ON e.id = h.enterprise_id`
	}
	count := func() (int, error) {
		var n int
		err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*)`+from+` WHERE `+where, args...).Scan(&n)
		return n, err
	}
	if p.Size == 0 {
		total, err := count()
		if err != nil {
			return nil, 0, err
		}
		out, err := s.queryHazards(ctx, `SELECT `+hazardCols+hazardFrom+` WHERE `+where+` ORDER BY `+order, today, args...)
		return out, total, err
	}
	// A page: pick the ids on the hazards table alone (its indexes give
	// the order), then join names for those 20 rows only; one joined
	// query lets the planner start from the small tables and sort 100,000
	// rows. A text search, which sorts its matches anyway, counts them in the
	// same pass.
	total, err := 0, error(nil)
	counted := f.Q != ""
	if !counted {
		if total, err = count(); err != nil {
			return nil, 0, err
		}
	}
	totalCol := "0"
	if counted {
		totalCol = "COUNT(*) OVER ()"
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT h.id, `+totalCol+from+` WHERE `+where+` ORDER BY `+order+
		fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset()), args...)
	if err != nil {
		return nil, 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, 0, err
		}
		ids, total = append(ids, id), max(total, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(ids) == 0 {
		if counted && p.Page > 1 {
			// Past the last page: the count still tells how many there are.
			total, err = count()
		}
		return []Hazard{}, total, err
	}
	var idArgs db.Args
	got, err := s.queryHazards(ctx, `SELECT `+hazardCols+hazardFrom+` WHERE h.id IN (`+inList(&idArgs, ids)+`)`, today, idArgs...)
	if err != nil {
		return nil, 0, err
	}
	at := make(map[int64]Hazard, len(got))
	for _, h := range got {
		at[h.ID] = h
	}
	out := make([]Hazard, 0, len(ids))
	for _, id := range ids {
		out = append(out, at[id])
	}
	return out, total, nil
}

func (s *Service) queryHazards(ctx context.Context, q string, today calendar.Date, args ...any) ([]Hazard, error) {
	inds, err := s.Registry.Industries(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Hazard{}
	for rows.Next() {
		h, err := scanHazard(rows)
		if err != nil {
			return nil, err
		}
		h.present(today, inds)
		out = append(out, h.Hazard)
	}
	return out, rows.Err()
}

// GetHazard is the hazard page.
func (s *Service) GetHazard(ctx context.Context, a *auth.Actor, id int64) (*HazardDetail, error) {
	h, err := s.hazard(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, hazardNotFound
	}
	if err := require(a, auth.ViewSafety, h.townPath, h.supPath, hazardNotFound); err != nil {
		return nil, err
	}
	return s.detail(ctx, a, h)
}

func (s *Service) detail(ctx context.Context, a *auth.Actor, h *hazardRow) (*HazardDetail, error) {
	inds, err := s.Registry.Industries(ctx)
	if err != nil {
		return nil, err
	}
	today := s.today()
	h.present(today, inds)
	d := &HazardDetail{Hazard: h.Hazard}
	var plan, by string
	var at nullTime
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT h.plan, COALESCE(u.real_name, ''), h.plan_at FROM safety_hazards h
		LEFT JOIN users u ON u.id = h.plan_by WHERE h.id = $1`, h.ID).Scan(&plan, &by, &at); err != nil {
		return nil, err
	}
	if plan != "" {
		d.Plan = &Plan{UpdatedBy: by}
		if at.Ptr() != nil {
			d.Plan.UpdatedAt = at.T
		}
		if err := json.Unmarshal([]byte(plan), &d.Plan.PlanInput); err != nil {
			return nil, err
		}
	}
	if d.Photos, err = s.photos(ctx, "hazard", h.ID); err != nil {
		return nil, err
	}
	if d.Events, err = s.events(ctx, h.ID); err != nil {
		return nil, err
	}
	if d.Extensions, err = s.extensions(ctx, `WHERE x.hazard_id = $1 ORDER BY x.requested_at DESC, x.id DESC`, h.ID); err != nil {
		return nil, err
	}
	pending := false
	for _, x := range d.Extensions {
		pending = pending || x.Status == "pending"
	}
	d.Can = can(a, h, today, pending)
	return d, nil
}

// can lists what the actor may do with h now.
func can(a *auth.Actor, h *hazardRow, today calendar.Date, pendingExt bool) []string {
	out := []string{}
	add := func(ok bool, s string) {
		if ok {
			out = append(out, s)
		}
	}
	rectify := a.Can(auth.RectifySafety)
	add(rectify && h.Status != StatusClosed && h.Status != StatusVerifying, "edit")
	add(rectify && h.Level == LevelMajor && open(h.Status), "plan")
	add(rectify && h.Status == StatusPending && (h.Level != LevelMajor || h.HasPlan), "start")
	add(rectify && h.Status == StatusRectifying, "submit")
	add(a.Can(auth.VerifySafety) && h.Status == StatusVerifying && h.submittedBy != a.UserID, "verify")
	add(a.Can(auth.SafetyOffice) && h.Level == LevelMajor && !h.Supervised && h.Status != StatusClosed, "supervise")
	add(rectify && open(h.Status) && !h.Deadline.Before(today) && !pendingExt, "extend")
	add(a.Can(auth.SafetyOffice) && pendingExt, "decide")
	add(a.Can(auth.ManageSafety) && h.Status != StatusClosed, "suspend")
	return out
}

func (s *Service) events(ctx context.Context, id int64) ([]Event, error) {
	return db.Collect(ctx, s.DB.Read, `SELECT ev.kind, ev.summary, ev.note, COALESCE(u.real_name, ''), ev.at
		FROM safety_hazard_events ev LEFT JOIN users u ON u.id = ev.user_id WHERE ev.hazard_id = $1 ORDER BY ev.at, ev.id`, []any{id},
		func(r db.Scanner) (Event, error) {
			var e Event
			err := r.Scan(&e.Kind, &e.Summary, &e.Note, &e.By, &e.At)
			return e, err
		})
}

// event adds a line to a hazard's history.
func event(ctx context.Context, w *audit.W, id int64, kind, summary, note string) error {
	_, err := w.ExecContext(ctx, `INSERT INTO safety_hazard_events (hazard_id, kind, summary, note, user_id, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, kind, summary, note, db.NullID(w.Actor().UserID), w.Now())
	return err
}

// enterprise loads the enterprise a record is about and checks the
// actor's scope and permission on it.
func (s *Service) enterprise(ctx context.Context, q querier, a *auth.Actor, id int64, p auth.Permission) (*registry.Enterprise, error) {
	nf := errs.NotFoundf("企业", "enterprise")
	if id == 0 {
		f := errs.Fields{}
		f.Add("enterprise_id", "请选择企业（场所）", "enterprise_id is required")
		return nil, f.Err()
	}
	e, err := s.Registry.EnterpriseByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if e == nil {
		f := errs.Fields{}
		f.Add("enterprise_id", "企业（场所）不存在", "no such enterprise")
		return nil, f.Err()
	}
	if err := require(a, p, e.TownPath, e.SupervisingPath, nf); err != nil {
		return nil, err
	}
	return e, nil
}

// hazardFields validates a hazard's fields as they will be stored. isNew:
// the deadline and found date are checked against today.
func (in HazardInput) apply(h *Hazard, today calendar.Date, f errs.Fields, deadlineEditable bool) {
	if in.Description != nil {
		h.Description = text(f, "description", "隐患描述", *in.Description, 1, 2000)
	}
	if in.Level != nil {
		h.Level = strings.TrimSpace(*in.Level)
		if _, ok := Levels[h.Level]; !ok {
			f.Add("level", "隐患等级应为“一般”或“重大”", "level must be general or major")
		}
	}
	if in.FoundOn != nil {
		h.FoundOn = *in.FoundOn
	}
	if h.FoundOn.IsZero() {
		f.Add("found_on", "请填写发现日期", "found_on is required")
	} else if h.FoundOn.After(today) {
		f.Add("found_on", "发现日期不能晚于今天", "found_on may not be in the future")
	}
	if in.FoundBy != nil {
		h.FoundBy = text(f, "found_by", "发现人", *in.FoundBy, 0, 100)
	}
	if in.ResponsiblePerson != nil {
		h.ResponsiblePerson = text(f, "responsible_person", "整改责任人", *in.ResponsiblePerson, 0, 50)
	}
	if in.Measures != nil {
		h.Measures = text(f, "measures", "整改措施", *in.Measures, 0, 2000)
	}
	if in.Deadline != nil {
		if !deadlineEditable && !in.Deadline.Equal(h.Deadline) {
			f.Add("deadline", "整改开始后整改期限只能通过延期申请调整", "after rectification starts the deadline changes by an extension request")
		} else if in.Deadline.IsZero() {
			f.Add("deadline", "请填写整改期限", "deadline is required")
		} else if in.Deadline.Before(today) {
			f.Add("deadline", "整改期限不能早于今天（"+today.String()+"）", "the deadline may not be in the past")
		}
		h.Deadline = *in.Deadline
	}
	if h.Deadline.IsZero() {
		f.Add("deadline", "请填写整改期限", "deadline is required")
	}
	if in.Funds != nil {
		h.Funds = *in.Funds
		if math.IsNaN(h.Funds) || h.Funds < 0 || h.Funds > 1e6 {
			f.Add("funds", "整改资金应为0到1000000万元", "funds must be 0 to 1,000,000 (10k yuan)")
		}
	}
}

// CreateHazard files a hazard by hand (or from a phone, with a client key).
// It answers created=false when the client key was already stored.
func (s *Service) CreateHazard(ctx context.Context, a *auth.Actor, in HazardInput) (*HazardDetail, bool, error) {
	key, stored, err := replay(ctx, s, a, "safety_hazards", in.ClientKey, s.GetHazard)
	if err != nil || stored != nil {
		return stored, false, err
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
		id, err = s.insertHazard(ctx, w, a, e, in, key, 0)
		return err
	})
	if err != nil {
		if key != "" && db.IsUniqueViolation(err) {
			// Two sends of the same record raced: the other one won.
			return s.CreateHazard(ctx, a, in)
		}
		return nil, false, err
	}
	d, err := s.GetHazard(ctx, a, id)
	return d, true, err
}

// insertHazard validates and stores a new hazard in w.
func (s *Service) insertHazard(ctx context.Context, w *audit.W, a *auth.Actor, e *registry.Enterprise, in HazardInput,
	key string, inspectionID int64) (int64, error) {
	today := calendar.DateOf(w.Now())
	h := Hazard{Level: LevelGeneral, FoundOn: today, FoundBy: a.RealName}
	f := errs.Fields{}
	if in.Description == nil {
		f.Add("description", "请填写隐患描述", "description is required")
	}
	in.apply(&h, today, f, true)
	if err := f.Err(); err != nil {
		return 0, err
	}
	var id int64
	if err := w.QueryRowContext(ctx, `INSERT INTO safety_hazards (client_key, enterprise_id, industry, town_id, town_path,
		supervising_unit_id, supervising_path, campaign_id, inspection_id, description, level, found_on, found_by, found_by_user,
		responsible_person, measures, deadline, funds, status, open, created_by, created_at, updated_at, grams)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 'pending', TRUE, $14, $19, $19, $20) RETURNING id`,
		nullStr(key), e.ID, e.Industry, db.NullID(e.TownID), e.TownPath, db.NullID(e.SupervisingUnitID), e.SupervisingPath,
		db.NullID(in.CampaignID), db.NullID(inspectionID), h.Description, h.Level, h.FoundOn, h.FoundBy, db.NullID(a.UserID),
		h.ResponsiblePerson, h.Measures, h.Deadline, h.Funds, w.Now(), searchGrams(h.Description, "")).Scan(&id); err != nil {
		return 0, err
	}
	if err := s.takeFiles(ctx, w, a, "photo_ids", "hazard", id, "before", ownerUnit(e, a), in.PhotoIDs); err != nil {
		return 0, err
	}
	if err := event(ctx, w, id, "create", "发现"+Levels[h.Level]+"隐患，整改期限"+h.Deadline.String(), h.Description); err != nil {
		return 0, err
	}
	return id, w.Record(audit.Entry{Action: "safety.hazard.create", ObjectType: "safety_hazard", ObjectID: idStr(id),
		UnitID: ownerUnit(e, a), Summary: "登记" + Levels[h.Level] + "隐患：" + e.Name + "，" + cut(h.Description, 40),
		After: map[string]any{"enterprise_id": e.ID, "level": h.Level, "deadline": h.Deadline, "description": h.Description,
			"measures": h.Measures, "responsible_person": h.ResponsiblePerson, "funds": h.Funds}})
}

// ownerUnit is the unit a hazard's files and audit entries belong to: the
// enterprise's town, else its supervising unit, else the actor's unit.
func ownerUnit(e *registry.Enterprise, a *auth.Actor) int64 {
	switch {
	case e.TownID != 0:
		return e.TownID
	case e.SupervisingUnitID != 0:
		return e.SupervisingUnitID
	}
	return a.UnitID
}

func hazardUnit(h *hazardRow, a *auth.Actor) int64 {
	switch {
	case h.TownID != 0:
		return h.TownID
	case h.SupervisingUnitID != 0:
		return h.SupervisingUnitID
	}
	return a.UnitID
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// checkKey validates a client key (≤ 64 printable ASCII characters).
func checkKey(k string) (string, error) {
	k = strings.TrimSpace(k)
	if len(k) > 64 {
		f := errs.Fields{}
		f.Add("client_key", "client_key 不能超过64个字符", "client_key may not exceed 64 characters")
		return "", f.Err()
	}
	for _, r := range k {
		if r < 0x21 || r > 0x7e {
			f := errs.Fields{}
			f.Add("client_key", "client_key 只能包含字母、数字和符号", "client_key must be printable ASCII")
			return "", f.Err()
		}
	}
	return k, nil
}

// replay checks the inspect permission and the client key, and returns
// the record already stored with that key (nil when it is new): a phone
// resending what it already sent gets the stored record back.
func replay[T any](ctx context.Context, s *Service, a *auth.Actor, table, k string,
	load func(context.Context, *auth.Actor, int64) (*T, error)) (string, *T, error) {
	if err := auth.Require(a, auth.InspectSafety); err != nil {
		return "", nil, err
	}
	key, err := checkKey(k)
	if err != nil || key == "" {
		return key, nil, err
	}
	id, err := s.byKey(ctx, a, table, key)
	if err != nil || id == 0 {
		return key, nil, err
	}
	x, err := load(ctx, a, id)
	return key, x, err
}

// byKey finds a record stored with a client key: its id, or 0. A key
// stored by someone else is a conflict (a phone never shares its keys).
func (s *Service) byKey(ctx context.Context, a *auth.Actor, table, key string) (int64, error) {
	var id, by int64
	err := s.DB.Read.QueryRowContext(ctx, `SELECT id, COALESCE(created_by, 0) FROM `+table+` WHERE client_key = $1`, key).Scan(&id, &by)
	if isNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if by != a.UserID {
		return 0, conflict("该记录编号（client_key）已被他人使用", "the client_key belongs to another user")
	}
	return id, nil
}

// UpdateHazard edits a hazard before it is reported fixed; the deadline
// only while 待整改 (later, by an extension request).
func (s *Service) UpdateHazard(ctx context.Context, a *auth.Actor, id int64, in HazardInput) (*HazardDetail, error) {
	err := s.change(ctx, a, id, auth.RectifySafety, func(w *audit.W, h *hazardRow) error {
		if !open(h.Status) {
			return conflict("隐患已"+Statuses[h.Status]+"，不能再修改", "the hazard can no longer be edited")
		}
		before := h.Hazard
		f := errs.Fields{}
		if in.Level != nil && *in.Level != h.Level && h.Supervised {
			f.Add("level", "挂牌督办的隐患不能调整等级", "a supervised hazard keeps its level")
		}
		in.apply(&h.Hazard, calendar.DateOf(w.Now()), f, h.Status == StatusPending)
		if h.Level == LevelMajor && h.Status == StatusRectifying && !h.HasPlan {
			f.Add("level", "整改中的隐患改为重大隐患前，请先制定治理方案", "add a plan before making a rectifying hazard major")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE safety_hazards SET description = $1, level = $2, found_on = $3, found_by = $4,
			responsible_person = $5, measures = $6, deadline = $7, funds = $8, updated_at = $9, grams = $10 WHERE id = $11`,
			h.Description, h.Level, h.FoundOn, h.FoundBy, h.ResponsiblePerson, h.Measures, h.Deadline, h.Funds, w.Now(),
			searchGrams(h.Description, h.NoticeNumber), h.ID); err != nil {
			return err
		}
		if err := s.takeFiles(ctx, w, a, "photo_ids", "hazard", h.ID, "before", hazardUnit(h, a), in.PhotoIDs); err != nil {
			return err
		}
		if err := event(ctx, w, h.ID, "edit", "修改隐患信息", ""); err != nil {
			return err
		}
		return record(w, h, a, "safety.hazard.update", "修改隐患："+h.EnterpriseName, editable(before), editable(h.Hazard))
	})
	if err != nil {
		return nil, err
	}
	return s.GetHazard(ctx, a, id)
}

func editable(h Hazard) map[string]any {
	return map[string]any{"description": h.Description, "level": h.Level, "found_on": h.FoundOn, "found_by": h.FoundBy,
		"responsible_person": h.ResponsiblePerson, "measures": h.Measures, "deadline": h.Deadline, "funds": h.Funds}
}

// record writes a hazard's audit entry.
func record(w *audit.W, h *hazardRow, a *auth.Actor, action, summary string, before, after any) error {
	return w.Record(audit.Entry{Action: action, ObjectType: "safety_hazard", ObjectID: idStr(h.ID), UnitID: hazardUnit(h, a),
		Summary: summary, Before: before, After: after})
}

// change runs fn on a hazard locked for update, after checking scope and
// permission p.
func (s *Service) change(ctx context.Context, a *auth.Actor, id int64, p auth.Permission, fn func(w *audit.W, h *hazardRow) error) error {
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		// Lock the row first: PostgreSQL refuses FOR UPDATE across outer joins.
		var locked int64
		if err := w.QueryRowContext(ctx, `SELECT id FROM safety_hazards WHERE id = $1`+w.Dialect.ForUpdate(), id).Scan(&locked); isNoRows(err) {
			return hazardNotFound
		} else if err != nil {
			return err
		}
		h, err := s.hazard(ctx, w, id)
		if h == nil && err == nil {
			return hazardNotFound
		}
		if err != nil {
			return err
		}
		if err := require(a, p, h.townPath, h.supPath, hazardNotFound); err != nil {
			return err
		}
		return fn(w, h)
	})
}
