// Package patrol is the field side of forest fire prevention: village
// broadcasts, patrol squads and patrols, posts in key villages, fire reports,
// responsibility checks, the fire home. (Skeleton; the module fills it in.)
package patrol

import (
	"diaodu/internal/attachments"
	"diaodu/internal/fire"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/notify"
)

// Service is the module's rules and permissions.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Calendar    *calendar.Calendar
	Notify      *notify.Notifier
	Attachments *attachments.Service
	Fire        *fire.Service
}

// New wires the service.
func New(d *db.DB, l *audit.Log, cal *calendar.Calendar, n *notify.Notifier, att *attachments.Service, f *fire.Service) *Service {
	return &Service{DB: d, Audit: l, Calendar: cal, Notify: n, Attachments: att, Fire: f}
}

// Routes registers the module's endpoints.
func (s *Service) Routes(rt *httpx.Router) {}
