// Package fire is forest fire prevention (森林防灭火): warnings, letters to
// households with signed receipts, coverage. (Skeleton; the module fills it in.)
package fire

import (
	"diaodu/internal/attachments"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/notify"
	"diaodu/internal/registry"
)

// Service is the module's rules and permissions.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Calendar    *calendar.Calendar
	Notify      *notify.Notifier
	Attachments *attachments.Service
	Registry    *registry.Service
}

// New wires the service.
func New(d *db.DB, l *audit.Log, cal *calendar.Calendar, n *notify.Notifier, att *attachments.Service, reg *registry.Service) *Service {
	return &Service{DB: d, Audit: l, Calendar: cal, Notify: n, Attachments: att, Registry: reg}
}

// Routes registers the module's endpoints.
func (s *Service) Routes(rt *httpx.Router) {}
