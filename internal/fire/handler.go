package fire

import (
	"context"
	"io"
	"net/http"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
)

// Routes registers the endpoints (listed in model.go).
func (s *Service) Routes(rt *httpx.Router) {
	const tag = "fire"
	rt.Handle("GET", "/api/v1/fire/warnings/active", tag, "当前火险预警（横幅：本人所在区域）", httpx.Get(s.BannerWarnings))
	rt.Handle("GET", "/api/v1/fire/warnings", tag, "火险预警列表", httpx.ListOf(warningFilter, s.listWarnings), httpx.Query("active", "page", "page_size"))
	rt.Handle("POST", "/api/v1/fire/warnings", tag, "发布火险预警", httpx.Create(s.IssueWarning))
	rt.Handle("POST", "/api/v1/fire/warnings/{id}/end", tag, "解除火险预警", httpx.GetByID(s.EndWarning))
	rt.Handle("GET", "/api/v1/fire/settings", tag, "预警等级要求与覆盖率目标", httpx.Get(s.GetSettings))
	rt.Handle("PUT", "/api/v1/fire/settings", tag, "修改预警等级要求与覆盖率目标", httpx.Put(s.PutSettings))
	rt.Handle("GET", "/api/v1/fire/letters", tag, "告知书列表（含覆盖率）", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		active, err := activeParam(r)
		if err != nil {
			return err
		}
		// Not paged (a district has a handful a season), so not httpx.ListOf,
		// which would refuse a bad page the list does not read.
		ls, err := s.ListLetters(r.Context(), a, active)
		return httpx.Respond(w, http.StatusOK)(httpx.List[*Letter]{Items: ls, Total: len(ls)}, err)
	}, httpx.Query("active"))
	rt.Handle("POST", "/api/v1/fire/letters", tag, "新建告知书", httpx.Create(s.CreateLetter))
	rt.Handle("GET", "/api/v1/fire/letters/{id}", tag, "告知书详情", httpx.GetByID(s.Letter))
	rt.Handle("PATCH", "/api/v1/fire/letters/{id}", tag, "修改告知书", httpx.UpdateByID(s.UpdateLetter))
	rt.Handle("POST", "/api/v1/fire/letters/{id}/files", tag, "上传回执签名、回执照片、签收单扫描件或告知书文件", s.handleUpload, httpx.Multipart)
	rt.Handle("POST", "/api/v1/fire/letters/{id}/deliveries", tag, "登记一户送达（签名回执，client_key 幂等）", s.handleDeliver)
	rt.Handle("POST", "/api/v1/fire/letters/{id}/batches", tag, "按签收单扫描件批量登记送达（全部成功或全部不登记）", httpx.CreateByID(s.MarkBatch))
	rt.Handle("GET", "/api/v1/fire/letters/{id}/pending", tag, "村内尚未送达的户", s.handlePending, httpx.Query("village_id", "q", "page", "page_size"))
	rt.Handle("GET", "/api/v1/fire/letters/{id}/sheet", tag, "下载村签收回执单（xlsx）", s.handleSheet, httpx.Query("village_id"),
		httpx.Produces(xlsx.ContentType))
	rt.Handle("GET", "/api/v1/fire/coverage", tag, "告知书覆盖率：按乡镇、按村，未达标的村", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		id, err := idParam(r, "letter_id")
		if err != nil {
			return err
		}
		c, err := s.Coverage(r.Context(), a, id)
		return httpx.Respond(w, http.StatusOK)(c, err)
	}, httpx.Query("letter_id"))
}

// activeParam reads the lists' "active" switch (only what is in force now).
func activeParam(r *http.Request) (bool, error) {
	fe := errs.Fields{}
	active := httpx.BoolParam(r, "active", fe)
	return active != nil && *active, fe.Err()
}

// idParam reads an optional id query parameter (0 when absent).
func idParam(r *http.Request, name string) (int64, error) {
	fe := errs.Fields{}
	id := httpx.Int64Param(r, name, fe)
	return id, fe.Err()
}

// warningFilter reads the page first, then the "active" switch, so a bad
// page is the error reported, as before the list used httpx.ListOf.
func warningFilter(r *http.Request) (bool, httpx.Page, error) {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return false, p, err
	}
	active, err := activeParam(r)
	return active, p, err
}

func (s *Service) listWarnings(ctx context.Context, a *auth.Actor, active bool, p httpx.Page) ([]Warning, int, error) {
	return s.ListWarnings(ctx, a, active, p.Limit(), p.Offset())
}

// handleDeliver answers 201 for a new receipt and 200 for a phone's retry.
func (s *Service) handleDeliver(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	var in DeliveryInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	d, created, err := s.Deliver(r.Context(), a, id, in)
	return httpx.Respond(w, httpx.CreatedStatus(created))(d, err)
}

func (s *Service) handlePending(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	village, err := idParam(r, "village_id")
	if err != nil {
		return err
	}
	hs, total, err := s.Pending(r.Context(), a, id, village, p.Q, p.Limit(), p.Offset())
	return httpx.Respond(w, http.StatusOK)(httpx.List[Household]{Items: hs, Total: total}, err)
}

var sheetColumns = []xlsx.ExportColumn{
	{Header: "序号", Width: 6}, {Header: "户主", Width: 12}, {Header: "住址", Width: 36}, {Header: "人口", Width: 6},
	{Header: "签收人签名", Width: 20}, {Header: "日期", Width: 14},
}

func (s *Service) handleSheet(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	village, err := idParam(r, "village_id")
	if err != nil {
		return err
	}
	title, rows, err := s.SheetRows(r.Context(), a, id, village)
	if err != nil {
		return err
	}
	return xlsx.Serve(w, "签收回执单", title, sheetColumns, rows)
}

// handleUpload stores one multipart "file" against the letter and answers
// {id, …}: the plain upload endpoint the phone's outbox sends files to.
func (s *Service) handleUpload(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil && r.PathValue("id") != "0" {
		return err
	}
	return httpx.File(w, r, s.Attachments.Store.MaxBytes(), nil, func(name string, part io.Reader) error {
		if strings.TrimSpace(name) == "" {
			name = "receipt.png" // a signature drawn on the phone
		}
		f, err := s.UploadFile(r.Context(), a, id, name, part)
		return httpx.Respond(w, http.StatusCreated)(f, err)
	})
}
