package safety

import (
	"context"
	"fmt"
	"strings"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/registry"
)

// EnterpriseFilter selects enterprises for the inspector's picker.
type EnterpriseFilter struct {
	Q          string
	TownID     int64
	Industry   string
	CampaignID int64
}

const entCols = `e.id, e.name, e.credit_code, e.has_credit_code, e.kind, e.industry, COALESCE(e.town_id, 0), COALESCE(t.name, ''),
	e.town_path, e.address, COALESCE(e.legal_person, ''), COALESCE(e.contact_name, ''), COALESCE(e.contact_phone, ''),
	COALESCE(e.supervising_unit_id, 0), COALESCE(su.name, ''), e.supervising_path, e.risk_level, e.created_at, e.updated_at`

// ListEnterprises lists the enterprises in the actor's safety scope (the
// registry's scope, plus the town of a village's staff) with their open
// hazards; a whole credit or internal code (as scanned from the printed QR
// code) finds that enterprise.
func (s *Service) ListEnterprises(ctx context.Context, a *auth.Actor, f EnterpriseFilter, p httpx.Page) ([]SafetyEnterprise, int, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, 0, err
	}
	var args db.Args
	where := scopeSQL(a, "e.town_path", "e.supervising_path", &args)
	if q := strings.TrimSpace(f.Q); q != "" {
		if code := registry.NormalizeCreditCode(q); registry.ValidCreditCode(code) || registry.IsInternalCode(code) {
			where += " AND e.credit_code = " + args.Add(code)
		} else {
			where += " AND LOWER(e.name) LIKE " + args.Add(db.Like(q)) + ` ESCAPE '\'`
		}
	}
	if f.TownID != 0 {
		where += " AND e.town_id = " + args.Add(f.TownID)
	}
	if f.Industry != "" {
		where += " AND e.industry = " + args.Add(f.Industry)
	}
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprises e WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + entCols + ` FROM enterprises e LEFT JOIN units t ON t.id = e.town_id LEFT JOIN units su ON su.id = e.supervising_unit_id
		WHERE ` + where + ` ORDER BY e.name, e.id`
	if p.Size > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset())
	}
	out, err := s.queryEnterprises(ctx, a, q, args...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, s.addFigures(ctx, out, f.CampaignID)
}

func (s *Service) queryEnterprises(ctx context.Context, a *auth.Actor, q string, args ...any) ([]SafetyEnterprise, error) {
	inds, err := s.Registry.Industries(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SafetyEnterprise{}
	for rows.Next() {
		var e SafetyEnterprise
		if err := rows.Scan(&e.ID, &e.Name, &e.CreditCode, &e.HasCreditCode, &e.Kind, &e.Industry, &e.TownID, &e.TownName,
			&e.TownPath, &e.Address, &e.LegalPerson, &e.ContactName, &e.ContactPhone, &e.SupervisingUnitID, &e.SupervisingName,
			&e.SupervisingPath, &e.RiskLevel, &e.CreatedAt, &e.UpdatedAt); err != nil {
			return nil, err
		}
		e.IndustryName = registry.IndustryName(inds, e.Industry)
		if !a.Can(auth.ViewPhone) {
			e.ContactPhone = org.MaskPhone(e.ContactPhone)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// addFigures adds open hazards, last inspection, suspension and (for a
// campaign) whether checked, for one page of enterprises.
func (s *Service) addFigures(ctx context.Context, es []SafetyEnterprise, campaignID int64) error {
	if len(es) == 0 {
		return nil
	}
	ids := make([]int64, len(es))
	at := map[int64]*SafetyEnterprise{}
	for i := range es {
		ids[i] = es[i].ID
		at[es[i].ID] = &es[i]
	}
	var args db.Args
	today := args.Add(s.today())
	in := inList(&args, ids)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT enterprise_id, COUNT(*), COUNT(CASE WHEN level = 'major' THEN 1 END),
		COUNT(CASE WHEN open = TRUE AND deadline < `+today+` THEN 1 END)
		FROM safety_hazards WHERE status <> 'closed' AND enterprise_id IN (`+in+`) GROUP BY enterprise_id`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var n, m, o int
		if err := rows.Scan(&id, &n, &m, &o); err != nil {
			rows.Close()
			return err
		}
		at[id].OpenHazards, at[id].MajorOpen, at[id].OverdueOpen = n, m, o
	}
	rows.Close()
	args = nil
	cid := args.Add(campaignID)
	in = inList(&args, ids)
	rows, err = s.DB.Read.QueryContext(ctx, `SELECT enterprise_id, MAX(inspected_on), COUNT(CASE WHEN campaign_id = `+cid+` THEN 1 END)
		FROM safety_inspections WHERE enterprise_id IN (`+in+`) GROUP BY enterprise_id`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var last calendar.Date
		var n int
		if err := rows.Scan(&id, &last, &n); err != nil {
			rows.Close()
			return err
		}
		at[id].LastInspected, at[id].Checked = last, n > 0
	}
	rows.Close()
	args = nil
	in = inList(&args, ids)
	rows, err = s.DB.Read.QueryContext(ctx, `SELECT DISTINCT enterprise_id FROM safety_suspensions WHERE status = 'active' AND enterprise_id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		at[id].Suspended = true
	}
	return rows.Err()
}

// EnterpriseHistory is the enterprise page: inspections, hazards and
// suspension orders of one enterprise.
func (s *Service) EnterpriseHistory(ctx context.Context, a *auth.Actor, id int64) (*EnterpriseHistory, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, err
	}
	es, err := s.queryEnterprises(ctx, a, `SELECT `+entCols+` FROM enterprises e LEFT JOIN units t ON t.id = e.town_id
		LEFT JOIN units su ON su.id = e.supervising_unit_id WHERE e.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 || !visible(a, es[0].TownPath, es[0].SupervisingPath) {
		return nil, errs.NotFoundf("企业", "enterprise")
	}
	if err := s.addFigures(ctx, es, 0); err != nil {
		return nil, err
	}
	h := &EnterpriseHistory{Enterprise: es[0]}
	if h.Profile, err = s.profile(ctx, s.DB.Read, id); err != nil {
		return nil, err
	}
	if h.Inspections, err = s.queryInspections(ctx, `SELECT `+inspectionCols+inspectionFrom+` WHERE i.enterprise_id = $1
		ORDER BY i.inspected_on DESC, i.id DESC LIMIT 200`, id); err != nil {
		return nil, err
	}
	if h.Hazards, err = s.queryHazards(ctx, `SELECT `+hazardCols+hazardFrom+` WHERE h.enterprise_id = $1 ORDER BY h.found_on DESC, h.id DESC LIMIT 500`,
		s.today(), id); err != nil {
		return nil, err
	}
	if h.Suspensions, err = s.querySuspensions(ctx, `WHERE s.enterprise_id = $1 ORDER BY s.starts_on DESC, s.id DESC`, id); err != nil {
		return nil, err
	}
	return h, nil
}

// CreateEnterprise adds an enterprise met on site to the registry, from the
// inspection page: the credit code is checked per GB 32100 (a wrong check
// character names the right one); without a code a place gets an internal
// code. An existing code answers the stored enterprise. Inspectors add
// enterprises in their own town (or department) only.
func (s *Service) CreateEnterprise(ctx context.Context, a *auth.Actor, in registry.EnterpriseInput) (*registry.Enterprise, bool, error) {
	if err := auth.Require(a, auth.InspectSafety); err != nil {
		return nil, false, err
	}
	if a.UnitID == 0 && !a.DistrictWide() {
		return nil, false, errs.ErrForbidden
	}
	if code := strings.TrimSpace(str(in.CreditCode)); code != "" {
		if zh, en := registry.CreditCodeProblem(registry.NormalizeCreditCode(code)); zh != "" {
			f := errs.Fields{}
			f.Add("credit_code", zh, en)
			return nil, false, f.Err()
		}
	}
	if !a.DistrictWide() {
		// Default the town (or department) to the actor's own: a village
		// worker's enterprise lies in the village's town.
		town, dept, err := s.homeUnits(ctx, a)
		if err != nil {
			return nil, false, err
		}
		if in.TownID == nil || *in.TownID == 0 {
			in.TownID = &town
		}
		if (in.SupervisingUnitID == nil || *in.SupervisingUnitID == 0) && dept != 0 {
			in.SupervisingUnitID = &dept
		}
	}
	var id int64
	var created bool
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		var err error
		id, created, err = s.Registry.EnsureByCreditCode(ctx, w, a, in)
		if err != nil {
			return err
		}
		e, err := s.Registry.EnterpriseByID(ctx, w, id)
		if err != nil {
			return err
		}
		if !visible(a, e.TownPath, e.SupervisingPath) {
			if created {
				f := errs.Fields{}
				f.Add("town_id", "只能登记本辖区（本镇街或本部门监管）的企业", "only enterprises in your own area")
				return f.Err()
			}
			return errs.NotFoundf("企业", "enterprise")
		}
		if !created {
			// Nothing written: the transaction still needs its entry, so
			// say who looked the code up.
			return w.Record(audit.Entry{Action: "safety.enterprise.lookup", ObjectType: "enterprise", ObjectID: idStr(id),
				Summary: "现场检查时按信用代码找到企业：" + e.Name})
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	e, err := s.Registry.GetEnterprise(ctx, auth.System("safety"), id)
	if err == nil && !a.Can(auth.ViewPhone) {
		e.ContactPhone = org.MaskPhone(e.ContactPhone)
	}
	return e, created, err
}

// homeUnits is the town and the department the actor works in (0 when
// none): the unit itself or its ancestors by kind.
func (s *Service) homeUnits(ctx context.Context, a *auth.Actor) (town, dept int64, err error) {
	paths := append(ancestors(a.UnitPath), a.UnitPath)
	var args db.Args
	ph := make([]string, len(paths))
	for i, p := range paths {
		ph[i] = args.Add(p)
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, kind FROM units WHERE path IN (`+strings.Join(ph, ", ")+`) ORDER BY depth`, args...)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind string
		if err := rows.Scan(&id, &kind); err != nil {
			return 0, 0, err
		}
		switch kind {
		case org.KindTown:
			town = id
		case org.KindDepartment:
			dept = id
		}
	}
	return town, dept, rows.Err()
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
