// Package tasks is supervision (督查督办): tasks from meetings, leaders'
// instructions and annual plans, handed to a lead unit with a lead leader
// and a deadline, signed for, reported on per cycle, lit green, yellow or
// red, reminded, extended, and closed by the supervision office.
//
// This file is the contract between the service, the web pages, the import
// of the breakdown table and the demo: JSON shapes and the endpoints.
//
// Endpoints (all under /api/v1, JSON, paged lists as httpx.List):
//
//	GET    /task-sources?kind=&year=&q=        sources list
//	POST   /task-sources                        SourceInput
//	GET    /task-sources/{id}                   Source (with task counts)
//	PATCH  /task-sources/{id}                   SourceInput
//	DELETE /task-sources/{id}                   only without tasks
//	GET    /tasks?status=&light=&source_id=&leader_id=&unit_id=&tag=&kind=&deadline_from=&deadline_to=&q=&sort=&page=&page_size=&parent_id=&all=&mine=&overdue=&missing=
//	       (status and light take comma lists; sort: number | deadline | light | progress | created_at | updated_at | title, "-" for descending)
//	GET    /tasks/export (same filters)         the ledger (督办台账) as xlsx
//	POST   /tasks                               TaskInput → Task (draft, or issued when "issue": true)
//	GET    /tasks/{id}                          TaskDetail
//	PATCH  /tasks/{id}                          TaskInput (drafts freely; issued tasks by the supervisor, audited)
//	DELETE /tasks/{id}                          drafts only
//	POST   /tasks/{id}/issue                    下发
//	POST   /tasks/{id}/sign                     签收 (lead unit)
//	POST   /tasks/{id}/reports                  ReportInput (lead unit; replaces this cycle's report)
//	POST   /tasks/{id}/completion               CompletionInput 申请办结 (lead unit, with evidence file ids)
//	POST   /tasks/{id}/close                    销号 (supervisor) {"note"}
//	POST   /tasks/{id}/return                   退回 (supervisor) {"reason"} required
//	POST   /tasks/{id}/extensions               ExtensionInput (lead unit, before the deadline)
//	POST   /task-extensions/{id}/decision       {"approve": bool, "note"} (supervisor)
//	POST   /tasks/{id}/subtasks                 TaskInput (lead unit splits for co-units or its sub-units)
//	PUT    /tasks/{id}/milestones/{mid}/done    {"done_on"} (lead unit marks a milestone reached)
//	POST   /tasks/{id}/reminders                {"content"} 催办 by hand (supervisor, leader)
//	POST   /tasks/{id}/notices                  {"content", "reply_by"?} 督办单 → Action with number
//	GET    /task-actions/{id}/document          the notice as a Word (.docx) file
//	POST   /tasks/{id}/interviews               {"interviewee","held_on","content"} 约谈
//	POST   /task-coordination/{id}/answer       {"answer"} (owner, supervisor)
//	GET    /task-coordination?status=&mine=&task_id=  coordination items
//	GET    /supervision/home                    Home
//	GET    /supervision/my-work                 MyWork for the acting user
//	GET    /supervision/gantt (the ledger's filters)  Gantt rows: milestones plan vs actual, paged
//	GET    /supervision/settings, PUT …         Settings (supervisor, admin)
//	POST   /supervision/lights                  recompute lights now (supervisor, admin) → {"changed": n}
//	GET    /task-breakdown/import-template; POST /task-breakdown/imports  (imports framework, kind "task-breakdown")
//
// Attachments: owner type "task" (evidence, photos, files) and
// "task_source" (minutes, the instruction's document) through the
// attachments endpoints.
package tasks

import (
	"time"

	"diaodu/internal/platform/calendar"
)

// Source kinds.
const (
	SourceMeeting     = "meeting"
	SourceInstruction = "instruction"
	SourcePlan        = "plan"
)

// Meeting kinds.
var MeetingKinds = map[string]string{"dispatch": "调度会", "executive": "常务会议", "topic": "专题会议"}

// Source is where tasks come from.
type Source struct {
	ID          int64         `json:"id"`
	Kind        string        `json:"kind"`
	MeetingKind string        `json:"meeting_kind"`
	Title       string        `json:"title"`
	HeldOn      calendar.Date `json:"held_on"`
	Year        int           `json:"year"`
	Chair       string        `json:"chair"`
	LeaderID    int64         `json:"leader_id,omitempty"`
	LeaderName  string        `json:"leader_name,omitempty"`
	Body        string        `json:"body"`
	Document    string        `json:"document"`
	TaskCount   int           `json:"task_count"`
	OpenCount   int           `json:"open_count"`
	CreatedAt   time.Time     `json:"created_at"`
}

// SourceInput creates or patches a source; nil leaves a field as it is.
type SourceInput struct {
	Kind        *string        `json:"kind"`
	MeetingKind *string        `json:"meeting_kind"`
	Title       *string        `json:"title"`
	HeldOn      *calendar.Date `json:"held_on"`
	Year        *int           `json:"year"`
	Chair       *string        `json:"chair"`
	LeaderID    *int64         `json:"leader_id"`
	Body        *string        `json:"body"`
	Document    *string        `json:"document"`
}

// Task kinds.
const (
	KindOnce     = "once"     // one-off with a deadline
	KindPeriodic = "periodic" // feedback every week/fortnight/month
	KindLongTerm = "longterm" // 长期坚持: no deadline
)

// Statuses, in workflow order.
const (
	StatusDraft      = "draft"       // 草稿
	StatusIssued     = "issued"      // 已下发, waiting to be signed for
	StatusSigned     = "signed"      // 已签收
	StatusInProgress = "in_progress" // 推进中 (after the first report)
	StatusRequested  = "requested"   // 申请办结
	StatusReturned   = "returned"    // 退回 (back with the unit, reason shown)
	StatusClosed     = "closed"      // 已销号
)

// Lights.
const (
	LightGreen  = "green"
	LightYellow = "yellow"
	LightRed    = "red"
	LightNone   = "none" // drafts and closed tasks
)

// Ref names something by id.
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Task is a row of the ledger.
type Task struct {
	ID               int64         `json:"id"`
	ParentID         int64         `json:"parent_id,omitempty"`
	Number           string        `json:"number"`
	Title            string        `json:"title"`
	Requirements     string        `json:"requirements"`
	Kind             string        `json:"kind"`
	ReportCycle      string        `json:"report_cycle"` // week | fortnight | month | ""
	Source           *Ref          `json:"source"`
	SourceKind       string        `json:"source_kind,omitempty"`
	Leaders          []Ref         `json:"leaders"`
	LeadUnit         Ref           `json:"lead_unit"`
	CoUnits          []Ref         `json:"co_units"`
	ResponsibleName  string        `json:"responsible_name"`
	ResponsiblePhone string        `json:"responsible_phone"` // masked unless the role may see it
	Tags             []string      `json:"tags"`
	StartOn          calendar.Date `json:"start_on"`
	Deadline         calendar.Date `json:"deadline"` // null for long-term work
	Status           string        `json:"status"`
	Progress         int           `json:"progress"`      // 0..100
	TimeProgress     int           `json:"time_progress"` // 序时进度 0..100, share of the planned span elapsed
	Light            string        `json:"light"`
	LightReason      string        `json:"light_reason"`
	LightSince       *time.Time    `json:"light_since"`
	Overdue          bool          `json:"overdue"`        // past the deadline and not closed (nor asked to close before it)
	ReportMissing    bool          `json:"report_missing"` // the last completed report cycle went unreported
	DaysLeft         *int          `json:"days_left"`      // working days to the deadline; negative when overdue; null without one
	SignDue          calendar.Date `json:"sign_due"`
	IssuedAt         *time.Time    `json:"issued_at"`
	SignedAt         *time.Time    `json:"signed_at"`
	RequestedAt      *time.Time    `json:"requested_at"`
	ClosedAt         *time.Time    `json:"closed_at"`
	ClosedOnTime     *bool         `json:"closed_on_time"`
	LastReportAt     *time.Time    `json:"last_report_at"`
	SubtaskCount     int           `json:"subtask_count"`
	CreatedAt        time.Time     `json:"created_at"`
	UpdatedAt        time.Time     `json:"updated_at"`
}

// Milestone is a node of a task.
type Milestone struct {
	ID     int64         `json:"id"`
	Name   string        `json:"name"`
	DueOn  calendar.Date `json:"due_on"`
	Weight int           `json:"weight"`
	DoneOn calendar.Date `json:"done_on"` // null until reached
	Late   bool          `json:"late"`    // past due and not done, or done after due
}

// MilestoneInput is a milestone in a TaskInput (id 0 adds one).
type MilestoneInput struct {
	ID     int64         `json:"id"`
	Name   string        `json:"name"`
	DueOn  calendar.Date `json:"due_on"`
	Weight int           `json:"weight"`
}

// TaskInput creates or patches a task; nil leaves a field as it is. The
// import of the breakdown table builds these too.
type TaskInput struct {
	SourceID         *int64            `json:"source_id"`
	Title            *string           `json:"title"`
	Requirements     *string           `json:"requirements"`
	Kind             *string           `json:"kind"`
	ReportCycle      *string           `json:"report_cycle"`
	LeaderIDs        *[]int64          `json:"leader_ids"`
	LeadUnitID       *int64            `json:"lead_unit_id"`
	CoUnitIDs        *[]int64          `json:"co_unit_ids"`
	ResponsibleName  *string           `json:"responsible_name"`
	ResponsiblePhone *string           `json:"responsible_phone"`
	Tags             *[]string         `json:"tags"`
	StartOn          *calendar.Date    `json:"start_on"`
	Deadline         *calendar.Date    `json:"deadline"`
	Milestones       *[]MilestoneInput `json:"milestones"`
	Issue            bool              `json:"issue"` // create and issue in one step
}

// Report is a progress report (进展反馈).
type Report struct {
	ID         int64         `json:"id"`
	CycleStart calendar.Date `json:"cycle_start"`
	CycleEnd   calendar.Date `json:"cycle_end"`
	Content    string        `json:"content"`
	Percent    int           `json:"percent"`
	Problems   string        `json:"problems"`
	Unit       Ref           `json:"unit"`
	Reporter   string        `json:"reporter"`
	FileIDs    []int64       `json:"file_ids"`
	Late       bool          `json:"late"` // submitted after its cycle ended
	CreatedAt  time.Time     `json:"created_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
}

// ReportInput submits this cycle's report.
type ReportInput struct {
	Content  string  `json:"content"`
	Percent  int     `json:"percent"`
	Problems string  `json:"problems"` // each non-empty line becomes a coordination item
	FileIDs  []int64 `json:"file_ids"` // attachments already uploaded to the task
	// MilestonesDone marks milestones reached with this report.
	MilestonesDone []int64 `json:"milestones_done"`
}

// Coordination is a problem that needs a leader (需协调解决的问题).
type Coordination struct {
	ID         int64         `json:"id"`
	TaskID     int64         `json:"task_id"`
	TaskNumber string        `json:"task_number"`
	TaskTitle  string        `json:"task_title"`
	Question   string        `json:"question"`
	Owner      *Ref          `json:"owner"`
	DueOn      calendar.Date `json:"due_on"`
	Answer     string        `json:"answer"`
	AnsweredBy string        `json:"answered_by"`
	AnsweredAt *time.Time    `json:"answered_at"`
	Status     string        `json:"status"` // open | answered
	Overdue    bool          `json:"overdue"`
	CreatedAt  time.Time     `json:"created_at"`
}

// CompletionInput asks to close a task.
type CompletionInput struct {
	Summary string  `json:"summary"`
	FileIDs []int64 `json:"file_ids"` // evidence, required
}

// ExtensionInput asks for a later deadline, before the current one passes.
type ExtensionInput struct {
	NewDeadline calendar.Date `json:"new_deadline"`
	Reason      string        `json:"reason"`
}

// Extension is an extension request and its decision.
type Extension struct {
	ID           int64         `json:"id"`
	TaskID       int64         `json:"task_id"`
	TaskNumber   string        `json:"task_number"`
	TaskTitle    string        `json:"task_title"`
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

// Action is a reminder, a supervision notice or an interview.
type Action struct {
	ID          int64         `json:"id"`
	Kind        string        `json:"kind"` // remind | notice | interview
	Number      string        `json:"number"`
	Auto        bool          `json:"auto"`
	Content     string        `json:"content"`
	Interviewee string        `json:"interviewee"`
	HeldOn      calendar.Date `json:"held_on"`
	CreatedBy   string        `json:"created_by"`
	CreatedAt   time.Time     `json:"created_at"`
}

// Completion is a completion request (申请办结) and how it ended.
type Completion struct {
	ID          int64      `json:"id"`
	Summary     string     `json:"summary"`
	FileIDs     []int64    `json:"file_ids"`
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	Outcome     string     `json:"outcome"` // "" pending | closed | returned
	DecidedBy   string     `json:"decided_by"`
	DecidedAt   *time.Time `json:"decided_at"`
	Note        string     `json:"note"` // the return reason or the closing note
}

// File is an attachment of a task, as the attachments endpoints serve it.
type File struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	URL         string    `json:"url"`
	ThumbURL    string    `json:"thumb_url,omitempty"`
	UploadedBy  string    `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// Event is a line of the task's timeline.
type Event struct {
	Kind    string    `json:"kind"`
	Summary string    `json:"summary"`
	Note    string    `json:"note"`
	Actor   string    `json:"actor"`
	At      time.Time `json:"at"`
}

// TaskDetail is everything the task page shows.
type TaskDetail struct {
	Task
	Milestones   []Milestone    `json:"milestones"`
	Subtasks     []Task         `json:"subtasks"`
	Reports      []Report       `json:"reports"`
	Coordination []Coordination `json:"coordination"`
	Extensions   []Extension    `json:"extensions"`
	Actions      []Action       `json:"actions"`
	Completions  []Completion   `json:"completions"`
	Files        []File         `json:"files"` // attachments of the task (evidence, photos)
	Timeline     []Event        `json:"timeline"`
	// Can lists what the acting user may do now: "edit", "issue", "sign",
	// "report", "request", "close", "return", "extend", "decide" (a pending
	// extension), "split", "milestone" (mark one reached), "remind",
	// "notice", "interview", "delete".
	Can []string `json:"can"`
}

// Settings are the supervision office's thresholds and prefixes.
type Settings struct {
	NumberPrefix     string `json:"number_prefix"`     // 示督 → 示督〔2026〕12号
	NoticePrefix     string `json:"notice_prefix"`     // 督办 → 督办〔2026〕3号
	SignDays         int    `json:"sign_days"`         // working days to sign for an issued task (1)
	WarnDays         int    `json:"warn_days"`         // yellow when a deadline or milestone is this many working days away (3)
	LagPercent       int    `json:"lag_percent"`       // yellow when progress trails the time-sequence by more than this (20)
	RemindAt         string `json:"remind_at"`         // daily reminder time "09:00"
	CoordinationDays int    `json:"coordination_days"` // working days to answer a coordination item (5)
	OfficeName       string `json:"office_name"`       // who signs notices; "" = the district's name + 委督查室
}

// DefaultSettings apply until the supervision office changes them.
var DefaultSettings = Settings{NumberPrefix: "示督", NoticePrefix: "督办", SignDays: 1, WarnDays: 3, LagPercent: 20,
	RemindAt: "09:00", CoordinationDays: 5}

// Count is a labelled number for the home page.
type Count struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// UnitRate is a unit's on-time record for the ranking.
type UnitRate struct {
	Unit    Ref     `json:"unit"`
	Total   int     `json:"total"`   // tasks led, issued and due or closed
	OnTime  int     `json:"on_time"` // closed by the deadline, or open and not overdue
	Overdue int     `json:"overdue"`
	Missing int     `json:"missing"` // missing reports in the last cycles
	Rate    float64 `json:"rate"`    // on_time / total, 0..1
}

// TrendPoint is one day of the trend chart.
type TrendPoint struct {
	Day    calendar.Date `json:"day"`
	Open   int           `json:"open"`
	Green  int           `json:"green"`
	Yellow int           `json:"yellow"`
	Red    int           `json:"red"`
	Closed int           `json:"closed"`
}

// Home is the supervision home page for the acting user's scope.
type Home struct {
	ByStatus       []Count      `json:"by_status"`
	ByLight        []Count      `json:"by_light"`
	DueThisWeek    []Task       `json:"due_this_week"`
	Overdue        []Task       `json:"overdue"`
	MissingReports []Task       `json:"missing_reports"` // tasks whose last cycle ended without a report
	UnitRanking    []UnitRate   `json:"unit_ranking"`
	Trend          []TrendPoint `json:"trend"` // last 60 days
}

// MyWork is what the acting user should do next.
type MyWork struct {
	ToSign       []Task         `json:"to_sign"`      // unit: issued, not signed
	ToReport     []Task         `json:"to_report"`    // unit: no report this cycle
	ToFinish     []Task         `json:"to_finish"`    // unit: deadline within the warning window, or returned
	ToReview     []Task         `json:"to_review"`    // supervisor: completion requested
	Extensions   []Extension    `json:"extensions"`   // supervisor: pending extension requests (with task refs in Summary)
	Coordination []Coordination `json:"coordination"` // leader/owner: open coordination items
	Portfolio    []Task         `json:"portfolio"`    // leader: tasks they lead
}

// GanttRow is one task's milestones plan against actual.
type GanttRow struct {
	Task       Task        `json:"task"`
	Milestones []Milestone `json:"milestones"`
}
