package auth

// Key projects (重点项目, internal/projects). Scope rules on top of these:
// district roles (admin, supervisor, leader) see every project; unit roles
// see and act on projects whose town or responsible unit lies in their
// subtree. Leaders read everything and answer coordination items they own.
const (
	ViewProjects    Permission = "projects.view"     // ledger, detail, board, summaries
	ManageProjects  Permission = "projects.manage"   // create, edit, milestones, task force, import, settings (unit_admin: in scope)
	ReportProjects  Permission = "projects.report"   // monthly reports with photos, milestone actual dates (in scope)
	ProjectSettings Permission = "projects.settings" // categories, thresholds, report day
)

func init() {
	grants[ViewProjects] = []Role{Admin, Supervisor, Leader, UnitAdmin, Staff, Field}
	grants[ManageProjects] = []Role{Admin, Supervisor, UnitAdmin}
	grants[ReportProjects] = []Role{Admin, Supervisor, UnitAdmin, Staff}
	grants[ProjectSettings] = []Role{Admin, Supervisor}
}
