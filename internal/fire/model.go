// Package fire is forest fire prevention (森林防灭火), the part about
// warnings and letters: fire-danger warnings (森林火险预警) with what each
// level requires of the villages, letters to every household (致全区人民群众
// 的一封信, 森林防火戒严令, …) delivered by village staff against a signed
// receipt, and the coverage of households reached per village and town.
// Broadcasts, patrols, posts and the fire home page are internal/fire/patrol.
//
// Endpoints (all under /api/v1, JSON):
//
//	GET  /fire/warnings/active              any signed-in user: the warnings valid now that cover the
//	                                        user's town (district users: all) — the banner
//	GET  /fire/warnings?active=&page=       warnings (fire.view)
//	POST /fire/warnings                     WarningInput → Warning (fire.warn; notifies the covered towns)
//	POST /fire/warnings/{id}/end            end a warning early (fire.warn)
//	GET  /fire/settings; PUT /fire/settings the requirement per level and the coverage target (PUT: fire.warn)
//	GET  /fire/letters?active=              letters whose area meets the actor's scope, with coverage totals
//	POST /fire/letters; GET|PATCH /fire/letters/{id}
//	POST /fire/letters/{id}/files           multipart "file": a receipt (signature PNG, photo of the slip),
//	                                        a scanned sheet or the letter's own file → {id, …}
//	POST /fire/letters/{id}/deliveries      DeliveryInput (client_key: a retry answers 200 with the stored row)
//	GET  /fire/letters/{id}/pending?village_id=&q=&page=   households of a village not reached yet
//	GET  /fire/letters/{id}/sheet?village_id=              the printable receipt sheet (xlsx)
//	POST /fire/letters/{id}/batches         BatchInput: many households from one scanned sheet, all or nothing
//	GET  /fire/coverage?letter_id=          Coverage (letter_id empty: the latest active letter) — for the
//	                                        fire home page: by town {town_id, town_name, households, reached,
//	                                        rate}, villages below the target, totals
package fire

import (
	"time"

	"diaodu/internal/platform/calendar"
)

// Level colours: levels 3–5 are the warning colours of the national
// forest fire danger scale; 1–2 are low danger and shown blue.
var levelColours = [6]string{"", "blue", "blue", "yellow", "orange", "red"}

// LevelNames are the scale's Chinese names.
var LevelNames = [6]string{"", "一级（低度危险）", "二级（较低危险）", "三级（较高危险·黄色预警）", "四级（高度危险·橙色预警）", "五级（极度危险·红色预警）"}

// Colour of a level: blue, yellow, orange or red.
func Colour(level int) string {
	if level < 1 || level > 5 {
		return ""
	}
	return levelColours[level]
}

// Requirement is what a warning level asks of every village in the area.
type Requirement struct {
	PatrolsPerDay     int `json:"patrols_per_day"`
	PatrollersPerPost int `json:"patrollers_per_post"`
	BroadcastsPerDay  int `json:"broadcasts_per_day"`
}

// Settings are configurable by fire.warn holders.
type Settings struct {
	// Levels[0] is level 1 … Levels[4] level 5.
	Levels [5]Requirement `json:"levels"`
	// CoverageTarget is the percentage of households a village should
	// reach; villages below it are highlighted.
	CoverageTarget int `json:"coverage_target"`
}

// DefaultSettings until someone changes them.
var DefaultSettings = Settings{
	Levels: [5]Requirement{
		{PatrolsPerDay: 1, PatrollersPerPost: 1, BroadcastsPerDay: 0},
		{PatrolsPerDay: 1, PatrollersPerPost: 2, BroadcastsPerDay: 1},
		{PatrolsPerDay: 2, PatrollersPerPost: 2, BroadcastsPerDay: 2},
		{PatrolsPerDay: 3, PatrollersPerPost: 3, BroadcastsPerDay: 3},
		{PatrolsPerDay: 4, PatrollersPerPost: 4, BroadcastsPerDay: 4},
	},
	CoverageTarget: 80,
}

// Ref names a unit.
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Warning is a fire-danger warning (森林火险预警).
type Warning struct {
	ID           int64       `json:"id"`
	Level        int         `json:"level"`
	Colour       string      `json:"colour"`
	LevelName    string      `json:"level_name"`
	DistrictWide bool        `json:"district_wide"`
	TownIDs      []int64     `json:"town_ids"` // empty: district-wide
	Towns        []Ref       `json:"towns"`
	From         time.Time   `json:"valid_from"`
	To           time.Time   `json:"valid_to"`
	Text         string      `json:"text"`
	IssuedBy     string      `json:"issued_by"`
	EndedAt      *time.Time  `json:"ended_at,omitempty"`
	Active       bool        `json:"active"`
	Requirement  Requirement `json:"requirement"`
	CreatedAt    time.Time   `json:"created_at"`
}

// Covers tells whether the warning applies to a town.
func (w Warning) Covers(townID int64) bool {
	if w.DistrictWide || len(w.TownIDs) == 0 {
		return true
	}
	for _, id := range w.TownIDs {
		if id == townID {
			return true
		}
	}
	return false
}

// WarningInput issues a warning.
type WarningInput struct {
	Level     int        `json:"level"`
	TownIDs   []int64    `json:"town_ids"`   // empty: district-wide
	ValidFrom *time.Time `json:"valid_from"` // empty: now
	ValidTo   *time.Time `json:"valid_to"`
	Text      string     `json:"text"`
}

// Letter is a campaign's document and the area it goes to.
type Letter struct {
	ID           int64         `json:"id"`
	Title        string        `json:"title"`
	Body         string        `json:"body"`
	FileID       int64         `json:"file_id,omitempty"`
	StartsOn     calendar.Date `json:"starts_on"`
	EndsOn       calendar.Date `json:"ends_on"`
	DistrictWide bool          `json:"district_wide"`
	TownIDs      []int64       `json:"town_ids"`
	Towns        []Ref         `json:"towns"`
	Unit         Ref           `json:"unit"`
	Households   int           `json:"households"` // in the actor's scope
	Reached      int           `json:"reached"`
	Rate         float64       `json:"rate"` // percent, one decimal
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	unitPath     string
}

// LetterInput creates or (nil fields unchanged) edits a letter.
type LetterInput struct {
	Title    *string  `json:"title"`
	Body     *string  `json:"body"`
	FileID   *int64   `json:"file_id"`
	StartsOn *string  `json:"starts_on"`
	EndsOn   *string  `json:"ends_on"`
	TownIDs  *[]int64 `json:"town_ids"` // empty: district-wide
}

// Delivery methods.
const (
	MethodSignature = "signature" // drawn on the phone
	MethodPhoto     = "photo"     // a photo of the paper slip
	MethodSheet     = "sheet"     // a line on a scanned receipt sheet (batch)
)

// DeliveryInput records one household's receipt.
type DeliveryInput struct {
	HouseholdID int64   `json:"household_id"`
	Method      string  `json:"method"`
	FileIDs     []int64 `json:"file_ids"` // the signature PNG or the photo, uploaded to /fire/letters/{id}/files
	Signer      string  `json:"signer"`
	DeliveredOn string  `json:"delivered_on"` // empty: today
	ClientKey   string  `json:"client_key"`
}

// Delivery is a stored receipt.
type Delivery struct {
	ID          int64         `json:"id"`
	LetterID    int64         `json:"letter_id"`
	HouseholdID int64         `json:"household_id"`
	HeadName    string        `json:"head_name"`
	VillageID   int64         `json:"village_id"`
	TownID      int64         `json:"town_id"`
	Method      string        `json:"method"`
	FileID      int64         `json:"file_id,omitempty"`
	BatchID     int64         `json:"batch_id,omitempty"`
	Signer      string        `json:"signer"`
	DeliveredOn calendar.Date `json:"delivered_on"`
	ClientKey   string        `json:"client_key,omitempty"`
	RecordedBy  int64         `json:"recorded_by"`
	CreatedAt   time.Time     `json:"created_at"`
}

// BatchInput marks the households ticked on one scanned sheet.
type BatchInput struct {
	VillageID    int64   `json:"village_id"`
	FileID       int64   `json:"file_id"`
	HouseholdIDs []int64 `json:"household_ids"`
	DeliveredOn  string  `json:"delivered_on"`
}

// Batch is a stored batch.
type Batch struct {
	ID         int64 `json:"id"`
	Households int   `json:"households"`
}

// Household is a household not reached yet, as the pending list shows it.
type Household struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	HeadName string `json:"head_name"`
	Address  string `json:"address"`
	People   int    `json:"people"`
}

// Count is households and reached for a village or town.
type Count struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	TownID     int64   `json:"town_id,omitempty"`
	Households int     `json:"households"`
	Reached    int     `json:"reached"`
	Rate       float64 `json:"rate"`  // percent, one decimal
	Below      bool    `json:"below"` // under the coverage target
}

// Coverage of one letter in the actor's scope.
type Coverage struct {
	LetterID int64   `json:"letter_id"`
	Title    string  `json:"title"`
	Target   int     `json:"target"`
	Total    Count   `json:"total"`
	Towns    []Count `json:"towns"`
	Villages []Count `json:"villages"`
	// Uncovered are the villages below the target, lowest rate first.
	Uncovered []Count `json:"uncovered"`
}
