// Package registry is the shared registry (基础台账): enterprises and places
// keyed by the unified social credit code (企业名录), and the industrial
// chains (产业链) the district organises investment and projects by. Key
// projects, tours, investment attraction and work safety refer to its rows
// and call its Go API (EnsureByCreditCode, ChainByName …).
//
// Endpoints (all under /api/v1, JSON, paged lists as httpx.List):
//
//	GET    /enterprises?q=&town_id=&industry=&kind=&supervising_unit_id=&risk_level=&sort=&page=&page_size=
//	       (sort: name | credit_code | town | industry | updated_at, "-" for descending)
//	GET    /enterprises/export (same filters)   the registry as xlsx
//	POST   /enterprises                          EnterpriseInput → Enterprise
//	GET    /enterprises/{id}                     Enterprise
//	PATCH  /enterprises/{id}                     EnterpriseInput (nil fields unchanged)
//	GET    /enterprises/import-template; POST /enterprises/imports  (imports framework, kind "enterprises")
//	GET    /enterprise-industries                the configurable industry list
//	PUT    /enterprise-industries                [{code,name}] (admin, supervisor)
//	GET    /industrial-chains?all=               active chains (all=true: also inactive, for managers)
//	POST   /industrial-chains                    ChainInput → Chain
//	PATCH  /industrial-chains/{id}               ChainInput: rename, reorder, (de)activate
package registry

import "time"

// Enterprise kinds.
const (
	KindEnterprise = "enterprise" // 企业 (and other registered organisations)
	KindPlace      = "place"      // 场所: shops, sites, scenic spots without a code of their own
)

// Kinds names the kinds.
var Kinds = map[string]string{KindEnterprise: "企业", KindPlace: "场所"}

// Risk levels (安全风险等级, four colours), ” for not assessed.
var RiskLevels = map[string]string{"major": "重大风险", "high": "较大风险", "medium": "一般风险", "low": "低风险"}

// InternalPrefix starts the internal code of places without a credit code.
const InternalPrefix = "NB"

// Industry is one entry of the configurable industry list.
type Industry struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// DefaultIndustries is the industry list until an administrator edits it;
// the codes follow the work-safety supervision trades.
var DefaultIndustries = []Industry{
	{"hazchem", "危险化学品"}, {"mining", "非煤矿山"}, {"fireworks", "烟花爆竹"}, {"industry_trade", "工贸"},
	{"construction", "建筑施工"}, {"transport", "道路运输"}, {"gas", "城镇燃气"}, {"manufacturing", "制造业"},
	{"food", "食品加工"}, {"agriculture", "农林牧渔"}, {"commerce", "商贸流通"}, {"catering", "餐饮住宿"},
	{"tourism", "旅游景区"}, {"health", "医疗康养"}, {"digital", "信息技术"}, {"energy", "能源电力"},
	{"crowded", "人员密集场所"}, {"special_equipment", "特种设备"}, {"other", "其他"},
}

// Enterprise is an enterprise or place of the registry.
type Enterprise struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name"`
	CreditCode        string    `json:"credit_code"`
	HasCreditCode     bool      `json:"has_credit_code"`
	Kind              string    `json:"kind"`
	Industry          string    `json:"industry"`
	IndustryName      string    `json:"industry_name"`
	TownID            int64     `json:"town_id,omitempty"`
	TownName          string    `json:"town_name"`
	TownPath          string    `json:"-"`
	Address           string    `json:"address"`
	LegalPerson       string    `json:"legal_person"`
	ContactName       string    `json:"contact_name"`
	ContactPhone      string    `json:"contact_phone"` // masked unless the actor may view phones
	SupervisingUnitID int64     `json:"supervising_unit_id,omitempty"`
	SupervisingName   string    `json:"supervising_unit_name"`
	SupervisingPath   string    `json:"-"`
	RiskLevel         string    `json:"risk_level"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// EnterpriseInput creates an enterprise or, with nil fields left as they
// are, patches one. An empty credit code on create gives a place (or an
// enterprise not yet registered) an internal code "NB…".
type EnterpriseInput struct {
	Name              *string `json:"name"`
	CreditCode        *string `json:"credit_code"`
	Kind              *string `json:"kind"`
	Industry          *string `json:"industry"`
	TownID            *int64  `json:"town_id"` // 0 clears
	Address           *string `json:"address"`
	LegalPerson       *string `json:"legal_person"`
	ContactName       *string `json:"contact_name"`
	ContactPhone      *string `json:"contact_phone"`
	SupervisingUnitID *int64  `json:"supervising_unit_id"` // 0 clears
	RiskLevel         *string `json:"risk_level"`
}

// EnterpriseFilter selects enterprises for a list.
type EnterpriseFilter struct {
	Q                 string // name or credit code contains
	TownID            int64
	Industry          string
	Kind              string
	SupervisingUnitID int64
	RiskLevel         string
}

// Chain is an industrial chain (产业链).
type Chain struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	SortOrder int       `json:"sort_order"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ChainInput creates a chain or patches one (nil: unchanged).
type ChainInput struct {
	Name      *string `json:"name"`
	SortOrder *int    `json:"sort_order"`
	Active    *bool   `json:"active"`
}
