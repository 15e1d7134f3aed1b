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
	rt.Handle("GET", "/api/v1/fire/warnings/active", tag, "当前火险预警（横幅：本人所在区域）", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		ws, err := s.BannerWarnings(r.Context(), a)
		return httpx.Respond(w, http.StatusOK)(ws, err)
	})
	rt.Handle("GET", "/api/v1/fire/warnings", tag, "火险预警列表", s.handleWarnings, httpx.Query("active", "page", "page_size"))
	rt.Handle("POST", "/api/v1/fire/warnings", tag, "发布火险预警", withBody(http.StatusCreated, s.IssueWarning))
	rt.Handle("POST", "/api/v1/fire/warnings/{id}/end", tag, "解除火险预警", httpx.GetByID(s.EndWarning))
	rt.Handle("GET", "/api/v1/fire/settings", tag, "预警等级要求与覆盖率目标", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		st, err := s.GetSettings(r.Context(), a)
		return httpx.Respond(w, http.StatusOK)(st, err)
	})
	rt.Handle("PUT", "/api/v1/fire/settings", tag, "修改预警等级要求与覆盖率目标", withBody(http.StatusOK, s.PutSettings))
	rt.Handle("GET", "/api/v1/fire/letters", tag, "告知书列表（含覆盖率）", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		fe := errs.Fields{}
		active := httpx.BoolParam(r, "active", fe)
		if err := fe.Err(); err != nil {
			return err
		}
		ls, err := s.ListLetters(r.Context(), a, active != nil && *active)
		return httpx.Respond(w, http.StatusOK)(httpx.List[*Letter]{Items: ls, Total: len(ls)}, err)
	}, httpx.Query("active"))
	rt.Handle("POST", "/api/v1/fire/letters", tag, "新建告知书", withBody(http.StatusCreated, s.CreateLetter))
	rt.Handle("GET", "/api/v1/fire/letters/{id}", tag, "告知书详情", httpx.GetByID(s.Letter))
	rt.Handle("PATCH", "/api/v1/fire/letters/{id}", tag, "修改告知书", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		var in LetterInput
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		l, err := s.UpdateLetter(r.Context(), a, id, in)
		return httpx.Respond(w, http.StatusOK)(l, err)
	})
	rt.Handle("POST", "/api/v1/fire/letters/{id}/files", tag, "上传回执签名、回执照片、签收单扫描件或告知书文件", s.handleUpload, httpx.Multipart)
	rt.Handle("POST", "/api/v1/fire/letters/{id}/deliveries", tag, "登记一户送达（签名回执，client_key 幂等）", s.handleDeliver)
	rt.Handle("POST", "/api/v1/fire/letters/{id}/batches", tag, "按签收单扫描件批量登记送达（全部成功或全部不登记）", httpx.CreateByID(s.MarkBatch))
	rt.Handle("GET", "/api/v1/fire/letters/{id}/pending", tag, "村内尚未送达的户", s.handlePending, httpx.Query("village_id", "q", "page", "page_size"))
	rt.Handle("GET", "/api/v1/fire/letters/{id}/sheet", tag, "下载村签收回执单（xlsx）", s.handleSheet, httpx.Query("village_id"),
		httpx.Produces(xlsx.ContentType))
	rt.Handle("GET", "/api/v1/fire/coverage", tag, "告知书覆盖率：按乡镇、按村，未达标的村", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		fe := errs.Fields{}
		id := httpx.Int64Param(r, "letter_id", fe)
		if err := fe.Err(); err != nil {
			return err
		}
		c, err := s.Coverage(r.Context(), a, id)
		return httpx.Respond(w, http.StatusOK)(c, err)
	}, httpx.Query("letter_id"))
}

// withBody decodes the JSON body into In and answers fn's result with status.
func withBody[In, Out any](status int, fn func(ctx context.Context, a *auth.Actor, in In) (Out, error)) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		var in In
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		v, err := fn(r.Context(), a, in)
		return httpx.Respond(w, status)(v, err)
	}
}

func (s *Service) handleWarnings(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	fe := errs.Fields{}
	active := httpx.BoolParam(r, "active", fe)
	if err := fe.Err(); err != nil {
		return err
	}
	ws, total, err := s.ListWarnings(r.Context(), a, active != nil && *active, p.Limit(), p.Offset())
	return httpx.Respond(w, http.StatusOK)(httpx.List[Warning]{Items: ws, Total: total}, err)
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
	fe := errs.Fields{}
	village := httpx.Int64Param(r, "village_id", fe)
	if err := fe.Err(); err != nil {
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
	fe := errs.Fields{}
	village := httpx.Int64Param(r, "village_id", fe)
	if err := fe.Err(); err != nil {
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
