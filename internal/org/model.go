// Package org holds the organisation: units in a tree (district,
// departments, towns, villages, task forces), unit groups for ranking, and
// users with their roles.
package org

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Unit kinds.
const (
	KindDistrict   = "district"
	KindDepartment = "department"
	KindTown       = "town"
	KindVillage    = "village"
	KindTaskforce  = "taskforce"
)

// KindInfo names a unit kind.
type KindInfo struct {
	Code string `json:"code"`
	Name string `json:"name"`
	EN   string `json:"name_en"`
}

// Kinds lists the unit kinds in display order.
var Kinds = []KindInfo{
	{KindDistrict, "区", "District"},
	{KindDepartment, "区直部门", "Department"},
	{KindTown, "乡镇/街道", "Town / street"},
	{KindVillage, "村/社区", "Village / community"},
	{KindTaskforce, "专班", "Task force"},
}

func kindByName(s string) (string, bool) {
	for _, k := range Kinds {
		if s == k.Code || s == k.Name || strings.EqualFold(s, k.EN) {
			return k.Code, true
		}
	}
	// Common ways people write them in spreadsheets.
	switch s {
	case "部门", "区直单位":
		return KindDepartment, true
	case "乡镇", "街道", "镇", "乡":
		return KindTown, true
	case "村", "社区", "村委会", "居委会":
		return KindVillage, true
	}
	return "", false
}

// KindName returns the Chinese name of a kind.
func KindName(code string) string {
	for _, k := range Kinds {
		if k.Code == code {
			return k.Name
		}
	}
	return code
}

// Unit is one node of the organisation tree.
type Unit struct {
	ID            int64     `json:"id"`
	ParentID      *int64    `json:"parent_id"`
	ParentName    string    `json:"parent_name"`
	ParentCode    string    `json:"parent_code"`
	Path          string    `json:"-"`
	Depth         int       `json:"depth"`
	Name          string    `json:"name"`
	ShortName     string    `json:"short_name"`
	Code          string    `json:"code"`
	Kind          string    `json:"kind"`
	SortOrder     int       `json:"sort_order"`
	ContactName   string    `json:"contact_name"`
	ContactPhone  string    `json:"contact_phone"`
	Active        bool      `json:"active"`
	ChildrenCount int       `json:"children_count"`
	UserCount     int       `json:"user_count"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// TreeNode is a unit in the tree view.
type TreeNode struct {
	ID        int64       `json:"id"`
	Name      string      `json:"name"`
	ShortName string      `json:"short_name"`
	Code      string      `json:"code"`
	Kind      string      `json:"kind"`
	Active    bool        `json:"active"`
	Children  []*TreeNode `json:"children"`
}

// User is a person who signs in.
type User struct {
	ID                 int64      `json:"id"`
	Username           string     `json:"username"`
	RealName           string     `json:"real_name"`
	Phone              string     `json:"phone"`
	UnitID             int64      `json:"unit_id"`
	UnitName           string     `json:"unit_name"`
	UnitPath           string     `json:"-"`
	Position           string     `json:"position"`
	Roles              []string   `json:"roles"`
	Active             bool       `json:"active"`
	Locked             bool       `json:"locked"`
	LockedUntil        *time.Time `json:"locked_until"`
	MustChangePassword bool       `json:"must_change_password"`
	LastLoginAt        *time.Time `json:"last_login_at"`
	CreatedAt          time.Time  `json:"created_at"`
	PasswordHash       string     `json:"-"`
}

// Group is a unit group (考核组) used for ranking.
type Group struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Code      string     `json:"code"`
	SortOrder int        `json:"sort_order"`
	Units     []UnitRef  `json:"units"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// UnitRef names a unit.
type UnitRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// MaskPhone hides the middle of a phone number: 138****5678.
func MaskPhone(p string) string {
	n := utf8.RuneCountInString(p)
	if n == 0 {
		return ""
	}
	r := []rune(p)
	if n <= 4 {
		return strings.Repeat("*", n)
	}
	keepHead := 3
	if n < 8 {
		keepHead = 1
	}
	return string(r[:keepHead]) + strings.Repeat("*", n-keepHead-4) + string(r[n-4:])
}

// keepIfMasked returns old when the client sent back the masked form of
// old unchanged (forms show masked numbers), else the new value.
func keepIfMasked(newVal, old string) string {
	if strings.Contains(newVal, "*") && newVal == MaskPhone(old) {
		return old
	}
	return newVal
}
