package registry

import (
	"context"
	"net/http"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
)

// Routes registers the registry's endpoints.
func (s *Service) Routes(rt *httpx.Router) {
	const te, tc = "enterprises", "industrial-chains"
	rt.Handle("GET", "/api/v1/enterprises", te, "企业名录", httpx.ListOf(enterpriseFilter, s.ListEnterprises), httpx.Query(enterpriseQuery...))
	rt.Handle("GET", "/api/v1/enterprises/export", te, "导出企业名录", s.handleExport, httpx.Query(enterpriseQuery...),
		httpx.Produces(xlsx.ContentType))
	rt.Handle("GET", "/api/v1/enterprises/{id}", te, "企业详情", httpx.GetByID(s.GetEnterprise))
	rt.Handle("POST", "/api/v1/enterprises", te, "登记企业（场所）", httpx.Create(s.CreateEnterprise))
	rt.Handle("PATCH", "/api/v1/enterprises/{id}", te, "修改企业（场所）", httpx.UpdateByID(s.UpdateEnterprise))
	rt.Handle("GET", "/api/v1/enterprise-industries", te, "企业行业分类", s.handleIndustries)
	rt.Handle("PUT", "/api/v1/enterprise-industries", te, "修改企业行业分类", s.handlePutIndustries)

	rt.Handle("GET", "/api/v1/industrial-chains", tc, "产业链列表", s.handleChains, httpx.Query("all"))
	rt.Handle("POST", "/api/v1/industrial-chains", tc, "新建产业链", httpx.Create(s.CreateChain))
	rt.Handle("PATCH", "/api/v1/industrial-chains/{id}", tc, "修改、排序、停用产业链", httpx.UpdateByID(s.UpdateChain))

	s.householdRoutes(rt) // households (户): households_handler.go
}

var enterpriseQuery = []string{"page", "page_size", "q", "sort", "town_id", "industry", "kind", "supervising_unit_id", "risk_level"}

func enterpriseFilter(r *http.Request) (EnterpriseFilter, httpx.Page, error) {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return EnterpriseFilter{}, p, err
	}
	f := errs.Fields{}
	q := r.URL.Query()
	ef := EnterpriseFilter{Q: p.Q, TownID: httpx.Int64Param(r, "town_id", f), Industry: q.Get("industry"), Kind: q.Get("kind"),
		SupervisingUnitID: httpx.Int64Param(r, "supervising_unit_id", f), RiskLevel: q.Get("risk_level")}
	return ef, p, f.Err()
}

// handleExport streams the registry with the list's filters, in the
// layout of the import template (so an export can be edited and imported).
func (s *Service) handleExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	items, err := exportAll(r, a, enterpriseFilter, s.ListEnterprises)
	if err != nil {
		return err
	}
	cols := exportColumns(EnterpriseSpec)
	rows := make([][]any, len(items))
	for i, e := range items {
		rows[i] = []any{e.Name, e.CreditCode, Kinds[e.Kind], e.IndustryName, e.TownName, e.Address, e.LegalPerson, e.ContactName,
			e.ContactPhone, e.SupervisingName, RiskLevels[e.RiskLevel]}
	}
	return xlsx.Serve(w, "企业名录", "企业名录", cols, rows)
}

func (s *Service) handleIndustries(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	list, err := s.Industries(r.Context())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"items": list, "kinds": Kinds, "risk_levels": RiskLevels})
	return nil
}

func (s *Service) handlePutIndustries(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	var in struct {
		Items []Industry `json:"items"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	list, err := s.PutIndustries(r.Context(), a, in.Items)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

func (s *Service) handleChains(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f := errs.Fields{}
	all := httpx.BoolParam(r, "all", f)
	if err := f.Err(); err != nil {
		return err
	}
	items, err := s.ListChains(r.Context(), a, all != nil && *all)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[Chain]{Items: items, Total: len(items)})
	return nil
}

// exportAll lists every row the list's filters select (no page): an
// export is the list as the user filtered it.
func exportAll[F, T any](r *http.Request, a *auth.Actor, filter func(*http.Request) (F, httpx.Page, error),
	list func(context.Context, *auth.Actor, F, httpx.Page) ([]T, int, error)) ([]T, error) {
	f, p, err := filter(r)
	if err != nil {
		return nil, err
	}
	p.Size = 0
	items, _, err := list(r.Context(), a, f, p)
	return items, err
}

// exportColumns are an import template's columns, so an export can be
// edited and imported again.
func exportColumns(spec xlsx.Spec) []xlsx.ExportColumn {
	cols := make([]xlsx.ExportColumn, len(spec.Columns))
	for i, c := range spec.Columns {
		cols[i] = xlsx.ExportColumn{Header: c.Header, Width: c.Width}
	}
	return cols
}
