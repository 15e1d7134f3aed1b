package patrol

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"diaodu/internal/attachments"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/jobs"
)

// Register adds the posts job and the photo owner (notify kind "fire.posts"
// falls under the fire module's "fire." kind).
func (s *Service) Register(j *jobs.Scheduler, att *attachments.Service) {
	j.Register("fire.posts", "重点防火村巡查力量亮灯与提醒", jobs.Every(time.Hour), func(ctx context.Context, at time.Time) error {
		_, err := s.RecomputeLights(ctx, at)
		return err
	})
	att.RegisterOwner(photoUpload, s.PhotoOwner)
}

// Routes registers the module's endpoints.
func (s *Service) Routes(rt *httpx.Router) {
	const tag = "fire-patrol"
	list := httpx.Query("from", "to", "town_id", "village_id", "page", "page_size")
	rt.Handle("GET", "/api/v1/fire/home", tag, "防火首页：今日巡查、广播、红灯村、火情、检查", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		h, err := s.Home(r.Context(), a)
		return httpx.Respond(w, http.StatusOK)(h, err)
	})
	rt.Handle("GET", "/api/v1/fire/broadcasts", tag, "村村响广播记录", s.handleBroadcasts, list)
	rt.Handle("POST", "/api/v1/fire/broadcasts", tag, "记录村村响广播（client_key 幂等）", idempotent(s.CreateBroadcast))
	rt.Handle("GET", "/api/v1/fire/squads", tag, "巡查小分队", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		items, err := s.ListSquads(r.Context(), a)
		return httpx.Respond(w, http.StatusOK)(items, err)
	})
	rt.Handle("POST", "/api/v1/fire/squads", tag, "新建巡查小分队", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		var in SquadInput
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		sq, err := s.SaveSquad(r.Context(), a, 0, in)
		return httpx.Respond(w, http.StatusCreated)(sq, err)
	})
	rt.Handle("PUT", "/api/v1/fire/squads/{id}", tag, "修改巡查小分队", withID(s.SaveSquad))
	rt.Handle("GET", "/api/v1/fire/patrols", tag, "巡查记录", s.handlePatrols, list, httpx.Query("squad_id", "post_id", "open", "mine"))
	rt.Handle("POST", "/api/v1/fire/patrols", tag, "开始巡查（client_key 幂等）", idempotent(s.CreatePatrol))
	rt.Handle("GET", "/api/v1/fire/patrols/{id}", tag, "巡查详情（id 或 client_key）：轨迹、发现、照片", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		p, err := s.PatrolByRef(r.Context(), a, r.PathValue("id"))
		return httpx.Respond(w, http.StatusOK)(p, err)
	})
	rt.Handle("POST", "/api/v1/fire/patrols/{id}/points", tag, "上传一批轨迹点（client_key 幂等）", byRef(s.AddPoints))
	rt.Handle("POST", "/api/v1/fire/patrols/{id}/findings", tag, "记录巡查发现（client_key 幂等）", byRef(s.AddFinding))
	rt.Handle("POST", "/api/v1/fire/patrols/{id}/end", tag, "结束巡查", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		var in EndInput
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		p, err := s.EndPatrol(r.Context(), a, r.PathValue("id"), in)
		return httpx.Respond(w, http.StatusOK)(p, err)
	})
	rt.Handle("POST", "/api/v1/fire/patrols/{id}/gpx", tag, "导入 GPX 轨迹（替换轨迹）", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		return withFile(w, r, MaxGPXBytes, func(_ string, f io.Reader) error {
			p, err := s.ImportGPX(r.Context(), a, r.PathValue("id"), f)
			return httpx.Respond(w, http.StatusOK)(p, err)
		})
	}, httpx.Multipart)
	rt.Handle("POST", "/api/v1/fire/photos", tag, "上传巡查照片（随后在发现或结束巡查时引用 id）", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		return withFile(w, r, s.Attachments.Store.MaxBytes(), func(name string, f io.Reader) error {
			p, err := s.UploadPhoto(r.Context(), a, name, f)
			return httpx.Respond(w, http.StatusCreated)(p, err)
		})
	}, httpx.Multipart)
	rt.Handle("GET", "/api/v1/fire/villages", tag, "重点防火村与公益岗位（亮灯）", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		items, err := s.ListVillages(r.Context(), a)
		return httpx.Respond(w, http.StatusOK)(items, err)
	})
	rt.Handle("POST", "/api/v1/fire/villages", tag, "设为重点防火村", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		var in VillageInput
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		v, err := s.SaveVillage(r.Context(), a, in)
		return httpx.Respond(w, http.StatusOK)(v, err)
	})
	rt.Handle("POST", "/api/v1/fire/posts", tag, "新建公益岗位", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		var in PostInput
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		p, err := s.SavePost(r.Context(), a, 0, in)
		return httpx.Respond(w, http.StatusCreated)(p, err)
	})
	rt.Handle("PUT", "/api/v1/fire/posts/{id}", tag, "修改公益岗位", withID(s.SavePost))
	rt.Handle("POST", "/api/v1/fire/lights", tag, "立即重新计算重点防火村亮灯", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		n, err := s.Relight(r.Context(), a)
		return httpx.Respond(w, http.StatusOK)(map[string]int{"red": n}, err)
	})
	rt.Handle("GET", "/api/v1/fire/reports", tag, "火情", s.handleReports, list)
	rt.Handle("POST", "/api/v1/fire/reports", tag, "登记火情", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		var in ReportInput
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		rep, err := s.CreateReport(r.Context(), a, in)
		return httpx.Respond(w, http.StatusCreated)(rep, err)
	})
	rt.Handle("GET", "/api/v1/fire/reports/{id}", tag, "火情详情与处置时间线", httpx.GetByID(s.GetReport))
	rt.Handle("PUT", "/api/v1/fire/reports/{id}", tag, "修改火情", withID(s.UpdateReport))
	rt.Handle("POST", "/api/v1/fire/reports/{id}/events", tag, "添加处置环节", httpx.CreateByID(s.AddEvent))
	rt.Handle("GET", "/api/v1/fire/checks", tag, "责任落实检查", s.handleChecks, list)
	rt.Handle("POST", "/api/v1/fire/checks", tag, "登记责任落实检查", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		var in CheckInput
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		c, err := s.CreateCheck(r.Context(), a, in)
		return httpx.Respond(w, http.StatusCreated)(c, err)
	})
	rt.Handle("POST", "/api/v1/fire/checks/{id}/fixed", tag, "检查问题整改完成", withID(s.FixCheck))
}

// idempotent answers 201 for a new record and 200 for one the phone had sent before.
func idempotent[In, Out any](create func(context.Context, *auth.Actor, In) (Out, bool, error)) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		var in In
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		v, isNew, err := create(r.Context(), a, in)
		return httpx.Respond(w, httpx.CreatedStatus(isNew))(v, err)
	}
}

// byRef is idempotent under a patrol named by id or client_key.
func byRef[In, Out any](create func(context.Context, *auth.Actor, string, In) (Out, bool, error)) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		ref := r.PathValue("id")
		return idempotent(func(ctx context.Context, a *auth.Actor, in In) (Out, bool, error) { return create(ctx, a, ref, in) })(w, r, a)
	}
}

func withID[In, Out any](do func(context.Context, *auth.Actor, int64, In) (Out, error)) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		var in In
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
		v, err := do(r.Context(), a, id, in)
		return httpx.Respond(w, http.StatusOK)(v, err)
	}
}

// withFile hands the multipart field "file" to fn; an upload too large is
// refused naming the field, as the forms show it beside the field.
func withFile(w http.ResponseWriter, r *http.Request, limit int64, fn func(name string, f io.Reader) error) error {
	err := httpx.File(w, r, limit, nil, fn)
	if errs.Is(err, errs.TooLarge) {
		return fileErr("文件过大", "the file is too large")
	}
	return err
}

// listFilter reads from, to, town_id and village_id.
func listFilter(r *http.Request) (ListFilter, httpx.Page, errs.Fields) {
	fe := errs.Fields{}
	p, err := httpx.ParsePage(r)
	if err != nil {
		mergeFields(fe, err)
	}
	f := ListFilter{TownID: httpx.Int64Param(r, "town_id", fe), VillageID: httpx.Int64Param(r, "village_id", fe)}
	day := func(name string) calendar.Date {
		v := strings.TrimSpace(r.URL.Query().Get(name))
		if v == "" {
			return calendar.Date{}
		}
		d, err := calendar.ParseDate(v)
		if err != nil {
			fe.Add(name, "日期格式应为 YYYY-MM-DD", name+" must be YYYY-MM-DD")
		}
		return d
	}
	f.From, f.To = day("from"), day("to")
	return f, p, fe
}

func listed[T any](w http.ResponseWriter, items []T, total int, err error) error {
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[T]{Items: items, Total: total})
	return nil
}

func (s *Service) handleBroadcasts(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, p, fe := listFilter(r)
	if err := fe.Err(); err != nil {
		return err
	}
	items, total, err := s.ListBroadcasts(r.Context(), a, f, p.Limit(), p.Offset())
	return listed(w, items, total, err)
}

func (s *Service) handlePatrols(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	lf, p, fe := listFilter(r)
	f := PatrolFilter{ListFilter: lf, SquadID: httpx.Int64Param(r, "squad_id", fe), PostID: httpx.Int64Param(r, "post_id", fe),
		Open: httpx.BoolParam(r, "open", fe)}
	if b := httpx.BoolParam(r, "mine", fe); b != nil {
		f.Mine = *b
	}
	if err := fe.Err(); err != nil {
		return err
	}
	items, total, err := s.ListPatrols(r.Context(), a, f, p.Limit(), p.Offset())
	return listed(w, items, total, err)
}

func (s *Service) handleReports(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, p, fe := listFilter(r)
	if err := fe.Err(); err != nil {
		return err
	}
	items, total, err := s.ListReports(r.Context(), a, f, p.Limit(), p.Offset())
	return listed(w, items, total, err)
}

func (s *Service) handleChecks(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, p, fe := listFilter(r)
	if err := fe.Err(); err != nil {
		return err
	}
	items, total, err := s.ListChecks(r.Context(), a, f, p.Limit(), p.Offset())
	return listed(w, items, total, err)
}
