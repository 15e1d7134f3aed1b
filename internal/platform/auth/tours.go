package auth

// Observation tours (项目观摩, internal/projects/tours). Rules on top of the
// table: a judge scores, and reads, only the tours they are on (and only
// once the tour is open), and reads the results of those tours once they
// are closed; results are published district-wide once the tour is
// closed, so district and unit roles read them then, while the supervision
// office follows them live. Field staff (village level) are not readers.
const (
	ManageTours     Permission = "tours.manage"  // create, edit, open, close, reopen, findings; live results
	ScoreTours      Permission = "tours.score"   // judges on the tour: their own score sheets
	ViewTourResults Permission = "tours.results" // published (closed) tours and their ranked results
)

func init() {
	grants[ManageTours] = []Role{Admin, Supervisor}
	grants[ScoreTours] = []Role{Judge}
	grants[ViewTourResults] = []Role{Admin, Supervisor, Leader, UnitAdmin, Staff}
}
