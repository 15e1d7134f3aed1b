package demo

import (
	"context"

	"diaodu/internal/app"
)

// Households fills the demo district's part of the module. (Skeleton; the module fills it in.)
func Households(ctx context.Context, served *app.App) error { return nil }
