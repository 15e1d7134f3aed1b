package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"time"

	"diaodu/internal/account"
	"diaodu/internal/app/migrations"
	"diaodu/internal/attachments"
	"diaodu/internal/fire"
	"diaodu/internal/fire/patrol"
	"diaodu/internal/invest"
	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/files"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/imports"
	"diaodu/internal/platform/jobs"
	"diaodu/internal/platform/migrate"
	"diaodu/internal/platform/notify"
	"diaodu/internal/platform/xlsx"
	"diaodu/internal/projects"
	"diaodu/internal/projects/tours"
	"diaodu/internal/registry"
	"diaodu/internal/reports"
	"diaodu/internal/safety"
	"diaodu/internal/tasks"
)

// Version is set at build time with -ldflags "-X diaodu/internal/app.Version=…".
var Version = "dev"

// App is the wired application.
type App struct {
	Cfg         Config
	DB          *db.DB
	Clock       clock.Clock
	Audit       *audit.Log
	Org         *org.Service
	Account     *account.Service
	Imports     *imports.Service
	Attachments *attachments.Service
	Calendar    *calendar.Calendar
	Jobs        *jobs.Scheduler
	Notify      *notify.Notifier
	Tasks       *tasks.Service
	Reports     *reports.Service // periodic reporting (报送) and the zero report
	Tours       *tours.Service   // observation tours (项目观摩) and judges' scores
	Registry    *registry.Service
	Projects    *projects.Service // key projects (重点项目)
	Invest      *invest.Service   // investment attraction (招商引资)
	Safety      *safety.Service   // work safety (安全生产)
	Fire        *fire.Service     // forest fire prevention (森林防灭火): warnings, letters and receipts
	Patrol      *patrol.Service   // forest fire prevention in the field: broadcasts, patrols, posts, fire reports
	Router      *httpx.Router
}

// Open connects to the database, migrates it and wires the services.
func Open(ctx context.Context, cfg Config, clk clock.Clock) (*App, error) {
	d, err := db.Open(ctx, cfg.DBURL())
	if err != nil {
		return nil, err
	}
	if _, err := migrate.Up(ctx, d, migrations.FS); err != nil {
		d.Close()
		return nil, err
	}
	a, err := Wire(cfg, d, clk)
	if err != nil {
		d.Close()
		return nil, err
	}
	// Rows written before their table had search pairs (hazards: migration
	// 0020, households: 0024) get them once.
	for _, b := range []struct {
		what string
		fill func(context.Context) (int, error)
	}{{"hazards", a.Safety.BackfillSearch}, {"households", a.Registry.BackfillSearch}} {
		if n, err := b.fill(ctx); err != nil {
			d.Close()
			return nil, fmt.Errorf("search index of %s: %w", b.what, err)
		} else if n > 0 {
			slog.Info("indexed for search", "table", b.what, "rows", n)
		}
	}
	return a, nil
}

// Wire builds the services on an open, migrated database.
func Wire(cfg Config, d *db.DB, clk clock.Clock) (*App, error) {
	if clk == nil {
		clk = clock.System{}
	}
	a := &App{Cfg: cfg, DB: d, Clock: clk}
	a.Audit = &audit.Log{DB: d, Clock: clk}
	a.Org = org.NewService(d, a.Audit)
	a.Account = account.New(d, a.Audit, a.Org, account.Config{IdleTimeout: cfg.IdleTimeout, AbsoluteTimeout: cfg.AbsoluteTimeout,
		SecureCookie: cfg.SecureCookie, TrustProxy: cfg.TrustProxy})
	lim := xlsx.DefaultLimits()
	if cfg.MaxImportRows > 0 {
		lim.MaxRows = cfg.MaxImportRows
	}
	a.Imports = imports.New(d, a.Audit, cfg.DataDir, lim)
	a.Imports.Register(org.UnitImporter{S: a.Org})
	a.Imports.Register(org.UserImporter{S: a.Org})
	store, err := files.New(filepath.Join(cfg.DataDir, "files"), cfg.MaxUploadBytes)
	if err != nil {
		return nil, err
	}
	a.Attachments = attachments.New(d, a.Audit, store)
	a.Attachments.RegisterOwner("unit", func(ctx context.Context, ac *auth.Actor, id string) (int64, error) {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return 0, errs.NotFoundf("单位", "unit")
		}
		u, err := a.Org.GetUnit(ctx, ac, n)
		if err != nil {
			return 0, err
		}
		return u.ID, nil
	})
	if a.Calendar, err = calendar.New(context.Background(), d); err != nil {
		return nil, err
	}
	a.Jobs = jobs.New(d, clk)
	a.Notify = notify.New(d, clk)
	// Domain modules of issue 3 and later register here: services, importers,
	// attachment owners and scheduled jobs.

	// Scheduler and calendar administration: manual runs and calendar edits
	// are audited; every replica refreshes its holiday calendar on each tick;
	// under --test-clock a moved clock is noticed within seconds.
	a.Jobs.Audit = a.Audit
	a.Calendar.Audit, a.Calendar.Clock = a.Audit, clk
	a.Jobs.EveryTick(a.Calendar.Refresh)
	// The query planner's statistics (SQLite), nightly; Serve also runs it at start.
	a.Jobs.Register("db.analyze", "更新数据库统计信息", jobs.Daily(3, 30), func(ctx context.Context, _ time.Time) error {
		return d.Analyze(ctx)
	})
	if cfg.TestClock {
		a.Jobs.Tick = 2 * time.Second
	}

	// Notifications: channel edits and retries are audited; outbound
	// messages link back with absolute URLs when --base-url is set.
	a.Notify.Audit, a.Notify.BaseURL = a.Audit, cfg.BaseURL

	// Periodic reporting (报送) and the daily zero report: reminders before
	// each cut-off and missing detection after it, every 5 minutes (the jobs
	// work out which cycles are due as of the run, so reruns are harmless).
	a.Reports = reports.New(d, a.Audit, a.Calendar, a.Notify)
	a.Notify.RegisterKind(reports.KindDue, "报送截止提醒", "Report due reminder")
	a.Notify.RegisterKind(reports.KindMissing, "报送缺报通知", "Missing report notice")
	a.Jobs.Register(reports.JobRemind, reports.JobRemindName, jobs.Every(5*time.Minute), a.Reports.RunReminders)
	a.Jobs.Register(reports.JobClose, reports.JobCloseName, jobs.Every(5*time.Minute), a.Reports.RunCutoffs)
	a.Attachments.RegisterOwner("report_submission", a.Reports.AttachmentOwner)

	// Supervision (督查督办): tasks, lights, reminders; its jobs (tasks.lights
	// every 15 minutes, tasks.remind at the configured time, tasks.stats
	// nightly) and the attachment owners "task" and "task_source".
	a.Tasks = tasks.New(d, a.Audit, a.Calendar, a.Notify)
	a.Tasks.Register(a.Jobs, a.Attachments)
	// Import of the task breakdown table (重点工作任务分解表), kind "task-breakdown".
	a.Imports.Register(tasks.BreakdownImporter{S: a.Tasks})
	a.Notify.RegisterKind("task.", "督查督办", "Supervision")

	// Key projects (重点项目): ledger, milestones, monthly reports with photos,
	// time-sequence and lights (job projects.lights hourly), attachment owner
	// "project_report", import kind "projects".
	a.Projects = projects.New(d, a.Audit, a.Calendar, a.Notify, a.Attachments)
	a.Projects.Register(a.Jobs, a.Attachments)
	a.Imports.Register(projects.Importer{S: a.Projects, Registry: func() *registry.Service { return a.Registry }})
	a.Notify.RegisterKind("project.", "重点项目", "Key projects")

	// Shared registry (基础台账): enterprises keyed by the credit code and the
	// industrial chains; import kind "enterprises". Households (户) by
	// village, import kind "households" (the village rosters).
	a.Registry = registry.New(d, a.Audit)
	a.Imports.Register(registry.EnterpriseImporter{S: a.Registry})
	a.Imports.Register(registry.HouseholdImporter{S: a.Registry})

	// Observation tours (项目观摩): route, judges, scoring sheets, ranked results.
	a.Tours = tours.New(d, a.Audit)

	// Investment attraction (招商引资): leads, targets, funds in place; job
	// invest.lights (idle lights and reminders), import kinds "invest-leads"
	// and "invest-targets"; converts signed leads through Projects.
	a.Invest = invest.New(d, a.Audit, a.Calendar, a.Notify, a.Projects)
	a.Invest.Register(a.Jobs, a.Notify, a.Imports)

	// Work safety (安全生产): campaigns, inspections, hazards, suspension orders;
	// job safety.remind (daily overdue reminders and escalation), attachment
	// owner "safety_upload" (photos before the record exists), kinds "safety.".
	a.Safety = safety.New(d, a.Audit, a.Calendar, a.Notify, a.Attachments, a.Registry)
	a.Safety.Register(a.Jobs, a.Attachments, a.Notify)

	// Forest fire prevention (森林防灭火): warnings, letters with signed receipts.
	a.Fire = fire.New(d, a.Audit, a.Calendar, a.Notify, a.Attachments, a.Registry)
	a.Fire.Register(a.Attachments) // attachment owner "fire_letter": receipts, scans, letter files
	a.Notify.RegisterKind("fire.", "森林防火", "Forest fire prevention")

	// Forest fire prevention in the field: broadcasts, squads and patrols, posts, fire reports, checks.
	a.Patrol = patrol.New(d, a.Audit, a.Calendar, a.Notify, a.Attachments, a.Fire)
	a.Patrol.Register(a.Jobs, a.Attachments) // job fire.posts (hourly lights and reminders), attachment owner "fire_photo"

	a.Router = httpx.NewRouter(a.Account.Authenticate)
	a.routes()
	return a, nil
}

// StartBackground starts the scheduler and the webhook deliveries; Serve
// calls it, tests call it when they want the background work.
func (a *App) StartBackground(ctx context.Context) {
	a.Jobs.Start(ctx)
	a.Notify.Start(ctx)
}

// Close waits for background work and closes the database.
func (a *App) Close() error {
	a.Imports.Wait()
	a.Jobs.Wait()
	a.Notify.Wait()
	return a.DB.Close()
}

// startOfDay is midnight in Shanghai of t's day.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.In(clock.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, clock.Shanghai)
}
