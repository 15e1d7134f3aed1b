package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/settings"
)

// Service is the registry's rules and permissions.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	Clock clock.Clock
}

// New wires the service.
func New(d *db.DB, l *audit.Log) *Service { return &Service{DB: d, Audit: l, Clock: l.Clock} }

// Querier reads inside or outside a transaction: *sql.DB, *db.Tx and
// *audit.W all fit, so other modules can look rows up in their own write
// transaction and see what it has written.
type Querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// scanner is a row or rows being read (scanEnterprise, scanHousehold).
type scanner = db.Scanner

// orNil answers a lookup of one row by key: a missing row is nil, nil, so
// the other modules' callers tell "none" from a failure without sql.
func orNil[T any](v *T, err error) (*T, error) {
	if isNoRows(err) {
		return nil, nil
	}
	return v, err
}

// forEdit checks the row an edit loaded inside its transaction and returns
// a copy to change: a row missing or out of the actor's sight is notFound,
// as for a reader, and only then is manage required, so someone who may
// not see a row is not told it exists.
func forEdit[T any](a *auth.Actor, old *T, err error, visible func(*T) bool, notFound error, manage auth.Permission) (*T, error) {
	if err != nil {
		return nil, err
	}
	if old == nil || !visible(old) {
		return nil, notFound
	}
	if err := auth.Require(a, manage); err != nil {
		return nil, err
	}
	cp := *old
	return &cp, nil
}

// listPage runs a list's query for one page (page size 0: every row, for
// the exports) and reads each row with scan.
func listPage[T any](ctx context.Context, q Querier, query string, args []any, p httpx.Page, scan func(db.Scanner) (T, error)) ([]T, error) {
	if p.Size > 0 {
		query += fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset())
	}
	return db.Collect(ctx, q, query, args, scan)
}

// phoneField copies the input's phone (when given) into *dst and checks
// it; the forms send a masked number back unchanged, which keeps *dst.
func phoneField(f errs.Fields, field string, v *string, dst *string) {
	if v != nil {
		p := strings.TrimSpace(*v)
		if strings.Contains(p, "*") && p == org.MaskPhone(*dst) {
			p = *dst
		}
		*dst = p
	}
	if *dst != "" && !phoneRe.MatchString(*dst) {
		f.Add(field, "联系电话格式不正确", field+" is not a phone number")
	}
}

// industriesKey is where the industry list lives in settings.
const industriesKey = "registry.industries"

// Industries returns the configurable industry list.
func (s *Service) Industries(ctx context.Context) ([]Industry, error) {
	return s.industries(ctx, s.DB.R)
}

func (s *Service) industries(ctx context.Context, q Querier) ([]Industry, error) {
	// A copy: decoding into the default's array would overwrite it.
	list := slices.Clone(DefaultIndustries)
	if err := settings.Get(ctx, q, industriesKey, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// IndustryName names an industry code ("" for "").
func IndustryName(list []Industry, code string) string {
	for _, in := range list {
		if in.Code == code {
			return in.Name
		}
	}
	return code
}

// industryCode finds an industry by its code or its name.
func industryCode(list []Industry, s string) (string, bool) {
	for _, in := range list {
		if in.Code == s || in.Name == s {
			return in.Code, true
		}
	}
	return "", false
}

// validIndustryCode: lower-case letters, digits and underscores.
func validIndustryCode(s string) bool {
	if s == "" || len(s) > 30 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// PutIndustries replaces the industry list (admin, supervisor). Codes in
// use may not be removed.
func (s *Service) PutIndustries(ctx context.Context, a *auth.Actor, list []Industry) ([]Industry, error) {
	if err := auth.Require(a, auth.ManageChains); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	seen := map[string]bool{}
	for i := range list {
		list[i].Code, list[i].Name = strings.TrimSpace(list[i].Code), strings.TrimSpace(list[i].Name)
		in := list[i]
		if !validIndustryCode(in.Code) {
			f.Add("industries", "行业代码应为小写字母、数字或下划线，不超过30位："+in.Code, "industry codes are lower-case letters, digits, _")
		}
		if n := utf8.RuneCountInString(in.Name); n == 0 || n > 20 {
			f.Add("industries", "行业名称不能为空，且不超过20个字", "industry names are required, at most 20 characters")
		}
		if seen[in.Code] || seen["name:"+in.Name] {
			f.Add("industries", "行业代码或名称重复："+in.Code+" "+in.Name, "duplicate industry "+in.Code)
		}
		seen[in.Code], seen["name:"+in.Name] = true, true
	}
	if len(list) == 0 {
		f.Add("industries", "行业列表不能为空", "the industry list may not be empty")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		before, err := s.industries(ctx, w)
		if err != nil {
			return err
		}
		rows, err := w.QueryContext(ctx, `SELECT DISTINCT industry FROM enterprises WHERE industry <> ''`)
		if err != nil {
			return err
		}
		var used []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			used = append(used, c)
		}
		rows.Close()
		for _, c := range used {
			if !seen[c] {
				return errs.Conflictf("行业“"+IndustryName(before, c)+"”已有企业使用，不能删除", "industry "+c+" is in use")
			}
		}
		if err := settings.Put(ctx, w, industriesKey, list, w.Now()); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "registry.industries", ObjectType: "settings", ObjectID: industriesKey,
			Summary: "修改企业行业分类", Before: before, After: list})
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
