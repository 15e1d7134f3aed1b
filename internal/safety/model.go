// Package safety is work safety (安全生产 大排查大整治): campaigns with
// checklists per industry, inspections of the registry's enterprises and
// places, hazards (隐患) followed to closure (销号), listed supervision
// (挂牌督办), extension requests, suspension orders (停产停业整顿) and the
// key-period (节假日) setting the safety home uses.
//
// This file is the contract between the service, the web pages and the
// demo: JSON shapes and the endpoints.
//
// Endpoints (all under /api/v1, JSON, paged lists as httpx.List
// {"items": [...], "total": n}):
//
//	GET    /safety/home?campaign_id=              Home: figures of all hazards in scope and the latest running campaign;
//	                                              with campaign_id, that campaign shown and the figures of its hazards only
//	GET    /safety/settings                       Settings
//	PUT    /safety/settings                       Settings (admin, supervisor)
//	GET    /safety/campaigns?status=&q=&page=&page_size=   Campaign list (status: running | planned | ended), with Progress
//	POST   /safety/campaigns                      CampaignInput → Campaign (admin, supervisor)
//	GET    /safety/campaigns/{id}                 Campaign with Checklists and ProgressByTown
//	PATCH  /safety/campaigns/{id}                 CampaignInput (nil fields unchanged; checklists replaced when given)
//	GET    /safety/campaigns/{id}/checklist?enterprise_id=  []ChecklistItem for the enterprise's industry (phone page)
//	GET    /safety/enterprises?q=&town_id=&industry=&campaign_id=&page=&page_size=
//	       SafetyEnterprise list in the actor's safety scope (q: name, or a whole credit/internal code as
//	       scanned from the printed QR code, which holds the code); campaign_id adds "checked" per row
//	POST   /safety/enterprises                    registry.EnterpriseInput → registry.Enterprise (inspectors
//	       creating an enterprise from the inspection page; credit code checked per GB 32100)
//	GET    /safety/enterprises/{id}               EnterpriseHistory: the enterprise, its Profile, inspections, hazards, suspension orders
//	PUT    /safety/enterprises/{id}/profile       Profile (三客一危 vehicles, rides, special equipment, capacity; inspectors in scope) → Profile
//	POST   /safety/photos                         multipart "file" (JPEG/PNG/GIF/WebP by content) → {"id","url","thumb_url"} 201;
//	       the id is then given in photo_ids / after_photo_ids / evidence_ids of the calls below
//	GET    /safety/photos/{id}, /safety/photos/{id}/thumb   the image, to whoever sees what it belongs to (its uploader until then)
//	GET    /safety/inspections?campaign_id=&enterprise_id=&page=&page_size=   Inspection list (newest first)
//	POST   /safety/inspections                    InspectionInput → Inspection 201, with the hazards its failed
//	                                              items filed; same client_key again → the stored one, 200
//	GET    /safety/inspections/{id}               Inspection with answers and hazards
//	GET    /safety/hazards?campaign_id=&industry=&town_id=&supervising_unit_id=&enterprise_id=&level=&status=&overdue=&supervised=&q=&sort=&page=&page_size=
//	       the ledger (隐患台账); status takes a comma list; overdue=true; supervised=true (挂牌督办);
//	       sort: deadline | found_on | level | status | enterprise | updated_at, "-" for descending (default -found_on)
//	GET    /safety/hazards/export (same filters)  the ledger as xlsx (隐患排查整治台账)
//	POST   /safety/hazards                        HazardInput → HazardDetail 201 (client_key as inspections)
//	GET    /safety/hazards/{id}                   HazardDetail
//	PATCH  /safety/hazards/{id}                   HazardInput (before verification; deadline only while 待整改 — later by extension)
//	       (this and the workflow calls below answer the HazardDetail after the change)
//	PUT    /safety/hazards/{id}/plan              PlanInput: rectification plan of a 重大 hazard (seven parts, all required)
//	POST   /safety/hazards/{id}/start             {"note"} 待整改 → 整改中 (重大: plan first)
//	POST   /safety/hazards/{id}/submit            SubmitInput 整改中 → 待验收 (after photos and evidence required)
//	POST   /safety/hazards/{id}/verify            VerifyInput 待验收 → 已销号 (pass) or 整改中 (fail, note required);
//	                                              not by whoever submitted the fix
//	POST   /safety/hazards/{id}/supervise         {"note"} 挂牌督办 of a 重大 hazard → notice_number 安督〔2026〕N号 (admin, supervisor)
//	POST   /safety/hazards/{id}/extensions        ExtensionInput (before the deadline, one pending at a time) → Extension
//	POST   /safety/hazard-extensions/{id}/decision {"approve": bool, "note"} (admin, supervisor; note required to refuse) → Extension
//	GET    /safety/suspensions?status=&enterprise_id=&town_id=&page=&page_size=  Suspension list (status: active | lifted)
//	POST   /safety/suspensions                    SuspensionInput → Suspension 201
//	POST   /safety/suspensions/{id}/lift          LiftInput → Suspension (after verification; verification note required)
//
// Demo users (password demo.Password): t01v01 (field, 青石镇's first
// village: inspects 青石镇's enterprises on the phone page), t01_staff
// (青石镇 安监站站长: inspects, starts and submits rectification),
// t01_admin (青石镇: verifies, suspension orders), d15_staff / d15_admin
// (区应急管理局: supervises 危险化学品, 烟花爆竹 and 工贸), ducha
// (supervision office: campaigns, settings, 挂牌督办, extensions).
//
// Job: "safety.remind" (daily 08:30) reminds the supervising unit of each
// overdue hazard once a day, and escalates to the supervision office when a
// hazard is overdue more than Settings.EscalateAfterDays working days.
// Notification kinds start with "safety.".
package safety

import (
	"time"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/registry"
)

// Hazard levels.
const (
	LevelGeneral = "general" // 一般隐患
	LevelMajor   = "major"   // 重大隐患
)

// Levels names the levels.
var Levels = map[string]string{LevelGeneral: "一般", LevelMajor: "重大"}

// Hazard statuses, in workflow order. A failed verification (验收不通过)
// goes back to rectifying with Rejections counted and an event recorded.
const (
	StatusPending    = "pending"    // 待整改
	StatusRectifying = "rectifying" // 整改中
	StatusVerifying  = "verifying"  // 待验收
	StatusClosed     = "closed"     // 已销号
)

// Statuses names the statuses.
var Statuses = map[string]string{StatusPending: "待整改", StatusRectifying: "整改中", StatusVerifying: "待验收", StatusClosed: "已销号"}

// Lights of a hazard: red when overdue (deadline passed while 待整改 or
// 整改中), yellow when due within 3 days, green otherwise, "" when closed
// or waiting for verification.
const (
	LightRed    = "red"
	LightYellow = "yellow"
	LightGreen  = "green"
)

// Answers to a checklist item.
const (
	AnswerPass = "pass" // 符合
	AnswerFail = "fail" // 不符合 → files a hazard
	AnswerNA   = "na"   // 不适用
)

// ChecklistItem is one line of a campaign's checklist for an industry.
type ChecklistItem struct {
	ID       int64  `json:"id"`
	Industry string `json:"industry"` // registry industry code; "" for items every industry answers
	Seq      int    `json:"seq"`
	Text     string `json:"text"`
	Basis    string `json:"basis"` // 依据 (regulation), optional
}

// Checklist is the items of one industry, as the campaign form edits them.
type Checklist struct {
	Industry     string              `json:"industry"` // "" = common items
	IndustryName string              `json:"industry_name"`
	Items        []ChecklistItemText `json:"items"`
}

// ChecklistItemText is an item as entered.
type ChecklistItemText struct {
	ID    int64  `json:"id,omitempty"` // in answers; ignored on input
	Text  string `json:"text"`
	Basis string `json:"basis"`
}

// Progress is a campaign's figures (in the actor's scope).
type Progress struct {
	ToCheck     int     `json:"to_check"`     // enterprises of the campaign's industries in its units
	Checked     int     `json:"checked"`      // of those, inspected at least once in the campaign
	Hazards     int     `json:"hazards"`      // found
	Major       int     `json:"major"`        // of which 重大
	Fixed       int     `json:"fixed"`        // closed (已销号)
	Overdue     int     `json:"overdue"`      // open past the deadline
	CheckedRate float64 `json:"checked_rate"` // checked / to_check, 0..1
	FixedRate   float64 `json:"fixed_rate"`   // fixed / hazards, 0..1
}

// Campaign is a special campaign (专项行动).
type Campaign struct {
	ID             int64         `json:"id"`
	Name           string        `json:"name"`
	StartsOn       calendar.Date `json:"starts_on"`
	EndsOn         calendar.Date `json:"ends_on"`
	Status         string        `json:"status"`         // planned | running | ended (from the dates)
	Industries     []string      `json:"industries"`     // registry industry codes; empty = all
	IndustryNames  []string      `json:"industry_names"` // same order
	UnitIDs        []int64       `json:"unit_ids"`       // participating towns and departments; empty = all
	UnitNames      []string      `json:"unit_names"`     // same order
	Description    string        `json:"description"`
	Progress       Progress      `json:"progress"`
	Checklists     []Checklist   `json:"checklists,omitempty"`       // detail only
	ProgressByTown []GroupStat   `json:"progress_by_town,omitempty"` // detail only
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// CampaignInput creates a campaign or patches one (nil: unchanged).
type CampaignInput struct {
	Name        *string        `json:"name"`
	StartsOn    *calendar.Date `json:"starts_on"`
	EndsOn      *calendar.Date `json:"ends_on"`
	Industries  *[]string      `json:"industries"`
	UnitIDs     *[]int64       `json:"unit_ids"`
	Description *string        `json:"description"`
	Checklists  *[]Checklist   `json:"checklists"` // replaces all items; answered items keep their text in old inspections
}

// SafetyEnterprise is a registry enterprise with its safety figures.
type SafetyEnterprise struct {
	registry.Enterprise
	OpenHazards   int           `json:"open_hazards"`
	MajorOpen     int           `json:"major_open"`
	OverdueOpen   int           `json:"overdue_open"`
	LastInspected calendar.Date `json:"last_inspected"` // null when never
	Suspended     bool          `json:"suspended"`      // an active suspension order
	Checked       bool          `json:"checked"`        // inspected in the campaign_id asked for
}

// Profile is what work safety counts per enterprise or place beyond the
// registry: 三客一危 vehicles, amusement rides, special equipment and the
// maximum number of visitors. All zero until someone records it.
type Profile struct {
	PassengerBuses   int       `json:"passenger_buses"`   // 班线客车
	CharterBuses     int       `json:"charter_buses"`     // 旅游包车
	RuralBuses       int       `json:"rural_buses"`       // 农村客运车辆
	HazmatTrucks     int       `json:"hazmat_trucks"`     // 危险货物运输车辆
	Rides            int       `json:"rides"`             // 大型游乐设施
	SpecialEquipment int       `json:"special_equipment"` // 电梯、锅炉、压力容器等（台）
	MaxVisitors      int       `json:"max_visitors"`      // 最大承载量（人）
	Note             string    `json:"note"`
	UpdatedBy        string    `json:"updated_by"` // answer only
	UpdatedAt        time.Time `json:"updated_at"` // answer only; zero when never recorded
}

// EnterpriseHistory is the enterprise detail page.
type EnterpriseHistory struct {
	Enterprise  SafetyEnterprise `json:"enterprise"`
	Profile     Profile          `json:"profile"`
	Inspections []Inspection     `json:"inspections"` // newest first, without answers
	Hazards     []Hazard         `json:"hazards"`     // newest first
	Suspensions []Suspension     `json:"suspensions"`
}

// Answer is one checklist item's answer in an inspection. A failed item
// files a hazard in the same call: Description defaults to the item's
// text and note; level, deadline (default: 10 working days from the
// inspection), measures and photos are the hazard's.
type Answer struct {
	ItemID   int64         `json:"item_id"`
	ItemText string        `json:"item_text"` // answer only
	Result   string        `json:"result"`    // pass | fail | na
	Note     string        `json:"note"`
	HazardID int64         `json:"hazard_id,omitempty"` // answer only, for failed items
	Hazard   *AnswerHazard `json:"hazard,omitempty"`    // input only, for failed items
}

// AnswerHazard is what a failed item's hazard needs beyond the item.
type AnswerHazard struct {
	Description       string         `json:"description"`
	Level             string         `json:"level"`
	Deadline          *calendar.Date `json:"deadline"`
	Measures          string         `json:"measures"`
	ResponsiblePerson string         `json:"responsible_person"`
	Funds             float64        `json:"funds"`
	PhotoIDs          []int64        `json:"photo_ids"`
}

// InspectionInput records an inspection.
type InspectionInput struct {
	ClientKey    string        `json:"client_key"`  // phone: UUID, idempotent; desktop: ""
	CampaignID   int64         `json:"campaign_id"` // optional
	EnterpriseID int64         `json:"enterprise_id"`
	InspectedOn  calendar.Date `json:"inspected_on"` // not in the future
	Inspectors   string        `json:"inspectors"`   // names, e.g. "张三、李四"; default the acting user
	Answers      []Answer      `json:"answers"`
	Note         string        `json:"note"`
	PhotoIDs     []int64       `json:"photo_ids"`
	// PhotoItemIDs, when given, is parallel to PhotoIDs (same length and
	// order): the checklist item each photo shows, 0 for the inspection
	// itself. A photo of a failed item becomes its hazard's before-photo
	// (the phone's outbox can only fill the top-level photo_ids).
	PhotoItemIDs []int64 `json:"photo_item_ids"`
}

// Inspection is a recorded inspection.
type Inspection struct {
	ID             int64         `json:"id"`
	ClientKey      string        `json:"client_key,omitempty"`
	CampaignID     int64         `json:"campaign_id,omitempty"`
	CampaignName   string        `json:"campaign_name"`
	EnterpriseID   int64         `json:"enterprise_id"`
	EnterpriseName string        `json:"enterprise_name"`
	Industry       string        `json:"industry"`
	IndustryName   string        `json:"industry_name"`
	TownName       string        `json:"town_name"`
	InspectedOn    calendar.Date `json:"inspected_on"`
	Inspectors     string        `json:"inspectors"`
	Note           string        `json:"note"`
	Passed         int           `json:"passed"`
	Failed         int           `json:"failed"`
	NA             int           `json:"na"`
	CreatedBy      string        `json:"created_by"`
	CreatedAt      time.Time     `json:"created_at"`
	Answers        []Answer      `json:"answers,omitempty"` // detail only
	Photos         []Photo       `json:"photos,omitempty"`  // detail only
	Hazards        []Hazard      `json:"hazards,omitempty"` // detail and create answers
}

// Photo is a stored photo or evidence file.
type Photo struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url,omitempty"`
	Kind     string `json:"kind"` // before | after | evidence | inspection
}

// HazardInput files a hazard or patches one (PATCH: zero values unchanged
// except where noted).
type HazardInput struct {
	ClientKey         string         `json:"client_key"`
	EnterpriseID      int64          `json:"enterprise_id"` // create only
	CampaignID        int64          `json:"campaign_id"`   // create only, optional
	Description       *string        `json:"description"`
	Level             *string        `json:"level"`
	FoundOn           *calendar.Date `json:"found_on"` // default today; not in the future
	FoundBy           *string        `json:"found_by"` // names; default the acting user
	ResponsiblePerson *string        `json:"responsible_person"`
	Measures          *string        `json:"measures"`
	Deadline          *calendar.Date `json:"deadline"`  // required on create; not in the past
	Funds             *float64       `json:"funds"`     // 整改资金, 万元
	PhotoIDs          []int64        `json:"photo_ids"` // before photos (added)
}

// Hazard is a row of the ledger.
type Hazard struct {
	ID                  int64         `json:"id"`
	ClientKey           string        `json:"client_key,omitempty"`
	EnterpriseID        int64         `json:"enterprise_id"`
	EnterpriseName      string        `json:"enterprise_name"`
	CreditCode          string        `json:"credit_code"`
	Industry            string        `json:"industry"`
	IndustryName        string        `json:"industry_name"`
	TownID              int64         `json:"town_id,omitempty"`
	TownName            string        `json:"town_name"`
	SupervisingUnitID   int64         `json:"supervising_unit_id,omitempty"`
	SupervisingUnitName string        `json:"supervising_unit_name"`
	CampaignID          int64         `json:"campaign_id,omitempty"`
	CampaignName        string        `json:"campaign_name"`
	InspectionID        int64         `json:"inspection_id,omitempty"`
	Description         string        `json:"description"`
	Level               string        `json:"level"`
	LevelName           string        `json:"level_name"`
	FoundOn             calendar.Date `json:"found_on"`
	FoundBy             string        `json:"found_by"`
	ResponsiblePerson   string        `json:"responsible_person"`
	Measures            string        `json:"measures"`
	Deadline            calendar.Date `json:"deadline"`
	Funds               float64       `json:"funds"`
	Status              string        `json:"status"`
	StatusName          string        `json:"status_name"`
	Light               string        `json:"light"`
	Overdue             bool          `json:"overdue"`
	OverdueDays         int           `json:"overdue_days"` // calendar days past the deadline, while open
	Rejections          int           `json:"rejections"`   // failed verifications
	HasPlan             bool          `json:"has_plan"`
	Supervised          bool          `json:"supervised"` // 挂牌督办
	NoticeNumber        string        `json:"notice_number"`
	SubmittedBy         string        `json:"submitted_by"` // who reported it fixed
	VerifiedBy          string        `json:"verified_by"`
	ClosedAt            *time.Time    `json:"closed_at"`
	CreatedAt           time.Time     `json:"created_at"`
	UpdatedAt           time.Time     `json:"updated_at"`
}

// HazardDetail is the hazard page.
type HazardDetail struct {
	Hazard
	Plan       *Plan       `json:"plan"`
	Photos     []Photo     `json:"photos"` // before, after, evidence
	Events     []Event     `json:"events"` // oldest first
	Extensions []Extension `json:"extensions"`
	// Can lists what the actor may do now: "edit", "plan", "start",
	// "submit", "verify", "supervise", "extend", "decide", "suspend".
	Can []string `json:"can"`
}

// PlanInput is the rectification plan of a 重大 hazard (the seven parts
// of 重大事故隐患治理方案, each required).
type PlanInput struct {
	Goals       string `json:"goals"`        // 治理的目标和任务
	Measures    string `json:"measures"`     // 采取的方法和措施
	Resources   string `json:"resources"`    // 经费和物资的落实
	People      string `json:"people"`       // 负责治理的机构和人员
	TimeLimits  string `json:"time_limits"`  // 治理的时限和要求
	SafetySteps string `json:"safety_steps"` // 安全措施
	Emergency   string `json:"emergency"`    // 应急预案
}

// Plan is a stored plan.
type Plan struct {
	PlanInput
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SubmitInput reports a hazard fixed (整改完成, 申请验收).
type SubmitInput struct {
	Note          string   `json:"note"`            // 整改情况, required
	AfterPhotoIDs []int64  `json:"after_photo_ids"` // required, ≥ 1
	EvidenceIDs   []int64  `json:"evidence_ids"`    // other evidence files (uploaded via /safety/photos), optional
	Funds         *float64 `json:"funds"`           // actual funds spent, optional
}

// VerifyInput is 验收.
type VerifyInput struct {
	Pass bool   `json:"pass"`
	Note string `json:"note"` // required when failing
}

// Event is a line of a hazard's history.
type Event struct {
	Kind    string    `json:"kind"` // create | edit | plan | start | submit | pass | fail | supervise | extension | remind | escalate
	Summary string    `json:"summary"`
	Note    string    `json:"note"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// ExtensionInput asks for a later deadline.
type ExtensionInput struct {
	NewDeadline calendar.Date `json:"new_deadline"`
	Reason      string        `json:"reason"`
}

// Extension is an extension request and its decision.
type Extension struct {
	ID           int64         `json:"id"`
	HazardID     int64         `json:"hazard_id"`
	OldDeadline  calendar.Date `json:"old_deadline"`
	NewDeadline  calendar.Date `json:"new_deadline"`
	Reason       string        `json:"reason"`
	Status       string        `json:"status"` // pending | approved | refused
	RequestedBy  string        `json:"requested_by"`
	RequestedAt  time.Time     `json:"requested_at"`
	DecidedBy    string        `json:"decided_by"`
	DecidedAt    *time.Time    `json:"decided_at"`
	DecisionNote string        `json:"decision_note"`
}

// SuspensionInput issues a suspension order (责令停产停业整顿).
type SuspensionInput struct {
	EnterpriseID int64         `json:"enterprise_id"`
	HazardID     int64         `json:"hazard_id"`  // optional: the hazard behind it
	DocNumber    string        `json:"doc_number"` // 文书编号, optional
	Reasons      string        `json:"reasons"`    // required
	StartsOn     calendar.Date `json:"starts_on"`  // required
	EndsOn       calendar.Date `json:"ends_on"`    // planned end, required, ≥ starts_on
}

// LiftInput lifts an order after verification (复查合格).
type LiftInput struct {
	VerifiedOn   calendar.Date `json:"verified_on"`  // required, ≥ starts_on, not in the future
	Verification string        `json:"verification"` // 复查情况, required
}

// Suspension is a suspension order.
type Suspension struct {
	ID             int64         `json:"id"`
	EnterpriseID   int64         `json:"enterprise_id"`
	EnterpriseName string        `json:"enterprise_name"`
	TownName       string        `json:"town_name"`
	HazardID       int64         `json:"hazard_id,omitempty"`
	DocNumber      string        `json:"doc_number"`
	Reasons        string        `json:"reasons"`
	StartsOn       calendar.Date `json:"starts_on"`
	EndsOn         calendar.Date `json:"ends_on"`
	Status         string        `json:"status"` // active | lifted
	VerifiedOn     calendar.Date `json:"verified_on"`
	Verification   string        `json:"verification"`
	IssuedBy       string        `json:"issued_by"`
	LiftedBy       string        `json:"lifted_by"`
	CreatedAt      time.Time     `json:"created_at"`
}

// KeyPeriod is the holiday setting: while today is within From..To, the
// safety home puts its industries first.
type KeyPeriod struct {
	Name       string        `json:"name"` // e.g. 元旦、春节
	From       calendar.Date `json:"from"`
	To         calendar.Date `json:"to"`
	Industries []string      `json:"industries"` // default transport, tourism, crowded
}

// Settings are the module's settings.
type Settings struct {
	KeyPeriod         KeyPeriod `json:"key_period"`
	EscalateAfterDays int       `json:"escalate_after_days"`   // working days overdue before escalation, default 5
	DefaultDeadline   int       `json:"default_deadline_days"` // working days for a failed item's hazard, default 10
	// ChecklistTemplates are default checklist items per industry ("" =
	// common items) a new campaign's form starts from.
	ChecklistTemplates []Checklist `json:"checklist_templates"`
}

// GroupStat is found / fixed / rate for one industry, town or department.
type GroupStat struct {
	Key     string  `json:"key"` // industry code or unit id
	Name    string  `json:"name"`
	Key1st  bool    `json:"key_industry,omitempty"` // a key-period industry
	ToCheck int     `json:"to_check,omitempty"`     // campaign progress by town only
	Checked int     `json:"checked,omitempty"`
	Found   int     `json:"found"`
	Fixed   int     `json:"fixed"`
	Major   int     `json:"major"`
	Overdue int     `json:"overdue"`
	Rate    float64 `json:"rate"` // fixed / found, 0..1
}

// Home is the safety home.
type Home struct {
	Campaign     *Campaign      `json:"campaign"`  // the campaign shown (nil when none)
	Campaigns    []Campaign     `json:"campaigns"` // running ones, with progress
	Totals       GroupStat      `json:"totals"`    // all hazards in scope (or of the campaign)
	ByStatus     map[string]int `json:"by_status"`
	ByIndustry   []GroupStat    `json:"by_industry"` // key-period industries first while one is active
	ByTown       []GroupStat    `json:"by_town"`
	ByDepartment []GroupStat    `json:"by_department"` // by supervising unit
	Overdue      []Hazard       `json:"overdue"`       // most overdue first, up to 20
	Major        []Hazard       `json:"major"`         // open 重大 hazards, up to 20
	Suspensions  int            `json:"suspensions"`   // active orders
	KeyPeriod    *KeyBlock      `json:"key_period"`    // nil outside a key period
}

// KeyBlock is the key-period block of the home.
type KeyBlock struct {
	KeyPeriod
	IndustryNames []string    `json:"industry_names"`
	Stats         []GroupStat `json:"stats"`   // one per key industry
	Overdue       []Hazard    `json:"overdue"` // open overdue hazards of those industries, up to 10
}
