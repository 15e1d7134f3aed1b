package xlsx

import (
	"net/http"

	"diaodu/internal/platform/files"
)

// ContentType is the media type of an xlsx workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Serve answers an export download: the rows under a title row and header,
// named name.xlsx (Chinese names survive through RFC 6266 filename*).
func Serve(w http.ResponseWriter, name, title string, cols []ExportColumn, rows [][]any) error {
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Disposition", files.ContentDisposition(name+".xlsx", false))
	w.Header().Set("Cache-Control", "no-store")
	i := 0
	return Export(w, name, title, cols, func() ([]any, bool, error) {
		if i >= len(rows) {
			return nil, false, nil
		}
		i++
		return rows[i-1], true, nil
	})
}
