package auth

// Forest fire prevention (森林防灭火, internal/fire and internal/fire/patrol).
// Scope rules on top of these: district roles see every town and village;
// unit roles (town or village units) see and act on the villages in their
// subtree; a village worker (field) records deliveries, broadcasts and
// patrols for their own village only. Every signed-in user reads the
// active warnings (the banner), whatever these grants say.
const (
	ViewFire    Permission = "fire.view"    // warnings, letters, coverage, broadcasts, patrols, posts, reports in scope
	WarnFire    Permission = "fire.warn"    // issue and end fire-danger warnings, the level requirements
	FireLetters Permission = "fire.letters" // letters, receipt sheets, batch marking from a scan (in scope)
	FireField   Permission = "fire.field"   // village staff: record deliveries, broadcasts, patrols (own village)
	ManageFire  Permission = "fire.manage"  // squads, posts, key villages, fire reports, responsibility checks
)

func init() {
	grants[ViewFire] = []Role{Admin, Supervisor, Leader, UnitAdmin, Staff, Field}
	grants[WarnFire] = []Role{Admin, Supervisor}
	grants[FireLetters] = []Role{Admin, Supervisor, UnitAdmin, Staff}
	grants[FireField] = []Role{Admin, Supervisor, UnitAdmin, Staff, Field}
	grants[ManageFire] = []Role{Admin, Supervisor, UnitAdmin}
}
