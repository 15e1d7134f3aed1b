package demo

import (
	"context"

	"diaodu/internal/app"
)

// Fire fills the demo district's part of the module. (Skeleton; the module fills it in.)
func Fire(ctx context.Context, served *app.App) error { return nil }
