// Package web embeds the built front end (web/dist), so the binary serves
// the whole UI without Node. Rebuild with `make web` after changing web/src.
package web

import (
	"embed"
	"io/fs"
	"os"
)

//go:embed all:dist
var dist embed.FS

// Dist is the built front end. DIAODU_WEB_DIR, when set, serves a build
// from disk instead (developers trying a page before web/dist is rebuilt).
func Dist() fs.FS {
	if dir := os.Getenv("DIAODU_WEB_DIR"); dir != "" {
		return os.DirFS(dir)
	}
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err)
	}
	return sub
}
