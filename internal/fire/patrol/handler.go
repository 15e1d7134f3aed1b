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
	rt.Handle("GET", "/api/v1/fire/home", tag, "防火首页：今日巡查、广播、红灯村、火情、检查", httpx.Get(s.Home))
	rt.Handle("GET", "/api/v1/fire/broadcasts", tag, "村村响广播记录", httpx.ListOf(listFilter, paged(s.ListBroadcasts)), list)
	rt.Handle("POST", "/api/v1/fire/broadcasts", tag, "记录村村响广播（client_key 幂等）", idempotent(s.CreateBroadcast))
	rt.Handle("GET", "/api/v1/fire/squads", tag, "巡查小分队", httpx.Get(s.ListSquads))
	rt.Handle("POST", "/api/v1/fire/squads", tag, "新建巡查小分队", createNew(s.SaveSquad))
	rt.Handle("PUT", "/api/v1/fire/squads/{id}", tag, "修改巡查小分队", httpx.UpdateByID(s.SaveSquad))
	rt.Handle("GET", "/api/v1/fire/patrols", tag, "巡查记录", httpx.ListOf(patrolFilter, paged(s.ListPatrols)), list, httpx.Query("squad_id", "post_id", "open", "mine"))
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
	rt.Handle("GET", "/api/v1/fire/villages", tag, "重点防火村与公益岗位（亮灯）", httpx.Get(s.ListVillages))
	// Setting a key village answers 200, not 201: it marks (or re-marks) a
	// village that exists, which is httpx.Put's shape though the verb is POST.
	rt.Handle("POST", "/api/v1/fire/villages", tag, "设为重点防火村", httpx.Put(s.SaveVillage))
	rt.Handle("POST", "/api/v1/fire/posts", tag, "新建公益岗位", createNew(s.SavePost))
	rt.Handle("PUT", "/api/v1/fire/posts/{id}", tag, "修改公益岗位", httpx.UpdateByID(s.SavePost))
	rt.Handle("POST", "/api/v1/fire/lights", tag, "立即重新计算重点防火村亮灯", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		n, err := s.Relight(r.Context(), a)
		return httpx.Respond(w, http.StatusOK)(map[string]int{"red": n}, err)
	})
	rt.Handle("GET", "/api/v1/fire/reports", tag, "火情", httpx.ListOf(listFilter, paged(s.ListReports)), list)
	rt.Handle("POST", "/api/v1/fire/reports", tag, "登记火情", httpx.Create(s.CreateReport))
	rt.Handle("GET", "/api/v1/fire/reports/{id}", tag, "火情详情与处置时间线", httpx.GetByID(s.GetReport))
	rt.Handle("PUT", "/api/v1/fire/reports/{id}", tag, "修改火情", httpx.UpdateByID(s.UpdateReport))
	rt.Handle("POST", "/api/v1/fire/reports/{id}/events", tag, "添加处置环节", httpx.CreateByID(s.AddEvent))
	rt.Handle("GET", "/api/v1/fire/checks", tag, "责任落实检查", httpx.ListOf(listFilter, paged(s.ListChecks)), list)
	rt.Handle("POST", "/api/v1/fire/checks", tag, "登记责任落实检查", httpx.Create(s.CreateCheck))
	rt.Handle("POST", "/api/v1/fire/checks/{id}/fixed", tag, "检查问题整改完成", httpx.UpdateByID(s.FixCheck))
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

// createNew is the POST of a thing whose save also edits it (squads, posts):
// id 0 makes a new one, answered 201 by httpx.Create.
func createNew[In, Out any](save func(context.Context, *auth.Actor, int64, In) (Out, error)) httpx.HandlerFunc {
	return httpx.Create(func(ctx context.Context, a *auth.Actor, in In) (Out, error) { return save(ctx, a, 0, in) })
}

// paged hands httpx.ListOf's page to a list that takes limit and offset
// (the home page and tests call those lists with plain numbers).
func paged[F, T any](list func(context.Context, *auth.Actor, F, int, int) ([]T, int, error)) func(context.Context, *auth.Actor, F, httpx.Page) ([]T, int, error) {
	return func(ctx context.Context, a *auth.Actor, f F, p httpx.Page) ([]T, int, error) {
		return list(ctx, a, f, p.Limit(), p.Offset())
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

// listFilter reads from, to, town_id and village_id, reporting every bad
// one (and a bad page) at once.
func listFilter(r *http.Request) (ListFilter, httpx.Page, error) {
	f, p, fe := readFilter(r)
	return f, p, fe.Err()
}

// patrolFilter reads listFilter's parameters and the patrol list's own.
func patrolFilter(r *http.Request) (PatrolFilter, httpx.Page, error) {
	lf, p, fe := readFilter(r)
	f := PatrolFilter{ListFilter: lf, SquadID: httpx.Int64Param(r, "squad_id", fe), PostID: httpx.Int64Param(r, "post_id", fe),
		Open: httpx.BoolParam(r, "open", fe)}
	if b := httpx.BoolParam(r, "mine", fe); b != nil {
		f.Mine = *b
	}
	return f, p, fe.Err()
}

// readFilter gathers listFilter's errors as fields, for patrolFilter to add to.
func readFilter(r *http.Request) (ListFilter, httpx.Page, errs.Fields) {
	fe := errs.Fields{}
	p, err := httpx.ParsePage(r)
	if err != nil {
		mergeFields(fe, err)
	}
	f := ListFilter{TownID: httpx.Int64Param(r, "town_id", fe), VillageID: httpx.Int64Param(r, "village_id", fe)}
	// Not calendar.DateParam: this one trims spaces and its English message
	// names the field, and the answers stay as they were.
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
