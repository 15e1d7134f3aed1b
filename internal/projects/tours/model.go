// Package tours runs observation tours (项目观摩): a day's route through key
// projects, judges scoring each project on their phones against a scoring
// sheet, and the ranked results (dropping the highest and lowest total once
// enough judges scored) for the dispatch meeting and, later, the evaluation
// module.
package tours

import (
	"time"

	"diaodu/internal/platform/calendar"
)

// Status is where a tour stands.
type Status string

const (
	StatusDraft  Status = "draft"  // being prepared: route, judges and sheet editable
	StatusOpen   Status = "open"   // judges score
	StatusClosed Status = "closed" // scores frozen, results published
)

// StatusNames are the statuses in Chinese.
var StatusNames = map[Status]string{StatusDraft: "草稿", StatusOpen: "评分中", StatusClosed: "已结束"}

// Sheet statuses: a judge's score sheet for one project.
const (
	SheetNone      = ""          // not started
	SheetDraft     = "draft"     // saved, not counted
	SheetSubmitted = "submitted" // counted in the results
)

// Criterion is one line of the scoring sheet.
type Criterion struct {
	Seq  int    `json:"seq"`
	Name string `json:"name"`
	Max  int    `json:"max"`
}

// DefaultCriteria is the usual sheet: 项目体量 30, 建设进度 30, 形象面貌 20, 带动效益 20.
var DefaultCriteria = []Criterion{{1, "项目体量", 30}, {2, "建设进度", 30}, {3, "形象面貌", 20}, {4, "带动效益", 20}}

// DefaultDropMin is how many judges it takes to drop the extremes.
const DefaultDropMin = 5

// FindingTags are the usual kinds of findings from the tour's speech.
var FindingTags = []string{"体量偏小", "形象进度差", "建设缓慢", "要素保障不足", "带动效益不明显", "亮点突出"}

// Ref names an object.
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Tour is a tour as listed.
type Tour struct {
	ID          int64         `json:"id"`
	Name        string        `json:"name"`
	Date        calendar.Date `json:"date"`
	Route       string        `json:"route"`
	Status      Status        `json:"status"`
	StatusName  string        `json:"status_name"`
	DropMin     int           `json:"drop_min_judges"`
	Note        string        `json:"note"`
	Projects    int           `json:"projects"`
	Judges      int           `json:"judge_count"`
	OpenedAt    *time.Time    `json:"opened_at"`
	ClosedAt    *time.Time    `json:"closed_at"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	OnTour      bool          `json:"on_tour"` // the asking user is one of its judges
	CanManage   bool          `json:"can_manage"`
	Submitted   int           `json:"submitted"` // score sheets submitted (managers; judges: their own)
	SheetsTotal int           `json:"sheets_total"`
}

// Project is what a tour shows of a key project.
type Project struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	Code            string `json:"code"`
	Town            Ref    `json:"town"`
	Unit            Ref    `json:"unit"`
	TotalInvestment int64  `json:"total_investment"` // yuan
	Phase           string `json:"phase"`
}

// Stop is a project on the route.
type Stop struct {
	Seq         int      `json:"seq"`
	Project     Project  `json:"project"`
	FindingTags []string `json:"finding_tags"`
	Findings    string   `json:"findings"`
	Submitted   int      `json:"submitted"` // judges who submitted (managers)
	// The asking judge's own sheet.
	MySheet string   `json:"my_sheet"` // "" | draft | submitted
	MyTotal *float64 `json:"my_total"`
}

// Judge is a judge on the tour.
type Judge struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Username  string `json:"username"`
	Unit      string `json:"unit"`
	Submitted int    `json:"submitted"` // sheets submitted (managers)
}

// Event is a line of the tour's history.
type Event struct {
	Kind      string    `json:"kind"`
	Note      string    `json:"note"`
	ActorName string    `json:"actor_name"`
	At        time.Time `json:"at"`
}

// Detail is a tour with everything on it.
type Detail struct {
	Tour
	Criteria []Criterion `json:"criteria"`
	Stops    []Stop      `json:"stops"`
	Judges   []Judge     `json:"judges"` // managers only
	Events   []Event     `json:"events"` // managers only
	Tags     []string    `json:"finding_tag_options"`
}

// Input creates or edits a tour; nil fields keep their value. Criteria,
// projects, judges and the threshold change only in draft.
type Input struct {
	Name       *string        `json:"name"`
	Date       *calendar.Date `json:"date"`
	Route      *string        `json:"route"`
	Note       *string        `json:"note"`
	DropMin    *int           `json:"drop_min_judges"`
	Criteria   *[]Criterion   `json:"criteria"`
	ProjectIDs *[]int64       `json:"project_ids"` // in route order
	JudgeIDs   *[]int64       `json:"judge_ids"`
}

// FindingsInput records the tour's findings on one project.
type FindingsInput struct {
	Tags     []string `json:"tags"`
	Findings string   `json:"findings"`
}

// Sheet is a judge's score sheet for one project.
type Sheet struct {
	TourID      int64       `json:"tour_id"`
	TourName    string      `json:"tour_name"`
	TourStatus  Status      `json:"tour_status"`
	Project     Project     `json:"project"`
	Seq         int         `json:"seq"`   // stop number on the route
	Stops       int         `json:"stops"` // how many stops
	PrevID      int64       `json:"prev_project_id"`
	NextID      int64       `json:"next_project_id"`
	Criteria    []Criterion `json:"criteria"`
	Points      []*float64  `json:"points"` // per criterion in sheet order; null: not filled
	Total       float64     `json:"total"`
	Status      string      `json:"status"` // "" | draft | submitted
	Comment     string      `json:"comment"`
	SubmittedAt *time.Time  `json:"submitted_at"`
	UpdatedAt   *time.Time  `json:"updated_at"`
}

// SheetInput saves a sheet: a draft, or submitted (every criterion filled).
type SheetInput struct {
	Points  []*float64 `json:"points"`
	Comment string     `json:"comment"`
	Submit  bool       `json:"submit"`
}

// MyTour is a judge's page: the route with their own marks.
type MyTour struct {
	Tour
	Criteria []Criterion `json:"criteria"`
	Stops    []Stop      `json:"stops"`
}
