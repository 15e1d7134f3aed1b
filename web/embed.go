// Package web embeds the built front end (web/dist), so the binary serves
// the whole UI without Node. Rebuild with `make web` after changing web/src.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist is the built front end.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err)
	}
	return sub
}
