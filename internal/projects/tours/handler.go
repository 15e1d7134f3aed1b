package tours

import (
	"context"
	"net/http"
	"strconv"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
)

// Routes registers the tours' endpoints.
func (s *Service) Routes(rt *httpx.Router) {
	const tg = "tours"
	rt.Handle("GET", "/api/v1/tours", tg, "观摩活动列表", s.handleList, httpx.Query("page", "page_size", "q", "status", "year"))
	rt.Handle("POST", "/api/v1/tours", tg, "新建观摩活动（草稿；不给评分表时用默认评分表）", httpx.Create(s.Create))
	rt.Handle("GET", "/api/v1/tours/candidates/projects", tg, "可选观摩项目", s.handleProjectCandidates, httpx.Query("q"))
	rt.Handle("GET", "/api/v1/tours/candidates/judges", tg, "可选评委（观摩评委角色的用户）", s.handleJudgeCandidates)
	rt.Handle("GET", "/api/v1/tours/{id}", tg, "观摩活动详情", httpx.GetByID(s.Get))
	rt.Handle("PATCH", "/api/v1/tours/{id}", tg, "修改观摩活动（评分表、项目、评委仅草稿可改）", httpx.UpdateByID(s.Update))
	rt.Handle("DELETE", "/api/v1/tours/{id}", tg, "删除草稿观摩活动", httpx.DoByID(s.Delete))
	rt.Handle("POST", "/api/v1/tours/{id}/open", tg, "开始评分", httpx.GetByID(s.Open))
	rt.Handle("POST", "/api/v1/tours/{id}/close", tg, "结束评分并发布结果", httpx.GetByID(s.Close))
	rt.Handle("POST", "/api/v1/tours/{id}/reopen", tg, "重新开放评分（须填写理由）", httpx.UpdateByID(s.reopen))
	rt.Handle("PUT", "/api/v1/tours/{id}/stops/{pid}/findings", tg, "记录项目发现问题", s.handleFindings)
	rt.Handle("GET", "/api/v1/tours/{id}/results", tg, "评分结果（排名、按镇街和责任单位平均）", httpx.GetByID(s.Results))
	rt.Handle("GET", "/api/v1/tours/{id}/results/export", tg, "导出评分结果", s.handleExport, httpx.Produces(xlsx.ContentType))
	rt.Handle("GET", "/api/v1/tours/{id}/my", tg, "评委：我的观摩路线与评分进度", httpx.GetByID(s.MyTour))
	rt.Handle("GET", "/api/v1/tours/{id}/projects/{pid}/my-score", tg, "评委：我对该项目的评分", s.handleMySheet)
	rt.Handle("PUT", "/api/v1/tours/{id}/projects/{pid}/my-score", tg, "评委：暂存或提交评分", s.handleSaveSheet)
}

func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.ErrNotFound
	}
	return n, nil
}

func (s *Service) handleList(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	f := Filter{Status: Status(r.URL.Query().Get("status")), Q: p.Q}
	if y := r.URL.Query().Get("year"); y != "" {
		if f.Year, err = strconv.Atoi(y); err != nil || f.Year < 2000 || f.Year > 2100 {
			fe := errs.Fields{}
			fe.Add("year", "年度应为2000到2100的数字", "year must be a number from 2000 to 2100")
			return fe.Err()
		}
	}
	items, total, err := s.List(r.Context(), a, f, p)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[Tour]{Items: items, Total: total})
	return nil
}

// reopenInput is the body of a reopening: why scoring opens again.
type reopenInput struct {
	Reason string `json:"reason"`
}

func (s *Service) reopen(ctx context.Context, a *auth.Actor, id int64, in reopenInput) (*Detail, error) {
	return s.Reopen(ctx, a, id, in.Reason)
}

// twoIDs reads {id} and {pid}.
func twoIDs(r *http.Request) (int64, int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return 0, 0, notOnRoute
	}
	return id, pid, nil
}

func (s *Service) handleFindings(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, pid, err := twoIDs(r)
	if err != nil {
		return err
	}
	var in FindingsInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.SetFindings(r.Context(), a, id, pid, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, st)
	return nil
}

func (s *Service) handleMySheet(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, pid, err := twoIDs(r)
	if err != nil {
		return err
	}
	sh, err := s.MySheet(r.Context(), a, id, pid)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, sh)
	return nil
}

func (s *Service) handleSaveSheet(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, pid, err := twoIDs(r)
	if err != nil {
		return err
	}
	var in SheetInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	sh, err := s.SaveSheet(r.Context(), a, id, pid, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, sh)
	return nil
}

func (s *Service) handleProjectCandidates(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	cs, err := s.ProjectCandidates(r.Context(), a, r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[Candidate]{Items: cs, Total: len(cs)})
	return nil
}

func (s *Service) handleJudgeCandidates(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	cs, err := s.JudgeCandidates(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[Candidate]{Items: cs, Total: len(cs)})
	return nil
}
