package auth

// Work safety (安全生产, internal/safety). Scope rules on top of these:
// district roles see every enterprise and hazard; unit roles see and act on
// those whose town or supervising department (行业主管部门) lies in their
// subtree, and staff of a village (field grid workers among them) on the
// enterprises of the town their village belongs to. Verification is never
// by whoever reported the fix.
const (
	ViewSafety    Permission = "safety.view"    // home, campaigns, ledger, inspections, enterprise history, orders
	InspectSafety Permission = "safety.inspect" // record inspections, file hazards, add an enterprise met on site
	RectifySafety Permission = "safety.rectify" // edit a hazard, its plan, start and report a fix, ask for an extension
	VerifySafety  Permission = "safety.verify"  // 验收 a fixed hazard, lift a suspension order after verification
	ManageSafety  Permission = "safety.manage"  // suspension orders (in scope)
	SafetyOffice  Permission = "safety.office"  // campaigns, settings, 挂牌督办, extension decisions
)

func init() {
	grants[ViewSafety] = []Role{Admin, Supervisor, Leader, UnitAdmin, Staff, Field}
	grants[InspectSafety] = []Role{Admin, Supervisor, UnitAdmin, Staff, Field}
	grants[RectifySafety] = []Role{Admin, Supervisor, UnitAdmin, Staff}
	grants[VerifySafety] = []Role{Admin, Supervisor, UnitAdmin, Staff}
	grants[ManageSafety] = []Role{Admin, Supervisor, UnitAdmin}
	grants[SafetyOffice] = []Role{Admin, Supervisor}
}
