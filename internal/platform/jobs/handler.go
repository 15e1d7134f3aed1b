package jobs

import (
	"net/http"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/httpx"
)

// Routes registers the 定时任务 page's endpoints.
func (s *Scheduler) Routes(rt *httpx.Router) {
	rt.Handle("GET", "/api/v1/jobs", "jobs", "定时任务列表", s.handleList)
	rt.Handle("POST", "/api/v1/jobs/{name}/run", "jobs", "立即运行定时任务（留痕）", s.handleRun)
	rt.Handle("GET", "/api/v1/jobs/{name}/runs", "jobs", "定时任务运行记录", s.handleRuns, httpx.Query("page", "page_size"))
}

func (s *Scheduler) handleList(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	items, err := s.List(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[Job]{Items: items, Total: len(items)})
	return nil
}

func (s *Scheduler) handleRun(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	run, err := s.RunNow(r.Context(), a, r.PathValue("name"))
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, run)
	return nil
}

func (s *Scheduler) handleRuns(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	items, total, err := s.Runs(r.Context(), a, r.PathValue("name"), p.Limit(), p.Offset())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[Run]{Items: items, Total: total})
	return nil
}
