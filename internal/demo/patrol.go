package demo

import (
	"context"

	"diaodu/internal/app"
)

// Patrol fills the demo district's part of the module. (Skeleton; the module fills it in.)
func Patrol(ctx context.Context, served *app.App) error { return nil }
