package app

import (
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/web"
)

func (a *App) routes() {
	rt := a.Router
	a.Account.Routes(rt)
	a.Org.Routes(rt)
	a.Imports.Routes(rt)
	a.Audit.Routes(rt)
	a.Attachments.Routes(rt)
	a.Reports.Routes(rt)
	a.Notify.Routes(rt)
	a.Jobs.Routes(rt)
	a.Tasks.Routes(rt)
	a.Projects.Routes(rt)
	a.Registry.Routes(rt)
	a.Tours.Routes(rt)
	a.Invest.Routes(rt)
	a.Safety.Routes(rt)
	a.Fire.Routes(rt)
	a.Patrol.Routes(rt)
	a.Calendar.Routes(rt)
	rt.Handle("GET", "/api/v1/meta", "meta", "版本、角色与单位类型", a.handleMeta, httpx.Public)
	rt.Handle("GET", "/api/v1/overview", "meta", "工作台概览", a.handleOverview)
	if a.Cfg.TestClock {
		rt.Handle("PUT", "/api/v1/test/clock", "test", "移动测试时钟（仅测试模式）", a.handleSetClock)
	}
	rt.Handle("GET", "/api/openapi.json", "meta", "OpenAPI 文档", func(w http.ResponseWriter, r *http.Request, _ *auth.Actor) error {
		httpx.JSON(w, http.StatusOK, rt.OpenAPI(Version))
		return nil
	}, httpx.Public)
	rt.Handle("GET", "/healthz", "meta", "健康检查", a.handleHealth, httpx.Public)
}

func (a *App) handleHealth(w http.ResponseWriter, r *http.Request, _ *auth.Actor) error {
	if err := a.DB.R.PingContext(r.Context()); err != nil {
		httpx.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return nil
	}
	httpx.JSON(w, http.StatusOK, map[string]string{"status": "ok", "version": Version})
	return nil
}

func (a *App) handleMeta(w http.ResponseWriter, r *http.Request, _ *auth.Actor) error {
	httpx.JSON(w, http.StatusOK, map[string]any{"version": Version, "now": a.Clock.Now(), "roles": auth.Roles,
		"unit_kinds": org.Kinds, "district": a.districtName(r)})
	return nil
}

func (a *App) districtName(r *http.Request) string {
	var name string
	_ = a.DB.R.QueryRowContext(r.Context(), `SELECT name FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&name)
	return name
}

func (a *App) handleOverview(w http.ResponseWriter, r *http.Request, ac *auth.Actor) error {
	if err := auth.Require(ac, auth.ViewOrg); err != nil {
		return err
	}
	ctx := r.Context()
	scope, args := ac.ScopeFilter("u.path", 1)
	out := map[string]any{}
	countBy := func(q string) (map[string]int, int, error) {
		rows, err := a.DB.R.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, 0, err
		}
		defer rows.Close()
		m, total := map[string]int{}, 0
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				return nil, 0, err
			}
			m[k], total = n, total+n
		}
		return m, total, rows.Err()
	}
	byKind, units, err := countBy(`SELECT u.kind, COUNT(*) FROM units u WHERE u.active = TRUE AND ` + scope + ` GROUP BY u.kind`)
	if err != nil {
		return err
	}
	byRole := map[string]int{}
	users := 0
	rolesOf, _, err := countBy(`SELECT x.roles, COUNT(*) FROM users x JOIN units u ON u.id = x.unit_id WHERE x.active = TRUE AND ` + scope + ` GROUP BY x.roles`)
	if err != nil {
		return err
	}
	for roles, n := range rolesOf {
		users += n
		for _, r := range strings.Split(roles, ",") {
			byRole[r] += n
		}
	}
	out["units_by_kind"], out["units_total"], out["users_by_role"], out["users_total"] = byKind, units, byRole, users
	var sessions int
	sargs := db.Args(slices.Clone(args))
	_ = a.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions s JOIN users x ON x.id = s.user_id JOIN units u ON u.id = x.unit_id
		WHERE `+scope+` AND s.expires_at > `+sargs.Add(a.Clock.Now())+` AND s.last_seen_at > `+
		sargs.Add(a.Clock.Now().Add(-a.Account.Cfg.IdleTimeout)), sargs...).Scan(&sessions)
	out["active_sessions"] = sessions
	if ac.Can(auth.ViewAudit) {
		_, today, err := a.Audit.List(ctx, ac, audit.Filter{From: startOfDay(a.Clock.Now())}, 1, 0)
		if err != nil {
			return err
		}
		recent, _, err := a.Audit.List(ctx, ac, audit.Filter{}, 8, 0)
		if err != nil {
			return err
		}
		out["audit_today"], out["recent_audit"] = today, recent
	} else {
		out["audit_today"], out["recent_audit"] = 0, []audit.Item{}
	}
	httpx.JSON(w, http.StatusOK, out)
	return nil
}

func (a *App) handleSetClock(w http.ResponseWriter, r *http.Request, ac *auth.Actor) error {
	if !ac.Has(auth.Admin) {
		return errs.ErrForbidden
	}
	adj, ok := a.Clock.(*clock.Adjustable)
	if !ok {
		return errs.New(errs.Conflict, "时钟不可调整", "the clock is not adjustable")
	}
	var in struct {
		Now time.Time `json:"now"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	adj.Set(in.Now)
	if err := a.Audit.Append(r.Context(), ac, audit.Entry{Action: "test.clock", ObjectType: "clock", Summary: "测试时钟调至 " + in.Now.String()}); err != nil {
		return err
	}
	// Run what fell due at once (lights, reminders, cut-offs), as the
	// scheduler would on its next tick, so a browser test sees the effect.
	ran, err := a.Jobs.RunDue(r.Context())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"now": a.Clock.Now(), "jobs_run": ran})
	return nil
}

// Handler is the whole HTTP surface: API, metrics and the web app, behind
// the security headers, request log and metrics.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/", a.Router.Mux)
	mux.Handle("/healthz", a.Router.Mux)
	mux.Handle("GET /metrics", promhttp.Handler())
	mux.Handle("/", spa(web.Dist()))
	return securityHeaders(a.instrument(mux))
}

// spa serves the built front end, answering index.html for client routes.
func spa(dist fs.FS) http.Handler {
	files := http.FileServerFS(dist)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		if p != "" {
			if _, err := fs.Stat(dist, p); err == nil {
				if strings.HasPrefix(p, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable") // content-hashed names
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, dist, "index.html")
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
			"img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

var (
	reqDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "diaodu_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"method", "route", "status"})
)

func init() { prometheus.MustRegister(reqDuration) }

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// instrument logs every request with slog and records its latency by the
// matched route pattern (not the raw path, so ids do not explode labels).
func (a *App) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := "static"
		if strings.HasPrefix(r.URL.Path, "/api/") {
			if _, p := a.Router.Mux.Handler(r); p != "" {
				route = p
			}
		}
		d := time.Since(start)
		reqDuration.WithLabelValues(r.Method, route, strconv.Itoa(sw.status)).Observe(d.Seconds())
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		slog.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000, "ip", a.Account.ClientIP(r))
	})
}
