package tasks

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
)

var (
	taskQuery   = []string{"page", "page_size", "sort", "q", "status", "light", "source_id", "leader_id", "unit_id", "tag", "kind", "deadline_from", "deadline_to", "parent_id", "all", "mine", "overdue", "missing"}
	sourceQuery = []string{"page", "page_size", "sort", "q", "kind", "year"}
)

// Routes registers supervision's endpoints.
func (s *Service) Routes(rt *httpx.Router) {
	const ts, tt, tv = "task-sources", "tasks", "supervision"
	rt.Handle("GET", "/api/v1/task-sources", ts, "任务来源列表", s.handleListSources, httpx.Query(sourceQuery...))
	rt.Handle("POST", "/api/v1/task-sources", ts, "新建任务来源（会议、批示、年度计划）", s.handleSaveSource)
	rt.Handle("GET", "/api/v1/task-sources/{id}", ts, "任务来源详情", httpx.GetByID(s.GetSource))
	rt.Handle("PATCH", "/api/v1/task-sources/{id}", ts, "修改任务来源", s.handleSaveSource)
	rt.Handle("DELETE", "/api/v1/task-sources/{id}", ts, "删除无任务的来源", httpx.DoByID(s.DeleteSource))

	rt.Handle("GET", "/api/v1/tasks", tt, "督办台账", httpx.ListOf(taskFilter, s.List), httpx.Query(taskQuery...))
	rt.Handle("GET", "/api/v1/tasks/export", tt, "导出督办台账", s.handleExport, httpx.Query(taskQuery...), httpx.Produces(xlsx.ContentType))
	rt.Handle("POST", "/api/v1/tasks", tt, "新建督办任务（草稿，或 issue=true 直接下发）", httpx.Create(s.Create))
	rt.Handle("GET", "/api/v1/tasks/{id}", tt, "督办任务详情", httpx.GetByID(s.Detail))
	rt.Handle("PATCH", "/api/v1/tasks/{id}", tt, "修改督办任务", httpx.UpdateByID(s.Update))
	rt.Handle("DELETE", "/api/v1/tasks/{id}", tt, "删除草稿", httpx.DoByID(s.Delete))
	rt.Handle("POST", "/api/v1/tasks/{id}/issue", tt, "下发", s.step(s.Issue))
	rt.Handle("POST", "/api/v1/tasks/{id}/sign", tt, "签收", s.step(s.Sign))
	rt.Handle("POST", "/api/v1/tasks/{id}/reports", tt, "报送进展（同一周期再次报送替换前一次）", httpx.CreateByID(s.Report))
	rt.Handle("POST", "/api/v1/tasks/{id}/completion", tt, "申请办结", s.handleCompletion)
	rt.Handle("POST", "/api/v1/tasks/{id}/close", tt, "销号", s.withText("note", false, s.Close))
	rt.Handle("POST", "/api/v1/tasks/{id}/return", tt, "退回", s.withText("reason", true, s.Return))
	rt.Handle("POST", "/api/v1/tasks/{id}/extensions", tt, "延期申请", httpx.CreateByID(s.RequestExtension))
	rt.Handle("POST", "/api/v1/task-extensions/{id}/decision", tt, "审批延期申请", s.handleDecision)
	rt.Handle("POST", "/api/v1/tasks/{id}/subtasks", tt, "拆分子任务", httpx.CreateByID(s.Split))
	rt.Handle("PUT", "/api/v1/tasks/{id}/milestones/{mid}/done", tt, "标记节点完成（done_on 为空则撤销）", s.handleMilestone)
	rt.Handle("POST", "/api/v1/tasks/{id}/reminders", tt, "催办", s.handleAction(ActionRemind))
	rt.Handle("POST", "/api/v1/tasks/{id}/notices", tt, "下发督办单", s.handleAction(ActionNotice))
	rt.Handle("POST", "/api/v1/tasks/{id}/interviews", tt, "约谈记录", s.handleAction(ActionInterview))
	rt.Handle("GET", "/api/v1/task-actions/{id}/document", tt, "督办单 Word 文件", s.handleNoticeDocument,
		httpx.Produces(docxType))
	rt.Handle("GET", "/api/v1/task-coordination", tt, "协调事项", s.handleListCoordination, httpx.Query("status", "mine", "task_id", "page", "page_size"))
	rt.Handle("POST", "/api/v1/task-coordination/{id}/answer", tt, "答复协调事项", httpx.UpdateByID(s.answer))

	rt.Handle("GET", "/api/v1/supervision/home", tv, "督查督办首页", httpx.Get(s.Home))
	rt.Handle("GET", "/api/v1/supervision/my-work", tv, "我的待办", httpx.Get(s.MyWork))
	rt.Handle("GET", "/api/v1/supervision/gantt", tv, "节点计划与实际（甘特图）", httpx.ListOf(taskFilter, s.Gantt), httpx.Query(taskQuery...))
	rt.Handle("GET", "/api/v1/supervision/settings", tv, "督查督办设置", httpx.Get(s.GetSettings))
	rt.Handle("PUT", "/api/v1/supervision/settings", tv, "修改督查督办设置", httpx.UpdateOnto(s.GetSettings, s.PutSettings))
	rt.Handle("POST", "/api/v1/supervision/lights", tv, "立即重新计算亮灯", httpx.Changed(s.RecomputeLights))
}

func (s *Service) handleListSources(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	f := SourceFilter{Kind: r.URL.Query().Get("kind"), Q: p.Q}
	if y := r.URL.Query().Get("year"); y != "" {
		if f.Year, err = strconv.Atoi(y); err != nil {
			fe := errs.Fields{}
			fe.Add("year", "年度应为数字", "year must be a number")
			return fe.Err()
		}
	}
	items, total, err := s.ListSources(r.Context(), a, f, p)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[Source]{Items: items, Total: total})
	return nil
}

func (s *Service) handleSaveSource(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = httpx.PathID(r); err != nil {
			return err
		}
	}
	var in SourceInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	src, err := s.SaveSource(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
	}
	httpx.JSON(w, status, src)
	return nil
}

func taskFilter(r *http.Request) (Filter, httpx.Page, error) {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return Filter{}, p, err
	}
	q := r.URL.Query()
	f := errs.Fields{}
	tf := Filter{Status: httpx.ListParam(r, "status"), Light: httpx.ListParam(r, "light"), SourceID: httpx.Int64Param(r, "source_id", f),
		LeaderID: httpx.Int64Param(r, "leader_id", f), UnitID: httpx.Int64Param(r, "unit_id", f), Tag: strings.TrimSpace(q.Get("tag")),
		Kind: q.Get("kind"), DeadlineFrom: calendar.DateParam(r, "deadline_from", f), DeadlineTo: calendar.DateParam(r, "deadline_to", f), Q: p.Q,
		ParentID: httpx.Int64Param(r, "parent_id", f), Overdue: httpx.BoolParam(r, "overdue", f), Missing: httpx.BoolParam(r, "missing", f)}
	if b := httpx.BoolParam(r, "all", f); b != nil {
		tf.All = *b
	}
	if b := httpx.BoolParam(r, "mine", f); b != nil {
		tf.Mine = *b
	}
	return tf, p, f.Err()
}

// step is the handler of a body-less workflow step: it answers the task.
func (s *Service) step(do func(ctx context.Context, a *auth.Actor, id int64) error) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		if err := do(r.Context(), a, id); err != nil {
			return err
		}
		return s.answerTask(w, r, a, id)
	}
}

func (s *Service) answerTask(w http.ResponseWriter, r *http.Request, a *auth.Actor, id int64) error {
	t, err := s.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, t)
	return nil
}

// withText is a step that takes {"<field>": "…"} (optional body when not required).
func (s *Service) withText(field string, required bool, do func(ctx context.Context, a *auth.Actor, id int64, text string) error) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		body := map[string]string{}
		if r.ContentLength != 0 || required {
			if err := httpx.Decode(w, r, &body); err != nil {
				return err
			}
		}
		for k := range body {
			if k != field {
				return errs.New(errs.BadRequest, "未知字段 "+k, "unknown field "+k)
			}
		}
		if err := do(r.Context(), a, id, body[field]); err != nil {
			return err
		}
		return s.answerTask(w, r, a, id)
	}
}

func (s *Service) handleCompletion(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	var in CompletionInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if err := s.RequestCompletion(r.Context(), a, id, in); err != nil {
		return err
	}
	return s.answerTask(w, r, a, id)
}

func (s *Service) handleDecision(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Approve *bool  `json:"approve"`
		Note    string `json:"note"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Approve == nil {
		f := errs.Fields{}
		f.Add("approve", "请选择同意或不同意", "approve is required")
		return f.Err()
	}
	e, err := s.DecideExtension(r.Context(), a, id, *in.Approve, in.Note)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, e)
	return nil
}

func (s *Service) handleMilestone(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	mid, err := strconv.ParseInt(r.PathValue("mid"), 10, 64)
	if err != nil || mid <= 0 {
		return errs.NotFoundf("节点", "milestone")
	}
	var in struct {
		DoneOn calendar.Date `json:"done_on"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if err := s.MarkMilestone(r.Context(), a, id, mid, in.DoneOn); err != nil {
		return err
	}
	return s.answerTask(w, r, a, id)
}

func (s *Service) handleAction(kind string) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		var in ActionInput
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		var ac *Action
		switch kind {
		case ActionRemind:
			if in.Interviewee != "" || !in.HeldOn.IsZero() || !in.ReplyBy.IsZero() {
				return errs.New(errs.BadRequest, "催办只需填写内容", "a reminder takes only content")
			}
			ac, err = s.Remind(r.Context(), a, id, in.Content)
		case ActionNotice:
			ac, err = s.Notice(r.Context(), a, id, in)
		default:
			ac, err = s.Interview(r.Context(), a, id, in)
		}
		if err != nil {
			return err
		}
		httpx.JSON(w, http.StatusCreated, ac)
		return nil
	}
}

func (s *Service) handleListCoordination(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	cf := CoordinationFilter{Status: r.URL.Query().Get("status"), TaskID: httpx.Int64Param(r, "task_id", f)}
	if b := httpx.BoolParam(r, "mine", f); b != nil {
		cf.Mine = *b
	}
	if err := f.Err(); err != nil {
		return err
	}
	items, total, err := s.ListCoordination(r.Context(), a, cf, p)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[Coordination]{Items: items, Total: total})
	return nil
}

// answerInput is the body of an answer to a coordination item.
type answerInput struct {
	Answer string `json:"answer"`
}

func (s *Service) answer(ctx context.Context, a *auth.Actor, id int64, in answerInput) (*Coordination, error) {
	return s.AnswerCoordination(ctx, a, id, in.Answer)
}

// handleNoticeDocument serves a notice as a Word file.
func (s *Service) handleNoticeDocument(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	doc, err := s.NoticeOf(r.Context(), a, id)
	if err != nil {
		return err
	}
	return serveNotice(w, doc)
}
