package safety

import (
	"context"
	"io"
	"net/http"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/files"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
	"diaodu/internal/registry"
)

// Routes registers the module's endpoints (see model.go).
func (s *Service) Routes(rt *httpx.Router) {
	const tag = "safety"
	const p = "/api/v1/safety"
	ledger := httpx.Query("campaign_id", "industry", "town_id", "supervising_unit_id", "enterprise_id", "level", "status", "overdue",
		"supervised", "q", "sort", "page", "page_size")
	rt.Handle("GET", p+"/home", tag, "安全生产首页", s.handleHome, httpx.Query("campaign_id"))
	rt.Handle("GET", p+"/settings", tag, "安全生产设置（重点时段等）", httpx.Get(s.GetSettings))
	rt.Handle("PUT", p+"/settings", tag, "修改安全生产设置", httpx.Put(s.PutSettings))
	rt.Handle("GET", p+"/campaigns", tag, "专项行动列表", s.handleCampaigns, httpx.Query("status", "q", "page", "page_size"))
	rt.Handle("POST", p+"/campaigns", tag, "发起专项行动", httpx.Create(s.CreateCampaign))
	rt.Handle("GET", p+"/campaigns/{id}", tag, "专项行动详情（检查表、分镇街进度）", httpx.GetByID(s.GetCampaign))
	rt.Handle("PATCH", p+"/campaigns/{id}", tag, "修改专项行动", httpx.UpdateByID(s.UpdateCampaign))
	rt.Handle("GET", p+"/campaigns/{id}/checklist", tag, "企业适用的检查表", s.handleChecklist, httpx.Query("enterprise_id"))
	rt.Handle("GET", p+"/enterprises", tag, "安全生产企业（场所）", s.handleEnterprises,
		httpx.Query("q", "town_id", "industry", "campaign_id", "page", "page_size"))
	rt.Handle("POST", p+"/enterprises", tag, "现场登记企业（场所）", s.handleCreateEnterprise)
	rt.Handle("GET", p+"/enterprises/{id}", tag, "企业安全生产档案（检查、隐患、停产整顿）", httpx.GetByID(s.EnterpriseHistory))
	rt.Handle("PUT", p+"/enterprises/{id}/profile", tag, "更新企业安全生产信息（三客一危车辆、游乐设施、特种设备、承载量）",
		httpx.UpdateByID(s.PutProfile))
	rt.Handle("POST", p+"/photos", tag, "上传检查、隐患照片", s.handlePhoto, httpx.Multipart)
	rt.Handle("GET", p+"/photos/{id}", tag, "查看照片", s.handleOpenPhoto(false), httpx.Produces("image/jpeg"))
	rt.Handle("GET", p+"/photos/{id}/thumb", tag, "照片缩略图", s.handleOpenPhoto(true), httpx.Produces("image/jpeg"))
	rt.Handle("GET", p+"/inspections", tag, "检查记录", s.handleInspections, httpx.Query("campaign_id", "enterprise_id", "page", "page_size"))
	rt.Handle("POST", p+"/inspections", tag, "记录检查（不符合项生成隐患）", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		var in InspectionInput
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		x, created, err := s.CreateInspection(r.Context(), a, in)
		return httpx.Respond(w, httpx.CreatedStatus(created))(x, err)
	})
	rt.Handle("GET", p+"/inspections/{id}", tag, "检查记录详情", httpx.GetByID(s.GetInspection))
	rt.Handle("GET", p+"/hazards", tag, "隐患台账", httpx.ListOf(hazardFilter, s.ListHazards), ledger)
	rt.Handle("GET", p+"/hazards/export", tag, "导出隐患台账（xlsx）", s.handleExport, ledger, httpx.Produces(xlsx.ContentType))
	rt.Handle("POST", p+"/hazards", tag, "登记隐患", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		var in HazardInput
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		h, created, err := s.CreateHazard(r.Context(), a, in)
		return httpx.Respond(w, httpx.CreatedStatus(created))(h, err)
	})
	rt.Handle("GET", p+"/hazards/{id}", tag, "隐患详情", httpx.GetByID(s.GetHazard))
	rt.Handle("PATCH", p+"/hazards/{id}", tag, "修改隐患", httpx.UpdateByID(s.UpdateHazard))
	rt.Handle("PUT", p+"/hazards/{id}/plan", tag, "重大隐患治理方案", httpx.UpdateByID(s.SavePlan))
	rt.Handle("POST", p+"/hazards/{id}/start", tag, "开始整改", httpx.UpdateByID(noted(s.Start)))
	rt.Handle("POST", p+"/hazards/{id}/submit", tag, "整改完成，申请验收", httpx.UpdateByID(s.Submit))
	rt.Handle("POST", p+"/hazards/{id}/verify", tag, "验收（通过销号或退回整改）", httpx.UpdateByID(s.Verify))
	rt.Handle("POST", p+"/hazards/{id}/supervise", tag, "重大隐患挂牌督办", httpx.UpdateByID(noted(s.Supervise)))
	rt.Handle("POST", p+"/hazards/{id}/extensions", tag, "申请整改延期", httpx.CreateByID(s.RequestExtension))
	rt.Handle("POST", p+"/hazard-extensions/{id}/decision", tag, "审批整改延期申请", httpx.UpdateByID(s.decide))
	rt.Handle("GET", p+"/suspensions", tag, "停产停业整顿指令", s.handleSuspensions,
		httpx.Query("status", "enterprise_id", "town_id", "page", "page_size"))
	rt.Handle("POST", p+"/suspensions", tag, "责令停产停业整顿", httpx.Create(s.CreateSuspension))
	rt.Handle("POST", p+"/suspensions/{id}/lift", tag, "复查合格，解除停产停业整顿", httpx.UpdateByID(s.LiftSuspension))
}

type noteInput struct {
	Note string `json:"note"`
}

type decisionInput struct {
	Approve *bool  `json:"approve"`
	Note    string `json:"note"`
}

// noted adapts a hazard step that takes a note to the {"note": "…"} body.
func noted(step func(ctx context.Context, a *auth.Actor, id int64, note string) (*HazardDetail, error)) func(context.Context, *auth.Actor, int64, noteInput) (*HazardDetail, error) {
	return func(ctx context.Context, a *auth.Actor, id int64, in noteInput) (*HazardDetail, error) {
		return step(ctx, a, id, in.Note)
	}
}

// decide is an extension's decision, which must say yes or no.
func (s *Service) decide(ctx context.Context, a *auth.Actor, id int64, in decisionInput) (*Extension, error) {
	if in.Approve == nil {
		f := errs.Fields{}
		f.Add("approve", "请选择同意或不同意", "approve is required")
		return nil, f.Err()
	}
	return s.DecideExtension(ctx, a, id, *in.Approve, in.Note)
}

// pageErr merges a page parse error into fields.
func pageOf(sort string, n int) httpx.Page { return httpx.Page{Page: 1, Size: n, Sort: sort} }

func parsePage(r *http.Request, fe errs.Fields) httpx.Page {
	p, err := httpx.ParsePage(r)
	if e, ok := errs.As(err); ok {
		for k, v := range e.Fields {
			fe[k] = v
		}
	}
	return p
}

func list[T any](w http.ResponseWriter, items []T, total int, err error) error {
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[T]{Items: items, Total: total})
	return nil
}

func (s *Service) handleHome(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	fe := errs.Fields{}
	cid := httpx.Int64Param(r, "campaign_id", fe)
	if err := fe.Err(); err != nil {
		return err
	}
	return httpx.Respond(w, http.StatusOK)(s.Home(r.Context(), a, cid))
}

func (s *Service) handleCampaigns(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	fe := errs.Fields{}
	p := parsePage(r, fe)
	if err := fe.Err(); err != nil {
		return err
	}
	items, total, err := s.ListCampaigns(r.Context(), a, r.URL.Query().Get("status"), p)
	return list(w, items, total, err)
}

func (s *Service) handleChecklist(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	fe := errs.Fields{}
	eid := httpx.Int64Param(r, "enterprise_id", fe)
	if err := fe.Err(); err != nil {
		return err
	}
	return httpx.Respond(w, http.StatusOK)(s.Checklist(r.Context(), a, id, eid))
}

func (s *Service) handleEnterprises(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	fe := errs.Fields{}
	p := parsePage(r, fe)
	f := EnterpriseFilter{Q: p.Q, TownID: httpx.Int64Param(r, "town_id", fe), Industry: strings.TrimSpace(r.URL.Query().Get("industry")),
		CampaignID: httpx.Int64Param(r, "campaign_id", fe)}
	if err := fe.Err(); err != nil {
		return err
	}
	items, total, err := s.ListEnterprises(r.Context(), a, f, p)
	return list(w, items, total, err)
}

func (s *Service) handleCreateEnterprise(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	var in registry.EnterpriseInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	e, created, err := s.CreateEnterprise(r.Context(), a, in)
	return httpx.Respond(w, httpx.CreatedStatus(created))(e, err)
}

func (s *Service) handleInspections(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	fe := errs.Fields{}
	p := parsePage(r, fe)
	cid, eid := httpx.Int64Param(r, "campaign_id", fe), httpx.Int64Param(r, "enterprise_id", fe)
	if err := fe.Err(); err != nil {
		return err
	}
	items, total, err := s.ListInspections(r.Context(), a, cid, eid, p)
	return list(w, items, total, err)
}

func (s *Service) handleSuspensions(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	fe := errs.Fields{}
	p := parsePage(r, fe)
	eid, tid := httpx.Int64Param(r, "enterprise_id", fe), httpx.Int64Param(r, "town_id", fe)
	if err := fe.Err(); err != nil {
		return err
	}
	items, total, err := s.ListSuspensions(r.Context(), a, r.URL.Query().Get("status"), eid, tid, p)
	return list(w, items, total, err)
}

// hazardFilter reads the ledger's filters.
func hazardFilter(r *http.Request) (HazardFilter, httpx.Page, error) {
	fe := errs.Fields{}
	p := parsePage(r, fe)
	q := r.URL.Query()
	f := HazardFilter{CampaignID: httpx.Int64Param(r, "campaign_id", fe), Industry: strings.TrimSpace(q.Get("industry")),
		TownID: httpx.Int64Param(r, "town_id", fe), SupervisingUnitID: httpx.Int64Param(r, "supervising_unit_id", fe),
		EnterpriseID: httpx.Int64Param(r, "enterprise_id", fe), Level: strings.TrimSpace(q.Get("level")),
		Overdue: httpx.BoolParam(r, "overdue", fe), Supervised: httpx.BoolParam(r, "supervised", fe), Q: p.Q,
		Statuses: httpx.ListParam(r, "status")}
	return f, p, fe.Err()
}

func (s *Service) handlePhoto(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	return httpx.File(w, r, s.Attachments.Store.MaxBytes(), nil, func(name string, part io.Reader) error {
		return httpx.Respond(w, http.StatusCreated)(s.UploadPhoto(r.Context(), a, name, part))
	})
}

func (s *Service) handleOpenPhoto(thumb bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		fh, name, ct, err := s.openPhoto(r.Context(), a, id, thumb)
		if err != nil {
			return err
		}
		defer fh.Close()
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", files.ContentDisposition(name, imageTypes[ct]))
		w.Header().Set("Content-Security-Policy", "sandbox")
		w.Header().Set("Cache-Control", "private, max-age=3600")
		http.ServeContent(w, r, "", timeZero, fh)
		return nil
	}
}
