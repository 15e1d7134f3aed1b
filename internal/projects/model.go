// Package projects is key projects (重点项目): the ledger of the district's
// key construction projects with their liaison leader and task force,
// milestones (plan against actual), monthly reports with photos, problems
// to coordinate, the time-sequence of investment (时序进度) and the lights
// that sum it all up for the dispatch meeting.
//
// Endpoints (all under /api/v1):
//
//	GET    /projects?year=&category=&chain_id=&town_id=&unit_id=&leader_id=&phase=&light=&pace=&size=&q=&mine=&sort=&page=&page_size=
//	GET    /projects/export (same filters)         the ledger as xlsx
//	POST   /projects                               Input → Project
//	GET    /projects/{id}                          Detail
//	PATCH  /projects/{id}                          Input (nil fields unchanged)
//	DELETE /projects/{id}                          only without reports
//	PUT    /projects/{id}/milestones               []MilestoneInput (the whole plan)
//	POST   /projects/{id}/photos                   multipart "file": an image, EXIF read → Photo
//	POST   /projects/{id}/reports                  ReportInput (one per month; again replaces it)
//	POST   /project-coordination/{id}/answer       {"answer"}
//	GET    /project-coordination?status=&mine=     coordination items in scope
//	GET    /projects/board (ledger filters)        Board: projects by phase
//	GET    /projects/gantt (ledger filters)        Gantt rows, paged
//	GET    /projects/summary?by=leader|chain|town&year=   Summary rows
//	GET    /projects/report-status?month=          who has and has not reported
//	GET    /projects/settings, PUT …               Settings
//	POST   /projects/lights                        recompute lights and pace now
//	GET    /projects/import-template, POST /projects/imports (imports framework, kind "projects")
package projects

import (
	"time"

	"diaodu/internal/platform/calendar"
)

// Phases (建设阶段) in order.
const (
	PhasePrep      = "prep"      // 前期
	PhaseNew       = "new"       // 新开工
	PhaseContinued = "continued" // 续建
	PhaseCompleted = "completed" // 竣工
	PhaseProducing = "producing" // 投产
)

// Phases lists the phases in order with their names.
var Phases = []struct{ Code, Name string }{
	{PhasePrep, "前期"}, {PhaseNew, "新开工"}, {PhaseContinued, "续建"}, {PhaseCompleted, "竣工"}, {PhaseProducing, "投产"},
}

// PhaseName names a phase in Chinese.
func PhaseName(code string) string {
	for _, p := range Phases {
		if p.Code == code {
			return p.Name
		}
	}
	return code
}

// Lights.
const (
	LightGreen  = "green"
	LightYellow = "yellow"
	LightRed    = "red"
)

// Paces (时序进度).
const (
	PaceAhead  = "ahead"  // 超前
	PaceNormal = "normal" // 正常
	PaceBehind = "behind" // 滞后 (掉时序)
)

// PaceName names a pace in Chinese.
func PaceName(p string) string {
	switch p {
	case PaceAhead:
		return "超前"
	case PaceBehind:
		return "滞后"
	}
	return "正常"
}

// StandardMilestones are the nodes every project starts with.
var StandardMilestones = []string{"立项", "用地", "规划许可", "施工许可", "开工", "主体完工", "设备进场", "竣工", "投产"}

// Ref names something by id.
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Project is a row of the ledger.
type Project struct {
	ID                 int64         `json:"id"`
	Name               string        `json:"name"`
	Code               string        `json:"code"`
	Years              []int         `json:"years"`
	Category           string        `json:"category"`
	Chain              *Ref          `json:"chain"`
	Town               Ref           `json:"town"`
	Unit               Ref           `json:"unit"`
	Enterprise         *Ref          `json:"enterprise"`
	CreditCode         string        `json:"credit_code,omitempty"`
	OwnerName          string        `json:"owner_name"`
	Leader             *Ref          `json:"leader"`
	LeadID             *int64        `json:"lead_id"`
	Address            string        `json:"address"`
	Lat                *float64      `json:"lat"`
	Lng                *float64      `json:"lng"`
	TotalInvestment    int64         `json:"total_investment"`
	YearPlanInvestment int64         `json:"year_plan_investment"`
	PlanYear           int           `json:"plan_year"`
	MonthPlan          []int64       `json:"month_plan"` // 12 amounts (even split when not set)
	CustomMonthPlan    bool          `json:"custom_month_plan"`
	StartOn            calendar.Date `json:"start_on"`
	EndOn              calendar.Date `json:"end_on"`
	Phase              string        `json:"phase"`
	ContactName        string        `json:"contact_name"`
	ContactPhone       string        `json:"contact_phone"` // masked unless the role may see it
	Description        string        `json:"description"`
	InvestCum          int64         `json:"invest_cum"`   // cumulative completed investment
	YearActual         int64         `json:"year_actual"`  // completed in the plan year
	YearPlanned        int64         `json:"year_planned"` // planned cumulative to date (时序)
	Pace               string        `json:"pace"`
	Light              string        `json:"light"`
	LightReason        string        `json:"light_reason"`
	LightSince         *time.Time    `json:"light_since"`
	LastReportMonth    string        `json:"last_report_month"`
	ReportMissing      bool          `json:"report_missing"`
	Started            bool          `json:"started"`
	CreatedAt          time.Time     `json:"created_at"`
	UpdatedAt          time.Time     `json:"updated_at"`
}

// Member is one person of the liaison task force (包联专班).
type Member struct {
	ID     int64  `json:"id"`
	UserID int64  `json:"user_id,omitempty"`
	Unit   *Ref   `json:"unit"`
	Name   string `json:"name"`
	Duty   string `json:"duty"`
	Phone  string `json:"phone"`
}

// MemberInput is a task-force member: a user, or a name (and unit) typed in.
type MemberInput struct {
	UserID *int64 `json:"user_id"`
	UnitID *int64 `json:"unit_id"`
	Name   string `json:"name"`
	Duty   string `json:"duty"`
	Phone  string `json:"phone"`
}

// Milestone is a node of the plan.
type Milestone struct {
	ID        int64         `json:"id"`
	Name      string        `json:"name"`
	PlannedOn calendar.Date `json:"planned_on"`
	ActualOn  calendar.Date `json:"actual_on"`
	Note      string        `json:"note"`
	State     string        `json:"state"` // done | done_late | overdue | due_soon | pending | unplanned
}

// MilestoneInput is a node of a plan being saved; ID 0 adds one. H3's
// reverse schedule fills Name and Planned.
type MilestoneInput struct {
	ID      int64         `json:"id"`
	Name    string        `json:"name"`
	Planned calendar.Date `json:"planned_on"`
	Actual  calendar.Date `json:"actual_on"`
	Note    string        `json:"note"`
}

// Input creates or patches a project; nil leaves a field as it is.
// Milestones count only on create (empty: the standard nodes without
// dates); the plan is edited with SaveMilestones afterwards.
type Input struct {
	Name               *string          `json:"name"`
	Code               *string          `json:"code"` // empty on create: XM2026-0001
	Years              *[]int           `json:"years"`
	Category           *string          `json:"category"`
	ChainID            *int64           `json:"chain_id"`
	TownID             *int64           `json:"town_id"`
	UnitID             *int64           `json:"unit_id"`
	EnterpriseID       *int64           `json:"enterprise_id"`
	OwnerName          *string          `json:"owner_name"`
	LeaderUserID       *int64           `json:"leader_user_id"`
	LeadID             *int64           `json:"lead_id"`
	Address            *string          `json:"address"`
	Lat                *float64         `json:"lat"`
	Lng                *float64         `json:"lng"`
	TotalInvestment    *int64           `json:"total_investment"`
	YearPlanInvestment *int64           `json:"year_plan_investment"`
	PlanYear           *int             `json:"plan_year"`
	MonthPlan          *[]int64         `json:"month_plan"` // [] or null: even split
	StartOn            *calendar.Date   `json:"start_on"`
	EndOn              *calendar.Date   `json:"end_on"`
	Phase              *string          `json:"phase"`
	ContactName        *string          `json:"contact_name"`
	ContactPhone       *string          `json:"contact_phone"`
	Description        *string          `json:"description"`
	Members            *[]MemberInput   `json:"members"`
	Milestones         []MilestoneInput `json:"milestones"`
}

// Photo is a picture of a monthly report with what its EXIF says.
type Photo struct {
	FileID       int64      `json:"file_id"`
	ReportID     int64      `json:"report_id,omitempty"`
	Name         string     `json:"name"`
	URL          string     `json:"url"`
	ThumbURL     string     `json:"thumb_url"`
	TakenAt      *time.Time `json:"taken_at"`
	Lat          *float64   `json:"lat"`
	Lng          *float64   `json:"lng"`
	OutsideMonth bool       `json:"outside_month"`
}

// Report is a monthly report (月报).
type Report struct {
	ID           int64         `json:"id"`
	Month        string        `json:"month"` // 2026-05
	DueOn        calendar.Date `json:"due_on"`
	InvestMonth  int64         `json:"invest_month"`
	InvestCum    int64         `json:"invest_cum"`
	ProgressText string        `json:"progress_text"`
	Problems     string        `json:"problems"`
	NextPlan     string        `json:"next_plan"`
	SubmittedBy  string        `json:"submitted_by"`
	SubmittedAt  *time.Time    `json:"submitted_at"`
	Late         bool          `json:"late"`
	Photos       []Photo       `json:"photos"`
}

// CoordinationInput is a problem raised in a report.
type CoordinationInput struct {
	Question    string        `json:"question"`
	OwnerID     *int64        `json:"owner_id"`
	OwnerUnitID *int64        `json:"owner_unit_id"`
	DueOn       calendar.Date `json:"due_on"`
}

// ReportInput files the monthly report; InvestCum nil adds InvestMonth to
// the previous month's cumulative figure.
type ReportInput struct {
	Month        string              `json:"month"`
	InvestMonth  *int64              `json:"invest_month"`
	InvestCum    *int64              `json:"invest_cum"`
	ProgressText string              `json:"progress_text"`
	Problems     string              `json:"problems"`
	NextPlan     string              `json:"next_plan"`
	PhotoIDs     []int64             `json:"photo_ids"`
	Coordination []CoordinationInput `json:"coordination"`
}

// Coordination is a problem to coordinate (协调事项) tracked to an answer.
type Coordination struct {
	ID         int64         `json:"id"`
	Project    Ref           `json:"project"`
	ReportID   int64         `json:"report_id,omitempty"`
	Month      string        `json:"month,omitempty"`
	Question   string        `json:"question"`
	Owner      *Ref          `json:"owner"`
	OwnerUnit  *Ref          `json:"owner_unit"`
	DueOn      calendar.Date `json:"due_on"`
	Answer     string        `json:"answer"`
	AnsweredBy string        `json:"answered_by"`
	AnsweredAt *time.Time    `json:"answered_at"`
	Status     string        `json:"status"` // open | answered
	Overdue    bool          `json:"overdue"`
	CreatedAt  time.Time     `json:"created_at"`
}

// MonthPoint is a month of the investment chart.
type MonthPoint struct {
	Month         string `json:"month"`
	Planned       int64  `json:"planned"`        // this month's plan
	PlannedCum    int64  `json:"planned_cum"`    // planned cumulative in the year
	Actual        int64  `json:"actual"`         // reported for the month
	ActualCum     int64  `json:"actual_cum"`     // completed cumulative in the year
	Reported      bool   `json:"reported"`       // a report exists
	ReportMissing bool   `json:"report_missing"` // due and not reported
}

// Detail is the project page.
type Detail struct {
	Project
	Members       []Member       `json:"members"`
	Milestones    []Milestone    `json:"milestones"`
	Reports       []Report       `json:"reports"`
	Coordination  []Coordination `json:"coordination"`
	Series        []MonthPoint   `json:"series"`
	PendingPhotos []Photo        `json:"pending_photos"` // uploaded, not yet in a report
	ReportMonth   string         `json:"report_month"`   // the month a report is due for now
	ReportDueOn   calendar.Date  `json:"report_due_on"`
	CanManage     bool           `json:"can_manage"`
	CanReport     bool           `json:"can_report"`
}

// Settings are the module's run-time settings.
type Settings struct {
	Categories       []string `json:"categories"`        // 产业项目, 基础设施, 社会民生, 生态环保
	ReportDay        int      `json:"report_day"`        // monthly report due on this day (25)
	RemindDays       int      `json:"remind_days"`       // remind units this many working days before the due day (3; 0: no reminder)
	WarnDays         int      `json:"warn_days"`         // a node due within this many working days turns yellow (5)
	BehindPercent    int      `json:"behind_percent"`    // behind when actual < planned by more than this % (5)
	AheadPercent     int      `json:"ahead_percent"`     // ahead when actual > planned by more than this % (10)
	CoordinationDays int      `json:"coordination_days"` // working days to answer a coordination item (5)
	LargeYuan        int64    `json:"large_yuan"`        // 亿元以上 band (100000000)
	HugeYuan         int64    `json:"huge_yuan"`         // 10亿元以上 band (1000000000)
}

// DefaultSettings apply until changed.
var DefaultSettings = Settings{Categories: []string{"产业项目", "基础设施", "社会民生", "生态环保"}, ReportDay: 25, RemindDays: 3, WarnDays: 5,
	BehindPercent: 5, AheadPercent: 10, CoordinationDays: 5, LargeYuan: 100_000_000, HugeYuan: 1_000_000_000}

// Filter selects projects for the ledger, board, gantt, summaries and export.
type Filter struct {
	Year     int
	Category string
	ChainID  int64
	TownID   int64
	UnitID   int64
	LeaderID int64
	Phases   []string
	Lights   []string
	Paces    []string
	Size     string // large (亿元以上) | huge (10亿元以上)
	Q        string
	Mine     bool // liaison leader or task-force member is the actor
	Sort     string
}
