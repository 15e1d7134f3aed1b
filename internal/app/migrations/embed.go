// Package migrations holds the schema, one numbered SQL file per change.
// A new module adds its own file with the next number.
package migrations

import "embed"

//go:embed *.sql
var FS embed.FS
