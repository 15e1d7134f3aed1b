package auth

// Investment attraction (招商引资, internal/invest). Scope rules on top of
// these: a lead belongs to its owner team (招商专班) or unit; unit roles see
// and act on the leads, targets and funds of units in their subtree (the
// unit admin of a task force manages its own leads), district roles see all.
// Leaders read everything. Converting a lead also needs projects.manage.
const (
	ViewInvest     Permission = "invest.view"     // funnel, leads, targets table
	ManageLeads    Permission = "invest.leads"    // create, edit, move, note, convert, import leads (in scope)
	ManageTargets  Permission = "invest.targets"  // set the annual targets and their split, import targets
	ReportFunds    Permission = "invest.funds"    // report funds in place (到位资金) for a unit in scope
	InvestSettings Permission = "invest.settings" // idle limits, time-sequence thresholds, reverse-schedule nodes
)

func init() {
	grants[ViewInvest] = []Role{Admin, Supervisor, Leader, UnitAdmin, Staff}
	grants[ManageLeads] = []Role{Admin, Supervisor, UnitAdmin}
	grants[ManageTargets] = []Role{Admin, Supervisor}
	grants[ReportFunds] = []Role{Admin, Supervisor, UnitAdmin}
	grants[InvestSettings] = []Role{Admin, Supervisor}
}
