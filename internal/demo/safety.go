package demo

import (
	"context"

	"diaodu/internal/app"
)

// Safety fills the demo district's part of the module. (Skeleton; the module fills it in.)
func Safety(ctx context.Context, served *app.App) error { return nil }
