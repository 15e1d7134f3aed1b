// Package auth knows who is acting and what they may do: roles, the
// org-tree scope and the permission table. Every service call takes an
// *Actor, so a handler cannot forget to say who is asking.
package auth

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"diaodu/internal/platform/errs"
)

// Role is a user's role code.
type Role string

const (
	Admin      Role = "admin"
	Supervisor Role = "supervisor"
	Leader     Role = "leader"
	UnitAdmin  Role = "unit_admin"
	Staff      Role = "staff"
	Field      Role = "field"
	Judge      Role = "judge"
)

// RoleInfo names a role for people.
type RoleInfo struct {
	Code Role   `json:"code"`
	Name string `json:"name"`
	EN   string `json:"name_en"`
}

// Roles lists every role in display order.
var Roles = []RoleInfo{
	{Admin, "系统管理员", "Administrator"},
	{Supervisor, "督查室", "Supervision office"},
	{Leader, "区领导", "District leader"},
	{UnitAdmin, "单位管理员", "Unit administrator"},
	{Staff, "经办人", "Staff"},
	{Field, "基层人员", "Field staff"},
	{Judge, "观摩评委", "Judge"},
}

// ValidRole tells whether s is a known role code.
func ValidRole(s string) bool {
	return slices.ContainsFunc(Roles, func(r RoleInfo) bool { return string(r.Code) == s })
}

// RoleName returns the Chinese name of a role.
func RoleName(r Role) string {
	for _, ri := range Roles {
		if ri.Code == r {
			return ri.Name
		}
	}
	return string(r)
}

// Actor is whoever makes a request: a signed-in user, an API token or the
// system itself (CLI, jobs).
type Actor struct {
	UserID   int64
	Username string
	RealName string
	UnitID   int64
	UnitPath string // "/1/5/" — the root of what this actor may see
	Roles    []Role
	TokenID  int64 // set when authenticated by an API token
	IP       string
	// MustChangePassword blocks everything but the password change.
	MustChangePassword bool
}

// System is the actor for the command line and scheduled jobs.
func System(name string) *Actor {
	return &Actor{Username: name, Roles: []Role{Admin}, UnitPath: "/"}
}

// Has tells whether the actor holds role r.
func (a *Actor) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// HasAny tells whether the actor holds any of rs.
func (a *Actor) HasAny(rs ...Role) bool {
	return slices.ContainsFunc(rs, a.Has)
}

// DistrictWide tells whether the actor sees the whole district.
func (a *Actor) DistrictWide() bool { return a.HasAny(Admin, Supervisor, Leader) }

// InScope tells whether a unit (by its path) lies in the actor's subtree.
func (a *Actor) InScope(unitPath string) bool {
	return a.DistrictWide() || strings.HasPrefix(unitPath, a.UnitPath)
}

// ScopeFilter returns a SQL condition limiting pathCol (a units.path
// column) to the actor's subtree, with its arguments numbered from argN; it
// is "TRUE" for district-wide actors. It compares a range rather than using
// LIKE so both databases use the index on units.path.
func (a *Actor) ScopeFilter(pathCol string, argN int) (string, []any) {
	if a.DistrictWide() {
		return "TRUE", nil
	}
	return SubtreeFilter(pathCol, a.UnitPath, argN)
}

// SubtreeFilter limits pathCol to the subtree whose root has path root.
func SubtreeFilter(pathCol, root string, argN int) (string, []any) {
	// Paths end in "/"; every descendant's path starts with root and sorts
	// below root with its final "/" replaced by "0", the next byte.
	upper := root[:len(root)-1] + "0"
	return pathCol + " >= $" + strconv.Itoa(argN) + " AND " + pathCol + " < $" + strconv.Itoa(argN+1),
		[]any{root, upper}
}

type ctxKey struct{}

// With stores the actor in ctx (done once by the HTTP middleware).
func With(ctx context.Context, a *Actor) context.Context { return context.WithValue(ctx, ctxKey{}, a) }

// From returns the actor stored in ctx, or nil.
func From(ctx context.Context) *Actor {
	a, _ := ctx.Value(ctxKey{}).(*Actor)
	return a
}

// Permission is something a role may do.
type Permission string

const (
	ViewOrg      Permission = "org.view"     // units, groups, users in scope
	ManageOrg    Permission = "org.manage"   // units and groups
	ManageUsers  Permission = "users.manage" // users in scope
	ViewPhone    Permission = "users.phone"  // unmasked phone numbers
	ManageTokens Permission = "tokens.manage"
	ViewAudit    Permission = "audit.view"
	VerifyAudit  Permission = "audit.verify"
	UploadFiles  Permission = "files.upload"
)

// Periodic reporting (报送, internal/reports).
const (
	ViewReports   Permission = "reports.view"   // obligations that include a unit in scope, and their submissions
	ManageReports Permission = "reports.manage" // create and edit obligations (district-wide)
	SubmitReports Permission = "reports.submit" // report for one's own unit (field users: village units only)
)

// Notifications (internal/platform/notify): webhook channels, the delivery
// log and the SMS setting carry robot URLs and secrets, so only
// administrators see them. Every signed-in user reads their own inbox
// without a permission.
const ManageNotify Permission = "notify.manage"

func init() { grants[ManageNotify] = []Role{Admin} }

// Scheduler and working-day calendar (internal/platform/jobs, calendar):
// the supervision office watches the jobs, only administrators run them by
// hand or edit the holiday calendar; everyone signed in reads the calendar.
const (
	ViewJobs       Permission = "jobs.view"
	RunJobs        Permission = "jobs.run"
	ManageCalendar Permission = "calendar.manage"
)

func init() {
	grants[ViewJobs] = []Role{Admin, Supervisor}
	grants[RunJobs] = []Role{Admin}
	grants[ManageCalendar] = []Role{Admin}
}

// Supervision (internal/tasks). Scope rules on top of these: unit roles act
// on tasks whose lead unit lies in their subtree (co-units only read), and a
// coordination item is answered by its owner whatever the role.
const (
	ViewTasks          Permission = "tasks.view"       // tasks, sources, home, my work
	ManageTasks        Permission = "tasks.manage"     // sources, create, issue, edit, close, return, extensions, notices, interviews, settings
	HandleTasks        Permission = "tasks.handle"     // lead unit: sign, request completion, extension, split, milestones
	ReportTasks        Permission = "tasks.report"     // lead unit (and its villages): progress reports
	RemindTasks        Permission = "tasks.remind"     // reminders by hand
	AnswerCoordination Permission = "tasks.coordinate" // answer any coordination item (owners answer their own)
)

func init() {
	grants[ViewTasks] = []Role{Admin, Supervisor, Leader, UnitAdmin, Staff, Field}
	grants[ManageTasks] = []Role{Admin, Supervisor}
	grants[HandleTasks] = []Role{UnitAdmin}
	grants[ReportTasks] = []Role{UnitAdmin, Staff, Field}
	grants[RemindTasks] = []Role{Admin, Supervisor, Leader}
	grants[AnswerCoordination] = []Role{Admin, Supervisor}
}

// grants is the permission table: who may do what. Scope (which units)
// is checked separately by InScope.
var grants = map[Permission][]Role{
	ViewOrg:      {Admin, Supervisor, Leader, UnitAdmin, Staff, Field, Judge},
	ManageOrg:    {Admin, UnitAdmin},
	ManageUsers:  {Admin, UnitAdmin},
	ViewPhone:    {Admin, Supervisor, Leader, UnitAdmin},
	ManageTokens: {Admin},
	ViewAudit:    {Admin, Supervisor, UnitAdmin},
	VerifyAudit:  {Admin},
	UploadFiles:  {Admin, Supervisor, Leader, UnitAdmin, Staff, Field, Judge},

	// Periodic reporting (报送, internal/reports).
	ViewReports:   {Admin, Supervisor, Leader, UnitAdmin, Staff, Field},
	ManageReports: {Admin, Supervisor},
	SubmitReports: {UnitAdmin, Staff, Field},
}

// Can tells whether the actor's roles grant p.
func (a *Actor) Can(p Permission) bool { return a.HasAny(grants[p]...) }

// Require returns a forbidden error unless the actor may do p.
func Require(a *Actor, p Permission) error {
	if a == nil {
		return errs.New(errs.Unauthenticated, "请先登录", "please sign in")
	}
	if !a.Can(p) {
		return errs.ErrForbidden
	}
	return nil
}

// RequireIn checks p and that the object's unit lies in scope; an object out
// of scope is reported as not found, so its id does not leak.
func RequireIn(a *Actor, p Permission, unitPath string) error {
	if err := Require(a, p); err != nil {
		return err
	}
	if !a.InScope(unitPath) {
		return errs.ErrNotFound
	}
	return nil
}
