package registry

import (
	"net/http"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
)

// householdRoutes registers the household endpoints (called from Routes):
//
//	GET   /households?town_id=&village_id=&q=&active=&sort=&page=&page_size=
//	      (sort: code (village, code) | head_name | people | updated_at, "-" for descending)
//	GET   /households/export (same filters)   the roster as xlsx, in the import's layout
//	GET   /households/{id}                    Household
//	GET   /households/{id}/phone              {"phone"}: unmasked, audited (managers in scope)
//	POST  /households                         HouseholdInput → Household
//	PATCH /households/{id}                    HouseholdInput (nil unchanged; active=false deactivates)
//	GET   /households/import-template; POST /households/imports?village_id=  (imports framework, kind "households")
func (s *Service) householdRoutes(rt *httpx.Router) {
	const tag = "households"
	rt.Handle("GET", "/api/v1/households", tag, "户籍名册（户）", httpx.ListOf(householdFilter, s.ListHouseholds), httpx.Query(householdQuery...))
	rt.Handle("GET", "/api/v1/households/export", tag, "导出户名册", s.handleHouseholdExport, httpx.Query(householdQuery...),
		httpx.Produces(xlsx.ContentType))
	rt.Handle("GET", "/api/v1/households/{id}", tag, "户详情", httpx.GetByID(s.Household))
	rt.Handle("GET", "/api/v1/households/{id}/phone", tag, "查看户主联系电话（留痕）", s.handleHouseholdPhone)
	rt.Handle("POST", "/api/v1/households", tag, "登记户", httpx.Create(s.CreateHousehold))
	rt.Handle("PATCH", "/api/v1/households/{id}", tag, "修改、注销户", httpx.UpdateByID(s.UpdateHousehold))
}

var householdQuery = []string{"page", "page_size", "q", "sort", "town_id", "village_id", "active"}

func householdFilter(r *http.Request) (HouseholdFilter, httpx.Page, error) {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return HouseholdFilter{}, p, err
	}
	f := errs.Fields{}
	hf := HouseholdFilter{Q: p.Q, TownID: httpx.Int64Param(r, "town_id", f), VillageID: httpx.Int64Param(r, "village_id", f),
		Active: httpx.BoolParam(r, "active", f)}
	return hf, p, f.Err()
}

// handleHouseholdExport writes the list's households in the import
// template's layout, so an export can be corrected and imported again.
func (s *Service) handleHouseholdExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	items, err := exportAll(r, a, householdFilter, s.ListHouseholds)
	if err != nil {
		return err
	}
	cols := append([]xlsx.ExportColumn{{Header: "序号", Width: 6}}, exportColumns(HouseholdSpec)...)
	cols = append(cols, xlsx.ExportColumn{Header: "状态", Width: 8})
	rows := make([][]any, len(items))
	for i, h := range items {
		state := "在册"
		if !h.Active {
			state = "已注销"
		}
		rows[i] = []any{i + 1, h.TownName, h.VillageName, h.Code, h.HeadName, h.Address, h.Phone, h.People, h.Note, state}
	}
	return xlsx.Serve(w, "户名册", "户名册", cols, rows)
}

func (s *Service) handleHouseholdPhone(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	phone, err := s.HouseholdPhone(r.Context(), a, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]string{"phone": phone})
	return nil
}
