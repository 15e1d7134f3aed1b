package auth

// Shared registry (基础台账, internal/registry): enterprises and places,
// industrial chains. Scope rules on top of these: unit roles see and edit
// the enterprises whose town or supervising unit (行业主管部门) lies in
// their subtree; district roles see all. Every signed-in user reads the
// industrial chains (they are a list other modules pick from).
const (
	ViewEnterprises   Permission = "enterprises.view"   // the enterprise registry in scope
	ManageEnterprises Permission = "enterprises.manage" // create, edit, import (unit admins in scope)
	ManageChains      Permission = "chains.manage"      // industrial chains: create, rename, reorder, deactivate
)

// Households (户) by village. Scope is the village's units.path: unit
// roles see their subtree (a town its villages), field staff — whose unit
// is their village — that village only.
const (
	ViewHouseholds   Permission = "households.view"   // the household roster in scope
	ManageHouseholds Permission = "households.manage" // create, edit, deactivate, import, reveal a phone (audited)
)

func init() {
	grants[ViewEnterprises] = []Role{Admin, Supervisor, Leader, UnitAdmin, Staff, Field}
	grants[ManageEnterprises] = []Role{Admin, Supervisor, UnitAdmin}
	grants[ManageChains] = []Role{Admin, Supervisor}
	grants[ViewHouseholds] = []Role{Admin, Supervisor, Leader, UnitAdmin, Staff, Field}
	grants[ManageHouseholds] = []Role{Admin, Supervisor, UnitAdmin, Field}
}
