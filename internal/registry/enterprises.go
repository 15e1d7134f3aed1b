package registry

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

const entCols = `e.id, e.name, e.credit_code, e.has_credit_code, e.kind, e.industry, COALESCE(e.town_id, 0), COALESCE(t.name, ''),
	e.town_path, e.address, COALESCE(e.legal_person, ''), COALESCE(e.contact_name, ''), COALESCE(e.contact_phone, ''),
	COALESCE(e.supervising_unit_id, 0), COALESCE(su.name, ''), e.supervising_path, e.risk_level, e.created_at, e.updated_at`

const entFrom = ` FROM enterprises e LEFT JOIN units t ON t.id = e.town_id LEFT JOIN units su ON su.id = e.supervising_unit_id `

func scanEnterprise(sc scanner) (*Enterprise, error) {
	var e Enterprise
	if err := sc.Scan(&e.ID, &e.Name, &e.CreditCode, &e.HasCreditCode, &e.Kind, &e.Industry, &e.TownID, &e.TownName,
		&e.TownPath, &e.Address, &e.LegalPerson, &e.ContactName, &e.ContactPhone, &e.SupervisingUnitID, &e.SupervisingName,
		&e.SupervisingPath, &e.RiskLevel, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return nil, err
	}
	return &e, nil
}

var notFound = errs.NotFoundf("企业", "enterprise")

// inScope tells whether the actor sees the enterprise: district roles see
// all, unit roles those whose town or supervising unit is in their subtree.
func inScope(a *auth.Actor, e *Enterprise) bool {
	return a.DistrictWide() || (e.TownPath != "" && a.InScope(e.TownPath)) ||
		(e.SupervisingPath != "" && a.InScope(e.SupervisingPath))
}

// scopeWhere is the list's scope condition, its arguments numbered from 1.
func scopeWhere(a *auth.Actor) (string, db.Args) {
	if a.DistrictWide() {
		return "TRUE", nil
	}
	c1, a1 := auth.SubtreeFilter("e.town_path", a.UnitPath, 1)
	c2, a2 := auth.SubtreeFilter("e.supervising_path", a.UnitPath, 3)
	return "((" + c1 + ") OR (" + c2 + "))", append(db.Args(a1), a2...)
}

var enterpriseSorts = map[string]string{
	"name": "e.name", "credit_code": "e.credit_code", "town": "t.sort_order, t.id", "industry": "e.industry",
	"updated_at": "e.updated_at", "created_at": "e.created_at", "id": "e.id",
}

// ListEnterprises lists the enterprises in the actor's scope; a page size
// of 0 lists all (export). Phones are masked unless the actor may view them.
func (s *Service) ListEnterprises(ctx context.Context, a *auth.Actor, f EnterpriseFilter, p httpx.Page) ([]*Enterprise, int, error) {
	if err := auth.Require(a, auth.ViewEnterprises); err != nil {
		return nil, 0, err
	}
	order, err := db.OrderBy(p.Sort, "name", enterpriseSorts, "e.id")
	if err != nil {
		return nil, 0, err
	}
	where, args := scopeWhere(a)
	arg := args.Add
	if q := strings.TrimSpace(f.Q); q != "" {
		if code := NormalizeCreditCode(q); ValidCreditCode(code) || IsInternalCode(code) {
			// A whole code (pasted, perhaps full-width): the unique index.
			where += " AND e.credit_code = " + arg(code)
		} else {
			// Codes are stored in capitals: no LOWER() on that column.
			where += " AND (LOWER(e.name) LIKE " + arg(db.Like(q)) + ` ESCAPE '\' OR e.credit_code LIKE ` +
				arg(strings.ToUpper(db.Like(q))) + ` ESCAPE '\')`
		}
	}
	if f.TownID != 0 {
		where += " AND e.town_id = " + arg(f.TownID)
	}
	if f.SupervisingUnitID != 0 {
		where += " AND e.supervising_unit_id = " + arg(f.SupervisingUnitID)
	}
	if f.Industry != "" {
		where += " AND e.industry = " + arg(f.Industry)
	}
	if f.Kind != "" {
		where += " AND e.kind = " + arg(f.Kind)
	}
	if f.RiskLevel != "" {
		where += " AND e.risk_level = " + arg(f.RiskLevel)
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprises e WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	inds, err := s.Industries(ctx)
	if err != nil {
		return nil, 0, err
	}
	out, err := listPage(ctx, s.DB.R, `SELECT `+entCols+entFrom+` WHERE `+where+` ORDER BY `+order, args, p, scanEnterprise)
	if err != nil {
		return nil, 0, err
	}
	for _, e := range out {
		present(a, inds, e)
	}
	return out, total, nil
}

// present fills the names and masks the phone for the actor.
func present(a *auth.Actor, inds []Industry, e *Enterprise) *Enterprise {
	e.IndustryName = IndustryName(inds, e.Industry)
	if !a.Can(auth.ViewPhone) {
		e.ContactPhone = org.MaskPhone(e.ContactPhone)
	}
	return e
}

// EnterpriseByID loads an enterprise regardless of scope, phone unmasked
// (for other modules: check your own permissions); nil, nil when missing.
func (s *Service) EnterpriseByID(ctx context.Context, q Querier, id int64) (*Enterprise, error) {
	return orNil(scanEnterprise(q.QueryRowContext(ctx, `SELECT `+entCols+entFrom+` WHERE e.id = $1`, id)))
}

// EnterpriseByCreditCode loads an enterprise by its credit code (or
// internal code), normalised first, regardless of scope; nil, nil when
// missing.
func (s *Service) EnterpriseByCreditCode(ctx context.Context, q Querier, code string) (*Enterprise, error) {
	return orNil(scanEnterprise(q.QueryRowContext(ctx, `SELECT `+entCols+entFrom+` WHERE e.credit_code = $1`, NormalizeCreditCode(code))))
}

// GetEnterprise returns an enterprise in the actor's scope (not found
// otherwise).
func (s *Service) GetEnterprise(ctx context.Context, a *auth.Actor, id int64) (*Enterprise, error) {
	if err := auth.Require(a, auth.ViewEnterprises); err != nil {
		return nil, err
	}
	e, err := s.EnterpriseByID(ctx, s.DB.R, id)
	if err != nil {
		return nil, err
	}
	if e == nil || !inScope(a, e) {
		return nil, notFound
	}
	inds, err := s.Industries(ctx)
	if err != nil {
		return nil, err
	}
	return present(a, inds, e), nil
}

var (
	internalCodeRe = regexp.MustCompile(`^NB[0-9]{8}$`)
	phoneRe        = regexp.MustCompile(`^[0-9+()\- ]{3,20}$`)
)

// IsInternalCode tells whether code is an internal code "NB" + 8 digits.
func IsInternalCode(code string) bool { return internalCodeRe.MatchString(code) }

// textField trims v into *dst and checks its length.
func textField(f errs.Fields, field, name string, v *string, dst *string, max int, required bool) {
	if v != nil {
		*dst = strings.TrimSpace(*v)
	}
	n := utf8.RuneCountInString(*dst)
	if required && n == 0 {
		f.Add(field, name+"不能为空", field+" is required")
	} else if n > max {
		f.Add(field, fmt.Sprintf("%s不能超过%d个字", name, max), fmt.Sprintf("%s may not exceed %d characters", field, max))
	}
}

// apply copies the input onto e and checks what needs no database; the
// credit code is left to checkCode.
func (in EnterpriseInput) apply(e *Enterprise, inds []Industry, f errs.Fields) {
	textField(f, "name", "企业（场所）名称", in.Name, &e.Name, 100, true)
	textField(f, "address", "地址", in.Address, &e.Address, 200, false)
	textField(f, "legal_person", "法定代表人", in.LegalPerson, &e.LegalPerson, 30, false)
	textField(f, "contact_name", "联系人", in.ContactName, &e.ContactName, 30, false)
	phoneField(f, "contact_phone", in.ContactPhone, &e.ContactPhone)
	if in.Kind != nil {
		e.Kind = strings.TrimSpace(*in.Kind)
	}
	if _, ok := Kinds[e.Kind]; !ok {
		f.Add("kind", "类型应为企业或场所", "kind must be enterprise or place")
	}
	if in.Industry != nil {
		e.Industry = strings.TrimSpace(*in.Industry)
		if c, ok := industryCode(inds, e.Industry); ok {
			e.Industry = c
		} else if e.Industry != "" {
			f.Add("industry", "行业“"+e.Industry+"”不在行业分类中", "unknown industry "+e.Industry)
		}
	}
	if in.RiskLevel != nil {
		e.RiskLevel = strings.TrimSpace(*in.RiskLevel)
	}
	if _, ok := RiskLevels[e.RiskLevel]; !ok && e.RiskLevel != "" {
		f.Add("risk_level", "风险等级应为重大风险、较大风险、一般风险或低风险", "risk_level must be major, high, medium or low")
	}
	if in.TownID != nil {
		e.TownID = *in.TownID
	}
	if in.SupervisingUnitID != nil {
		e.SupervisingUnitID = *in.SupervisingUnitID
	}
}

// checkCode normalises and validates the credit code of the input; an
// empty code on a new row asks for an internal code (set later).
func (in EnterpriseInput) checkCode(e *Enterprise, f errs.Fields) {
	if in.CreditCode == nil {
		return
	}
	code := NormalizeCreditCode(*in.CreditCode)
	switch {
	case code == "" && e.ID == 0:
		e.CreditCode, e.HasCreditCode = "", false
	case code == "":
		// Keep the stored code: a code cannot be cleared.
	case IsInternalCode(code):
		if e.HasCreditCode && e.ID != 0 {
			f.Add("credit_code", "已登记统一社会信用代码的企业不能改用内部编码", "a registered code cannot become an internal code")
			return
		}
		e.CreditCode, e.HasCreditCode = code, false
	default:
		if zh, en := CreditCodeProblem(code); zh != "" {
			f.Add("credit_code", zh, en)
			return
		}
		e.CreditCode, e.HasCreditCode = code, true
	}
}

// resolve checks the units and the code's uniqueness against the database
// and fills the copied paths.
func (s *Service) resolve(ctx context.Context, q Querier, e *Enterprise, f errs.Fields) error {
	unit := func(id int64, field, name string, town bool) (string, string, error) {
		if id == 0 {
			return "", "", nil
		}
		var kind, path, uname string
		err := q.QueryRowContext(ctx, `SELECT kind, path, name FROM units WHERE id = $1`, id).Scan(&kind, &path, &uname)
		if isNoRows(err) || (err == nil && town && kind != org.KindTown) {
			f.Add(field, name+"不存在", field+" does not exist")
			return "", "", nil
		}
		return path, uname, err
	}
	var err error
	if e.TownPath, e.TownName, err = unit(e.TownID, "town_id", "所在镇（街道）", true); err != nil {
		return err
	}
	if e.SupervisingPath, e.SupervisingName, err = unit(e.SupervisingUnitID, "supervising_unit_id", "行业主管部门", false); err != nil {
		return err
	}
	if e.CreditCode == "" {
		return nil
	}
	var other string
	err = q.QueryRowContext(ctx, `SELECT name FROM enterprises WHERE credit_code = $1 AND id <> $2`, e.CreditCode, e.ID).Scan(&other)
	switch {
	case isNoRows(err):
		return nil
	case err != nil:
		return err
	}
	f.Add("credit_code", "统一社会信用代码“"+e.CreditCode+"”已登记为“"+other+"”", "the code "+e.CreditCode+" is registered already")
	return nil
}

// NextInternalCode returns the next free internal code "NB" + 8 digits for
// a place without a credit code, inside the caller's write transaction
// (on PostgreSQL it takes a transaction lock so concurrent writers wait).
func (s *Service) NextInternalCode(ctx context.Context, w *audit.W) (string, error) {
	codes, err := s.nextInternalCodes(ctx, w, 1, "")
	if err != nil {
		return "", err
	}
	return codes[0], nil
}

// nextInternalCodes reserves n internal codes above the database's and
// above floor (codes a sheet brings along).
func (s *Service) nextInternalCodes(ctx context.Context, w *audit.W, n int, floor string) ([]string, error) {
	if w.Dialect == db.Postgres {
		if _, err := w.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7364190001)`); err != nil {
			return nil, err
		}
	}
	var last string
	if err := w.QueryRowContext(ctx, `SELECT COALESCE(MAX(credit_code), '') FROM enterprises
		WHERE credit_code >= 'NB00000000' AND credit_code <= 'NB99999999'`).Scan(&last); err != nil {
		return nil, err
	}
	last = max(last, floor)
	next := int64(1)
	if IsInternalCode(last) {
		v, _ := strconv.ParseInt(last[2:], 10, 64)
		next = v + 1
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%08d", InternalPrefix, next+int64(i))
	}
	return out, nil
}

// mayWrite checks that a unit role keeps the enterprise in its scope.
func mayWrite(a *auth.Actor, e *Enterprise, f errs.Fields) {
	if !inScope(a, e) {
		f.Add("town_id", "所在镇（街道）或行业主管部门至少有一个应在您的管理范围内",
			"the town or the supervising unit must lie in your scope")
	}
}

// CreateEnterprise registers an enterprise or place (admin, supervisor,
// unit admins in scope).
func (s *Service) CreateEnterprise(ctx context.Context, a *auth.Actor, in EnterpriseInput) (*Enterprise, error) {
	if err := auth.Require(a, auth.ManageEnterprises); err != nil {
		return nil, err
	}
	var e *Enterprise
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		var err error
		e, err = s.create(ctx, w, in, true)
		return err
	})
	return s.presentErr(ctx, a, e, err)
}

// presentErr answers a write: the error, or the row as the actor sees it.
func (s *Service) presentErr(ctx context.Context, a *auth.Actor, e *Enterprise, err error) (*Enterprise, error) {
	if err != nil {
		return nil, err
	}
	inds, err := s.Industries(ctx)
	if err != nil {
		return nil, err
	}
	return present(a, inds, e), nil
}

// create validates and inserts a new enterprise inside w, recording it.
func (s *Service) create(ctx context.Context, w *audit.W, in EnterpriseInput, scoped bool) (*Enterprise, error) {
	inds, err := s.industries(ctx, w)
	if err != nil {
		return nil, err
	}
	e := &Enterprise{Kind: KindEnterprise}
	f := errs.Fields{}
	in.apply(e, inds, f)
	if in.CreditCode == nil {
		in.CreditCode = new(string)
	}
	in.checkCode(e, f)
	if err := s.resolve(ctx, w, e, f); err != nil {
		return nil, err
	}
	if scoped {
		mayWrite(w.Actor(), e, f)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if e.CreditCode == "" {
		if e.CreditCode, err = s.NextInternalCode(ctx, w); err != nil {
			return nil, err
		}
	}
	e.CreatedAt, e.UpdatedAt = w.Now(), w.Now()
	err = w.QueryRowContext(ctx, `INSERT INTO enterprises (name, credit_code, has_credit_code, kind, industry, town_id, town_path,
		address, legal_person, contact_name, contact_phone, supervising_unit_id, supervising_path, risk_level, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`, insertArgs(e)...).Scan(&e.ID)
	if err = codeTaken(e, err); err != nil {
		return nil, err
	}
	return e, w.Record(audit.Entry{Action: "enterprise.create", ObjectType: "enterprise", ObjectID: idStr(e.ID),
		UnitID: e.TownID, Summary: "登记" + Kinds[e.Kind] + "“" + e.Name + "”（" + e.CreditCode + "）", After: auditView(e)})
}

// insertArgs are the values of the INSERT (and the bulk copy) without id.
func insertArgs(e *Enterprise) []any {
	return []any{e.Name, e.CreditCode, e.HasCreditCode, e.Kind, e.Industry, db.NullID(e.TownID), e.TownPath, e.Address,
		e.LegalPerson, e.ContactName, e.ContactPhone, db.NullID(e.SupervisingUnitID), e.SupervisingPath, e.RiskLevel,
		e.CreatedAt, e.UpdatedAt}
}

// auditView is what the trail keeps of an enterprise (phone masked).
func auditView(e *Enterprise) map[string]any {
	return map[string]any{"name": e.Name, "credit_code": e.CreditCode, "kind": e.Kind, "industry": e.Industry,
		"town_id": e.TownID, "address": e.Address, "legal_person": e.LegalPerson, "contact_name": e.ContactName,
		"contact_phone": org.MaskPhone(e.ContactPhone), "supervising_unit_id": e.SupervisingUnitID, "risk_level": e.RiskLevel}
}

// UpdateEnterprise patches an enterprise in scope (admin, supervisor,
// unit admins in scope, who must keep it in scope).
func (s *Service) UpdateEnterprise(ctx context.Context, a *auth.Actor, id int64, in EnterpriseInput) (*Enterprise, error) {
	if err := auth.Require(a, auth.ViewEnterprises); err != nil {
		return nil, err
	}
	var e *Enterprise
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		old, err := s.EnterpriseByID(ctx, w, id)
		if e, err = forEdit(a, old, err, func(e *Enterprise) bool { return inScope(a, e) }, notFound, auth.ManageEnterprises); err != nil {
			return err
		}
		inds, err := s.industries(ctx, w)
		if err != nil {
			return err
		}
		f := errs.Fields{}
		in.apply(e, inds, f)
		in.checkCode(e, f)
		if err := s.resolve(ctx, w, e, f); err != nil {
			return err
		}
		mayWrite(a, e, f)
		if err := f.Err(); err != nil {
			return err
		}
		e.UpdatedAt = w.Now()
		if err := s.write(ctx, w, e); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "enterprise.update", ObjectType: "enterprise", ObjectID: idStr(id),
			UnitID: e.TownID, Summary: "修改" + Kinds[e.Kind] + "“" + e.Name + "”", Before: auditView(old), After: auditView(e)})
	})
	return s.presentErr(ctx, a, e, err)
}

// write stores a changed enterprise.
func (s *Service) write(ctx context.Context, w *audit.W, e *Enterprise) error {
	_, err := w.ExecContext(ctx, `UPDATE enterprises SET name = $1, credit_code = $2, has_credit_code = $3, kind = $4,
		industry = $5, town_id = $6, town_path = $7, address = $8, legal_person = $9, contact_name = $10, contact_phone = $11,
		supervising_unit_id = $12, supervising_path = $13, risk_level = $14, updated_at = $15 WHERE id = $16`,
		e.Name, e.CreditCode, e.HasCreditCode, e.Kind, e.Industry, db.NullID(e.TownID), e.TownPath, e.Address, e.LegalPerson,
		e.ContactName, e.ContactPhone, db.NullID(e.SupervisingUnitID), e.SupervisingPath, e.RiskLevel, e.UpdatedAt, e.ID)
	return codeTaken(e, err)
}

// codeTaken turns a unique violation (a concurrent writer registered the
// same code after resolve checked it) into a conflict.
func codeTaken(e *Enterprise, err error) error {
	if db.IsUniqueViolation(err) {
		return errs.Conflictf("统一社会信用代码“"+e.CreditCode+"”已登记", "the code is registered already")
	}
	return err
}

// EnsureByCreditCode returns the enterprise with the input's credit code,
// registering it inside the caller's write transaction when it is new: for
// other modules' imports (project ledger, lead conversion). Without a code
// it finds a row without one by exact name, or registers it with an
// internal code. The caller checks its own permission and scope; this only
// validates the row (a bad code is a validation error on "credit_code").
// The audit entry names w's actor; ac is the caller's actor, kept in the
// signature so the callers read alike.
func (s *Service) EnsureByCreditCode(ctx context.Context, w *audit.W, ac *auth.Actor, in EnterpriseInput) (id int64, created bool, err error) {
	code := NormalizeCreditCode(str(in.CreditCode))
	in.CreditCode = &code
	var old *Enterprise
	if code != "" {
		old, err = s.EnterpriseByCreditCode(ctx, w, code)
	} else {
		old, err = s.placeByName(ctx, w, strings.TrimSpace(str(in.Name)))
	}
	if err != nil || old != nil {
		if old != nil {
			id = old.ID
		}
		return id, false, err
	}
	e, err := s.create(ctx, w, in, false)
	if err != nil {
		return 0, false, err
	}
	return e.ID, true, nil
}
