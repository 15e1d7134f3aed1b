// Package invest is investment attraction (招商引资): leads followed from
// 线索 to 投产 with the date of every move, idle lights and reminders, the
// one-step conversion of a signed lead into a key project with a
// reverse-scheduled milestone plan (倒排工期), annual targets per investment
// team (招商专班) and unit split by month (目标任务分解表) with completion
// against target and against time-sequence, the funds in place (到位资金)
// reported per team and month, the funnel by stage and by chain, and the
// imports of existing leads and targets.
//
// Endpoints (all under /api/v1/invest):
//
//	GET    /leads?stage=&chain_id=&team_id=&light=&quality=&q=&sort=&page=&page_size=
//	GET    /leads/export (same filters)
//	POST   /leads                       LeadInput → Detail
//	GET    /leads/{id}                  Detail (events, plan, can)
//	PATCH  /leads/{id}                  LeadInput (nil fields unchanged)
//	GET    /leads/{id}/phone            the unmasked contact phone (audited)
//	POST   /leads/{id}/moves            MoveInput → Detail
//	POST   /leads/{id}/notes            {"note"} → Detail
//	GET    /leads/{id}/schedule?target_start_on=   the reverse schedule it would get
//	POST   /leads/{id}/convert          ConvertInput → {lead, project_id}
//	GET    /leads/{id}/roadmap          Roadmap (路线图, 时间表) for the project page
//	GET    /funnel?chain_id=&team_id=&quality=   Funnel
//	GET    /targets?year=&month=        TargetTable; /targets/export the same as xlsx
//	GET    /target-items?year=, PUT /target-items   TargetInput
//	GET    /funds?year=, PUT /funds     FundsInput
//	GET    /chains, /teams, /towns      pick lists
//	GET    /settings, PUT /settings     Settings
//	POST   /lights                      recompute lights now
package invest

import (
	"time"

	"diaodu/internal/platform/calendar"
)

// Stages of a lead, in funnel order.
const (
	StageClue       = "clue"       // 线索
	StageContact    = "contact"    // 接洽
	StageVisit      = "visit"      // 考察
	StageNegotiate  = "negotiate"  // 洽谈
	StageSigned     = "signed"     // 签约
	StageRegistered = "registered" // 注册
	StageStarted    = "started"    // 开工
	StageProducing  = "producing"  // 投产
)

// Stages lists the stages in order with their Chinese names.
var Stages = []struct{ Code, Name string }{
	{StageClue, "线索"}, {StageContact, "接洽"}, {StageVisit, "考察"}, {StageNegotiate, "洽谈"},
	{StageSigned, "签约"}, {StageRegistered, "注册"}, {StageStarted, "开工"}, {StageProducing, "投产"},
}

// StageRank is a stage's place in the funnel (0..7), -1 when unknown.
func StageRank(code string) int {
	for i, s := range Stages {
		if s.Code == code {
			return i
		}
	}
	return -1
}

// StageName names a stage in Chinese.
func StageName(code string) string {
	if r := StageRank(code); r >= 0 {
		return Stages[r].Name
	}
	return code
}

// stageByName reads a stage written in Chinese or as its code.
func stageByName(s string) string {
	for _, st := range Stages {
		if s == st.Name || s == st.Code {
			return st.Code
		}
	}
	switch s {
	case "对接", "初步接洽", "在谈":
		return StageContact
	case "实地考察", "考察对接":
		return StageVisit
	case "深度洽谈", "商务洽谈", "谈判":
		return StageNegotiate
	case "已签约", "签约落地":
		return StageSigned
	case "已注册", "注册落地":
		return StageRegistered
	case "已开工", "开工建设":
		return StageStarted
	case "已投产", "建成投产":
		return StageProducing
	}
	return ""
}

// Lights.
const (
	LightGreen  = "green"
	LightYellow = "yellow"
	LightRed    = "red"
	LightNone   = "none" // produced, or converted (followed as a project)
)

// Metrics of the targets.
const (
	MetricSignedCount  = "signed_count"  // 签约项目个数
	MetricSignedAmount = "signed_amount" // 签约金额 (yuan)
	MetricBigCount     = "big_count"     // 亿元以上项目个数
	MetricStartedCount = "started_count" // 开工项目个数
	MetricFunds        = "funds"         // 到位资金 (yuan)
)

// Metrics lists the metrics in table order with their names.
var Metrics = []struct{ Code, Name string }{
	{MetricSignedCount, "签约项目（个）"}, {MetricSignedAmount, "签约金额（万元）"}, {MetricBigCount, "亿元以上项目（个）"},
	{MetricStartedCount, "开工项目（个）"}, {MetricFunds, "到位资金（万元）"},
}

func validMetric(m string) bool {
	for _, x := range Metrics {
		if x.Code == m {
			return true
		}
	}
	return false
}

// isMoney tells whether a metric counts yuan.
func isMoney(m string) bool { return m == MetricSignedAmount || m == MetricFunds }

// Limits on amounts: a lead above 1,000亿 is a typo in the unit.
const (
	MaxAmount = 100_000_000_000_000 // 100万亿: targets and funds (yuan)
	MaxLead   = 100_000_000_000     // 1,000亿 a lead
	MaxCount  = 100_000             // projects in a target
)

// Ref names something by id.
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Lead is a row of the leads list.
type Lead struct {
	ID            int64         `json:"id"`
	Code          string        `json:"code"`
	Company       string        `json:"company"`
	Chain         *Ref          `json:"chain"`
	Source        string        `json:"source"`
	ContactName   string        `json:"contact_name"`
	ContactPhone  string        `json:"contact_phone"` // masked unless auth.ViewPhone
	PlannedAmount int64         `json:"planned_amount"`
	Quality       string        `json:"quality"`
	Team          Ref           `json:"team"`
	Town          *Ref          `json:"town"`
	Owner         *Ref          `json:"owner"`
	NextAction    string        `json:"next_action"`
	NextActionOn  calendar.Date `json:"next_action_on"`
	Stage         string        `json:"stage"`
	StageOn       calendar.Date `json:"stage_on"`
	ActiveOn      calendar.Date `json:"active_on"`
	IdleDays      int           `json:"idle_days"` // working days since active_on
	SignedOn      calendar.Date `json:"signed_on"`
	StartedOn     calendar.Date `json:"started_on"`
	TargetStartOn calendar.Date `json:"target_start_on"`
	Light         string        `json:"light"`
	LightReason   string        `json:"light_reason"`
	ProjectID     *int64        `json:"project_id"`
	ConvertedAt   *time.Time    `json:"converted_at"`
	Notes         string        `json:"notes"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`

	teamPath string
	ownerID  int64
}

// Event is a line of a lead's timeline.
type Event struct {
	ID        int64         `json:"id"`
	Kind      string        `json:"kind"` // create | move | note | convert | edit
	FromStage string        `json:"from_stage"`
	ToStage   string        `json:"to_stage"`
	OnDay     calendar.Date `json:"on_day"`
	Note      string        `json:"note"`
	Reason    string        `json:"reason"`
	ActorName string        `json:"actor_name"`
	At        time.Time     `json:"at"`
}

// PlanNode is a node of the reverse schedule with the project's actual date.
type PlanNode struct {
	Name       string        `json:"name"`
	OffsetDays int           `json:"offset_days"`
	PlannedOn  calendar.Date `json:"planned_on"`
	ActualOn   calendar.Date `json:"actual_on"`
	Late       bool          `json:"late"`
}

// Detail is the lead page.
type Detail struct {
	Lead
	Events []Event    `json:"events"`
	Plan   []PlanNode `json:"plan"`
	Can    []string   `json:"can"` // edit, move, convert, phone
}

// LeadInput creates or patches a lead; nil leaves a field as it is.
type LeadInput struct {
	Code          *string        `json:"code"`
	Company       *string        `json:"company"`
	ChainID       *int64         `json:"chain_id"`
	Source        *string        `json:"source"`
	ContactName   *string        `json:"contact_name"`
	ContactPhone  *string        `json:"contact_phone"`
	PlannedAmount *int64         `json:"planned_amount"`
	Quality       *string        `json:"quality"`
	TeamID        *int64         `json:"team_id"`
	TownID        *int64         `json:"town_id"`
	OwnerID       *int64         `json:"owner_id"`
	NextAction    *string        `json:"next_action"`
	NextActionOn  *calendar.Date `json:"next_action_on"`
	TargetStartOn *calendar.Date `json:"target_start_on"`
	Notes         *string        `json:"notes"`
	// Stage and StageOn only on create (imports of leads already under
	// way); afterwards stages change by Move.
	Stage   *string        `json:"stage"`
	StageOn *calendar.Date `json:"stage_on"`
}

// MoveInput moves a lead to another stage. Backwards needs a reason.
type MoveInput struct {
	Stage  string        `json:"stage"`
	OnDay  calendar.Date `json:"on_day"` // default today; not in the future
	Note   string        `json:"note"`
	Reason string        `json:"reason"`
}

// ConvertInput turns a signed lead into a key project.
type ConvertInput struct {
	Name          string        `json:"name"`            // default: the company's name + 项目
	ProjectCode   string        `json:"project_code"`    // default: the projects module numbers it
	TargetStartOn calendar.Date `json:"target_start_on"` // required: the schedule runs back from it
	TownID        *int64        `json:"town_id"`         // default: the lead's town
	LeaderUserID  *int64        `json:"leader_user_id"`  // 包联领导
	Category      string        `json:"category"`
}

// ConvertResult is the converted lead and its new project.
type ConvertResult struct {
	Lead      *Detail `json:"lead"`
	ProjectID int64   `json:"project_id"`
}

// Roadmap is the route map and timetable shown on the project.
type Roadmap struct {
	Lead          Lead          `json:"lead"`
	Events        []Event       `json:"events"`
	Plan          []PlanNode    `json:"plan"`
	TargetStartOn calendar.Date `json:"target_start_on"`
}

// Filter selects leads.
type Filter struct {
	Stages    []string
	ChainID   int64
	TeamID    int64
	Lights    []string
	Qualities []string
	Q         string
	Sort      string
}

// FunnelStage is a stage of the funnel.
type FunnelStage struct {
	Stage   string `json:"stage"`
	Count   int    `json:"count"`
	Amount  int64  `json:"amount"`
	Reached int    `json:"reached"` // at this stage or further
}

// ChainRow is a chain's line of the funnel.
type ChainRow struct {
	Chain        *Ref           `json:"chain"`
	Total        int            `json:"total"`
	Amount       int64          `json:"amount"`
	Signed       int            `json:"signed"` // at 签约 or further
	SignedAmount int64          `json:"signed_amount"`
	ByStage      map[string]int `json:"by_stage"`
}

// Funnel is the pipeline by stage and by chain.
type Funnel struct {
	Stages []FunnelStage  `json:"stages"`
	Chains []ChainRow     `json:"chains"`
	Total  int            `json:"total"`
	Lights map[string]int `json:"lights"`
	Amount int64          `json:"amount"`
}

// FunnelFilter narrows the funnel.
type FunnelFilter struct {
	ChainID int64
	TeamID  int64
	Quality string
}

// MetricCell is one metric of one unit in the targets table.
type MetricCell struct {
	Target int64  `json:"target"` // annual
	Due    int64  `json:"due"`    // cumulative target to date (时序)
	Actual int64  `json:"actual"`
	Rate   int    `json:"rate"` // % of the annual target
	Pace   int    `json:"pace"` // % of the target due
	Light  string `json:"light"`
}

// TargetRow is a unit's line of the targets table.
type TargetRow struct {
	Unit    Ref                    `json:"unit"`
	Kind    string                 `json:"kind"`
	Metrics map[string]*MetricCell `json:"metrics"`
	Light   string                 `json:"light"`
}

// TargetTable is the 目标任务分解表 as of a month.
type TargetTable struct {
	Year     int         `json:"year"`
	Month    int         `json:"month"`
	AsOf     string      `json:"as_of"`
	Rows     []TargetRow `json:"rows"`
	District TargetRow   `json:"district"`
}

// TargetInput sets one unit's annual target of one metric.
type TargetInput struct {
	Year   int     `json:"year"`
	UnitID int64   `json:"unit_id"`
	Metric string  `json:"metric"`
	Annual int64   `json:"annual"`
	Months []int64 `json:"months"` // 12 amounts, or empty for an even split
}

// Target is a stored target.
type Target struct {
	TargetInput
	ID       int64  `json:"id"`
	UnitName string `json:"unit_name"`
}

// FundsInput reports a unit's funds in place for a month.
type FundsInput struct {
	UnitID int64  `json:"unit_id"`
	Year   int    `json:"year"`
	Month  int    `json:"month"`
	Amount int64  `json:"amount"`
	Note   string `json:"note"`
}

// Funds is a stored monthly figure.
type Funds struct {
	FundsInput
	ID       int64  `json:"id"`
	UnitName string `json:"unit_name"`
}

// ScheduleNode is a node of the reverse schedule: working days from the
// target start (negative: before it).
type ScheduleNode struct {
	Name       string `json:"name"`
	OffsetDays int    `json:"offset_days"`
}

// Settings are the module's run-time settings.
type Settings struct {
	IdleDays     map[string]int `json:"idle_days"`     // per stage, working days; 0: no limit
	YellowPoints int            `json:"yellow_points"` // behind time-sequence by this many points: yellow
	RedPoints    int            `json:"red_points"`    // … red
	BigAmount    int64          `json:"big_amount"`    // 亿元以上 (yuan)
	Schedule     []ScheduleNode `json:"schedule"`      // reverse schedule
}

// DefaultSettings apply until changed: respond to a new lead within 1
// working day, assess it in 3, report on it every 10 (two weeks).
var DefaultSettings = Settings{
	IdleDays: map[string]int{StageClue: 1, StageContact: 3, StageVisit: 10, StageNegotiate: 10, StageSigned: 10,
		StageRegistered: 10, StageStarted: 10, StageProducing: 0},
	YellowPoints: 10, RedPoints: 30, BigAmount: 100_000_000,
	Schedule: []ScheduleNode{{"立项", -60}, {"用地", -45}, {"规划许可", -30}, {"施工许可", -10}, {"开工", 0},
		{"主体完工", 120}, {"设备进场", 160}, {"竣工", 200}, {"投产", 240}},
}
