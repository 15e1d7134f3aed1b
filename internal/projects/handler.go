package projects

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"diaodu/internal/attachments"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/jobs"
	"diaodu/internal/platform/xlsx"
)

// Register adds the lights job and the attachment owner.
func (s *Service) Register(j *jobs.Scheduler, att *attachments.Service) {
	j.Register("projects.lights", "重新计算重点项目亮灯与时序", jobs.Every(time.Hour), func(ctx context.Context, _ time.Time) error {
		_, err := s.RecomputeAll(ctx, auth.System("projects.lights"))
		return err
	})
	// Before the due day, after it, and for coordination items past their
	// answer date; each reminder is sent once (dedup keys).
	j.Register("projects.remind", "重点项目月报与协调事项提醒", jobs.Daily(9, 30), func(ctx context.Context, asOf time.Time) error {
		for _, remind := range []func(context.Context, time.Time) (int, error){s.RemindDue, s.RemindMissing, s.RemindCoordination} {
			if _, err := remind(ctx, asOf); err != nil {
				return err
			}
		}
		return nil
	})
	att.RegisterOwner("project_report", s.AttachmentOwner)
}

// Routes registers the endpoints.
func (s *Service) Routes(rt *httpx.Router) {
	const tag = "projects"
	filters := httpx.Query("year", "category", "chain_id", "town_id", "unit_id", "leader_id", "phase", "light", "pace", "size", "q", "mine", "sort",
		"page", "page_size")
	rt.Handle("GET", "/api/v1/projects", tag, "重点项目台账", s.handleList, filters)
	rt.Handle("GET", "/api/v1/projects/export", tag, "导出重点项目台账（xlsx）", s.handleExport, filters,
		httpx.Produces("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
	rt.Handle("POST", "/api/v1/projects", tag, "新建重点项目", httpx.Create(s.Create))
	rt.Handle("GET", "/api/v1/projects/board", tag, "挂图作战：按阶段看板", s.handleBoard, filters)
	rt.Handle("GET", "/api/v1/projects/gantt", tag, "挂图作战：节点甘特图", s.handleGantt, filters)
	rt.Handle("GET", "/api/v1/projects/summary", tag, "按包联领导、产业链、乡镇汇总", s.handleSummary, httpx.Query("by"), filters)
	rt.Handle("GET", "/api/v1/projects/report-status", tag, "月报报送情况（已报/未报）", s.handleReportStatus, httpx.Query("month"), filters)
	rt.Handle("GET", "/api/v1/projects/settings", tag, "重点项目设置", httpx.Get(s.GetSettings))
	rt.Handle("PUT", "/api/v1/projects/settings", tag, "修改重点项目设置", httpx.UpdateOnto(s.GetSettings, s.PutSettings))
	rt.Handle("POST", "/api/v1/projects/lights", tag, "立即重新计算亮灯与时序", httpx.Changed(s.RecomputeAll))
	rt.Handle("GET", "/api/v1/projects/{id}", tag, "重点项目详情", httpx.GetByID(s.Detail))
	rt.Handle("PATCH", "/api/v1/projects/{id}", tag, "修改重点项目", httpx.UpdateByID(s.Update))
	rt.Handle("DELETE", "/api/v1/projects/{id}", tag, "删除重点项目（无月报时）", httpx.DoByID(s.Delete))
	rt.Handle("PUT", "/api/v1/projects/{id}/milestones", tag, "保存节点计划与实际完成日期", httpx.UpdateByID(s.SaveMilestones))
	rt.Handle("POST", "/api/v1/projects/{id}/photos", tag, "上传形象进度照片（读取EXIF）", s.handlePhoto, httpx.Multipart)
	rt.Handle("POST", "/api/v1/projects/{id}/reports", tag, "填报月报", httpx.CreateByID(s.SubmitReport))
	rt.Handle("GET", "/api/v1/project-coordination", tag, "协调事项", s.handleCoordination, httpx.Query("status", "mine", "project_id"))
	rt.Handle("POST", "/api/v1/project-coordination/{id}/answer", tag, "答复协调事项", httpx.UpdateByID(s.answer))
}

// filterOf reads the ledger's filters.
func filterOf(r *http.Request) (Filter, httpx.Page, error) {
	p, err := httpx.ParsePage(r)
	q := r.URL.Query()
	fe := errs.Fields{}
	if err != nil {
		if e, ok := errs.As(err); ok {
			for k, v := range e.Fields {
				fe[k] = v
			}
		}
	}
	f := Filter{Q: p.Q, Sort: p.Sort, Category: strings.TrimSpace(q.Get("category")),
		ChainID: httpx.Int64Param(r, "chain_id", fe), TownID: httpx.Int64Param(r, "town_id", fe), UnitID: httpx.Int64Param(r, "unit_id", fe),
		LeaderID: httpx.Int64Param(r, "leader_id", fe)}
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			fe.Add("year", "年度应为2000到2100", "year must be 2000 to 2100")
		}
		f.Year = n
	}
	f.Phases = parseList(q.Get("phase"), func(v string) bool { return PhaseName(v) != v })
	f.Lights = parseList(q.Get("light"), func(v string) bool { return v == LightGreen || v == LightYellow || v == LightRed })
	f.Paces = parseList(q.Get("pace"), func(v string) bool { return v == PaceAhead || v == PaceNormal || v == PaceBehind })
	switch sz := q.Get("size"); sz {
	case "", "large", "huge", "small":
		f.Size = sz
	default:
		fe.Add("size", "规模应为 large（亿元以上）、huge（10亿元以上）或 small", "size must be large, huge or small")
	}
	if b := httpx.BoolParam(r, "mine", fe); b != nil {
		f.Mine = *b
	}
	return f, p, fe.Err()
}

func (s *Service) handleList(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, p, err := filterOf(r)
	if err != nil {
		return err
	}
	items, total, err := s.List(r.Context(), a, f, p.Limit(), p.Offset())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[*Project]{Items: items, Total: total})
	return nil
}

var ledgerColumns = []xlsx.ExportColumn{
	{Header: "序号", Width: 6}, {Header: "项目编号", Width: 14}, {Header: "项目名称", Width: 30}, {Header: "项目类别", Width: 10},
	{Header: "产业链", Width: 12}, {Header: "所在乡镇", Width: 12}, {Header: "责任单位", Width: 18}, {Header: "业主单位", Width: 24},
	{Header: "包联领导", Width: 10}, {Header: "总投资（万元）", Width: 12}, {Header: "年度计划投资（万元）", Width: 14},
	{Header: "年度完成投资（万元）", Width: 14}, {Header: "时序计划（万元）", Width: 12}, {Header: "累计完成投资（万元）", Width: 14},
	{Header: "建设阶段", Width: 8}, {Header: "时序进度", Width: 8}, {Header: "亮灯", Width: 6}, {Header: "亮灯原因", Width: 40},
	{Header: "建设期", Width: 22}, {Header: "现场联系人", Width: 10},
}

func wanNum(yuan int64) float64 { return float64(yuan) / 1e4 }

func lightName(l string) string {
	return map[string]string{LightGreen: "绿灯", LightYellow: "黄灯", LightRed: "红灯"}[l]
}

func (s *Service) handleExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, _, err := filterOf(r)
	if err != nil {
		return err
	}
	items, _, err := s.List(r.Context(), a, f, 0, 0)
	if err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, p := range items {
		chain, leader, period := "", "", ""
		if p.Chain != nil {
			chain = p.Chain.Name
		}
		if p.Leader != nil {
			leader = p.Leader.Name
		}
		if !p.StartOn.IsZero() || !p.EndOn.IsZero() {
			period = fmt.Sprintf("%s至%s", p.StartOn, p.EndOn)
		}
		rows[i] = []any{i + 1, p.Code, p.Name, p.Category, chain, p.Town.Name, p.Unit.Name, p.OwnerName, leader, wanNum(p.TotalInvestment),
			wanNum(p.YearPlanInvestment), wanNum(p.YearActual), wanNum(p.YearPlanned), wanNum(p.InvestCum), PhaseName(p.Phase),
			PaceName(p.Pace), lightName(p.Light), p.LightReason, period, p.ContactName}
	}
	return xlsx.Serve(w, "重点项目台账", "重点项目台账", ledgerColumns, rows)
}

func (s *Service) handlePhoto(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	limit := s.Attachments.Store.MaxBytes()
	return httpx.File(w, r, limit, nil, func(name string, part io.Reader) error {
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		if err != nil {
			return errs.New(errs.BadRequest, "上传内容无法读取", "cannot read the upload")
		}
		if int64(len(data)) > limit {
			return errs.New(errs.TooLarge, "文件过大", "the file is too large")
		}
		ph, err := s.UploadPhoto(r.Context(), a, id, name, data)
		if err != nil {
			return err
		}
		httpx.JSON(w, http.StatusCreated, ph)
		return nil
	})
}

func (s *Service) handleBoard(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, _, err := filterOf(r)
	if err != nil {
		return err
	}
	b, err := s.Board(r.Context(), a, f)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, b)
	return nil
}

func (s *Service) handleGantt(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, p, err := filterOf(r)
	if err != nil {
		return err
	}
	rows, total, err := s.Gantt(r.Context(), a, f, p.Limit(), p.Offset())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[GanttRow]{Items: rows, Total: total})
	return nil
}

func (s *Service) handleSummary(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, _, err := filterOf(r)
	if err != nil {
		return err
	}
	rows, err := s.Summary(r.Context(), a, r.URL.Query().Get("by"), f)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, rows)
	return nil
}

func (s *Service) handleReportStatus(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, _, err := filterOf(r)
	if err != nil {
		return err
	}
	st, err := s.ReportStatus(r.Context(), a, r.URL.Query().Get("month"), f)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, st)
	return nil
}

func (s *Service) handleCoordination(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	fe := errs.Fields{}
	mine := httpx.BoolParam(r, "mine", fe)
	pid := httpx.Int64Param(r, "project_id", fe)
	if err := fe.Err(); err != nil {
		return err
	}
	items, err := s.ListCoordination(r.Context(), a, r.URL.Query().Get("status"), mine != nil && *mine, pid)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[Coordination]{Items: items, Total: len(items)})
	return nil
}

// answerInput is the body of an answer to a coordination item.
type answerInput struct {
	Answer string `json:"answer"`
}

func (s *Service) answer(ctx context.Context, a *auth.Actor, id int64, in answerInput) (*Coordination, error) {
	return s.AnswerCoordination(ctx, a, id, in.Answer)
}
