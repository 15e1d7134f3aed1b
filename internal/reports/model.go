// Package reports is periodic reporting (报送): an obligation (报送任务)
// says which units report what and how often — daily with a cut-off time
// (working days only or every day), weekly on a weekday, monthly by a day of
// the month, or on a custom list of dates — with a form defined per
// obligation. Units submit once per cycle (a second submission replaces the
// first until the cut-off); after the cut-off a submission is late, and a
// unit with nothing in is missing. Jobs remind units before the cut-off and
// mark missing units after it. The daily zero report (零报告) is one
// obligation (source "zero"); later modules (monthly project reports,
// patrol logs) create their own obligations through the Go API
// (CreateObligation, Submit, Cycles, CycleTable, StatusOf) instead of
// writing their own engine.
//
// Endpoints (all under /api/v1):
//
//	GET    /report-obligations?q=&active=&source=&page=&page_size=  obligations in scope (list)
//	POST   /report-obligations                       ObligationInput → Obligation (supervisor, admin)
//	POST   /report-obligations/zero-report           the 每日零报告 template; optional ObligationInput overrides
//	GET    /report-obligations/{id}                  Obligation with its units
//	PATCH  /report-obligations/{id}                  ObligationInput (supervisor, admin)
//	DELETE /report-obligations/{id}                  only while nothing was submitted
//	GET    /report-obligations/{id}/cycles?from=&to= cycles with counts, newest first (cycle picker)
//	GET    /report-obligations/{id}/table?due_on=    who has and who hasn't: CycleTable
//	GET    /report-obligations/{id}/table/export?due_on=  the same as xlsx
//	GET    /report-obligations/{id}/matrix?cycles=&to=    units × last N cycles
//	POST   /report-obligations/{id}/submissions      SubmissionInput → Submission (the unit's unit_admin/staff, village field users)
//	GET    /report-submissions?obligation_id=&unit_id=&status=&from=&to=&page=&page_size=  history in scope
//	GET    /report-submissions/{id}                  Submission with its files
//	GET    /reports/mine                             obligations of the acting user's unit with the current cycle
//	GET    /reports/today?date=                      Today: the dashboard summary (see Today)
//
// Attachments: owner type "report_submission", object id
// "<obligation id>:<unit id>:<due date>" (the slot of one unit's report for
// one cycle), so files are uploaded before the submission that lists their
// ids in a "files" field.
package reports

import (
	"strconv"
	"time"

	"diaodu/internal/platform/calendar"
)

// Frequencies.
const (
	Daily   = "daily"
	Weekly  = "weekly"
	Monthly = "monthly"
	Custom  = "custom"
)

// Statuses of one unit in one cycle.
const (
	OnTime  = "on_time" // submitted before the cut-off
	Late    = "late"    // submitted after the cut-off
	Missing = "missing" // cut-off passed, nothing in
	Pending = "pending" // before the cut-off, nothing in yet
)

// SourceZero marks the daily zero report.
const SourceZero = "zero"

// StatusName is the Chinese word for a status.
func StatusName(s string) string {
	switch s {
	case OnTime:
		return "按时报送"
	case Late:
		return "迟报"
	case Missing:
		return "缺报"
	case Pending:
		return "待报送"
	}
	return s
}

// UnitRef names a unit.
type UnitRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind,omitempty"`
}

// UnitSelector is "all units of these kinds under this unit" (e.g. every
// town and department of the district); it is resolved into the unit list
// when the obligation is saved, and kept to show how the list was made.
type UnitSelector struct {
	RootUnitID int64    `json:"root_unit_id"`
	Kinds      []string `json:"kinds"`
}

// Obligation is a reporting obligation (报送任务).
type Obligation struct {
	ID           int64           `json:"id"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Source       string          `json:"source"`
	Frequency    string          `json:"frequency"`
	Cutoff       string          `json:"cutoff"`    // "17:00"
	Weekday      int             `json:"weekday"`   // weekly: 1 Monday .. 7 Sunday
	MonthDay     int             `json:"month_day"` // monthly: 1..31, clamped to the month's end
	CustomDates  []calendar.Date `json:"custom_dates"`
	WorkdaysOnly bool            `json:"workdays_only"` // daily: only working days are due
	ActiveFrom   calendar.Date   `json:"active_from"`
	ActiveTo     calendar.Date   `json:"active_to"`
	// RemindBeforeMinutes: units with nothing in are reminded this long
	// before the cut-off (0: no reminder).
	RemindBeforeMinutes int           `json:"remind_before_minutes"`
	Form                []Field       `json:"form"`
	AllowNothing        bool          `json:"allow_nothing"` // "nothing to report" is an answer
	Selector            *UnitSelector `json:"selector"`
	Units               []UnitRef     `json:"units"` // in the actor's scope
	UnitCount           int           `json:"unit_count"`
	OwnerUnitID         int64         `json:"owner_unit_id"`
	OwnerUnitName       string        `json:"owner_unit_name"`
	Active              bool          `json:"active"`
	ScheduleText        string        `json:"schedule_text"` // "每个工作日 17:00 前"
	CreatedBy           int64         `json:"created_by,omitempty"`
	CreatedAt           time.Time     `json:"created_at"`
	UpdatedAt           time.Time     `json:"updated_at"`
	// Current is the cycle that today falls in (or the last one begun),
	// with its counts; set in lists and on the detail.
	Current *CycleSummary `json:"current,omitempty"`

	cutH, cutM int
}

// Cycle is one reporting period, identified by its due date.
type Cycle struct {
	DueOn    calendar.Date `json:"due_on"`
	Start    calendar.Date `json:"start"` // first day: submissions open
	End      calendar.Date `json:"end"`   // last day of the period reported on
	CutoffAt time.Time     `json:"cutoff_at"`
	RemindAt time.Time     `json:"remind_at"`
}

// Closed tells whether the cut-off has passed at now.
func (c Cycle) Closed(now time.Time) bool { return !now.Before(c.CutoffAt) }

// Counts are the statuses of a cycle's units; they add up to Total.
type Counts struct {
	Total     int `json:"total"`
	Submitted int `json:"submitted"` // on time
	Late      int `json:"late"`
	Missing   int `json:"missing"`
	Pending   int `json:"pending"`
}

func (c *Counts) add(status string) {
	c.Total++
	switch status {
	case OnTime:
		c.Submitted++
	case Late:
		c.Late++
	case Missing:
		c.Missing++
	case Pending:
		c.Pending++
	}
}

// CycleSummary is a cycle with its counts.
type CycleSummary struct {
	Cycle
	Closed bool `json:"closed"`
	Counts
}

// Submission is one unit's report for one cycle.
type Submission struct {
	ID              int64          `json:"id"`
	ObligationID    int64          `json:"obligation_id"`
	ObligationName  string         `json:"obligation_name"`
	UnitID          int64          `json:"unit_id"`
	UnitName        string         `json:"unit_name"`
	DueOn           calendar.Date  `json:"due_on"`
	CycleStart      calendar.Date  `json:"cycle_start"`
	Status          string         `json:"status"`
	Nothing         bool           `json:"nothing"`
	Values          map[string]any `json:"values"`
	SubmittedBy     int64          `json:"submitted_by,omitempty"`
	SubmittedByName string         `json:"submitted_by_name"`
	SubmittedAt     *time.Time     `json:"submitted_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	Files           []FileRef      `json:"files,omitempty"`
	// AttachTo is the attachments object id for this slot.
	AttachTo string `json:"attach_to"`
}

// FileRef is an attached file.
type FileRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Size int64  `json:"size"`
	URL  string `json:"url"`
}

// SubmissionInput is a unit's report for one cycle.
type SubmissionInput struct {
	// UnitID defaults to the acting user's unit.
	UnitID int64         `json:"unit_id"`
	DueOn  calendar.Date `json:"due_on"`
	// Nothing is "nothing to report" (obligations that allow it): values
	// must then be empty.
	Nothing bool           `json:"nothing"`
	Values  map[string]any `json:"values"`
}

// Row is one unit in a cycle's who-has table.
type Row struct {
	Unit            UnitRef        `json:"unit"`
	Status          string         `json:"status"`
	SubmissionID    int64          `json:"submission_id,omitempty"`
	SubmittedAt     *time.Time     `json:"submitted_at"`
	SubmittedByName string         `json:"submitted_by_name"`
	Nothing         bool           `json:"nothing"`
	Values          map[string]any `json:"values"`
}

// CycleTable is who has and who hasn't reported in one cycle (单位 × 状态 ×
// 提交时间 × values), in the unit tree's order.
type CycleTable struct {
	Obligation *Obligation `json:"obligation"`
	Cycle      Cycle       `json:"cycle"`
	Closed     bool        `json:"closed"`
	Counts     Counts      `json:"counts"`
	Rows       []Row       `json:"rows"`
}

// Matrix is units × cycles with a status in each cell ("" where the unit
// did not yet have to report), oldest cycle first.
type Matrix struct {
	Cycles []Cycle    `json:"cycles"`
	Units  []UnitRef  `json:"units"`
	Cells  [][]string `json:"cells"`  // [unit][cycle]
	Counts []Counts   `json:"counts"` // per cycle
}

// MineItem is one obligation of the acting user's unit, for 我的报送.
type MineItem struct {
	Obligation *Obligation  `json:"obligation"`
	Cycle      *Cycle       `json:"cycle"` // the cycle today falls in or the last begun; null before the first
	Closed     bool         `json:"closed"`
	Status     string       `json:"status"`
	Submission *Submission  `json:"submission"` // this cycle's, if any
	Next       *Cycle       `json:"next"`       // the next cycle after Cycle, if any
	Recent     []RecentCell `json:"recent"`     // the last cycles, oldest first
	// AttachTo is the attachments object id for this cycle's files.
	AttachTo string `json:"attach_to"`
}

// RecentCell is one past cycle's status.
type RecentCell struct {
	DueOn  calendar.Date `json:"due_on"`
	Status string        `json:"status"`
}

// Today is the dashboard summary of GET /api/v1/reports/today:
//
//	{
//	  "date": "2026-11-26",                 // the day asked (default today, Asia/Shanghai)
//	  "as_of": "2026-11-26T09:00:00Z",       // the instant statuses were computed at
//	  "obligations": [                       // every active obligation due that day, in scope
//	    {"id": 1, "name": "每日零报告", "source": "zero", "frequency": "daily",
//	     "due_on": "2026-11-26", "start": "2026-11-26", "end": "2026-11-26",
//	     "cutoff_at": "2026-11-26T09:00:00Z", "remind_at": "…", "closed": false,
//	     "total": 12, "submitted": 8, "late": 0, "missing": 0, "pending": 4}
//	  ],
//	  "zero_report": {                       // null when no zero report is due that day
//	    "obligation_id": 1, "due_on": "2026-11-26", "cutoff_at": "…", "closed": true,
//	    "total": 12, "submitted": 9, "late": 1, "missing": 2, "pending": 0,
//	    "red_units": [{"id": 7, "name": "柳溪镇", "kind": "town"}]   // missing after the cut-off
//	  }
//	}
//
// submitted counts on-time submissions only; submitted + late + missing +
// pending = total. Counts cover the units in the caller's scope.
type Today struct {
	Date        calendar.Date `json:"date"`
	AsOf        time.Time     `json:"as_of"`
	Obligations []TodayItem   `json:"obligations"`
	ZeroReport  *ZeroToday    `json:"zero_report"`
}

// TodayItem is one obligation due that day.
type TodayItem struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Source    string `json:"source"`
	Frequency string `json:"frequency"`
	CycleSummary
}

// ZeroToday is the zero report's state that day.
type ZeroToday struct {
	ObligationID int64         `json:"obligation_id"`
	DueOn        calendar.Date `json:"due_on"`
	CutoffAt     time.Time     `json:"cutoff_at"`
	Closed       bool          `json:"closed"`
	Counts
	RedUnits []UnitRef `json:"red_units"`
}

// SubmissionSeed is one historical submission for SeedSubmissions (the
// demo generator's bulk path).
type SubmissionSeed struct {
	ObligationID int64
	UnitID       int64
	DueOn        calendar.Date
	Nothing      bool
	Values       map[string]any
	SubmittedBy  int64
	SubmittedAt  time.Time // zero: a missing placeholder
}

// SlotKey is the attachments object id of one unit's report for one cycle.
func SlotKey(obligationID, unitID int64, due calendar.Date) string {
	return strconv.FormatInt(obligationID, 10) + ":" + strconv.FormatInt(unitID, 10) + ":" + due.String()
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }
