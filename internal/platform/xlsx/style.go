package xlsx

import (
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

const (
	headerFill = "DDEBF7"
	errorFill  = "FFC7CE"
	minWidth   = 8.0
	maxWidth   = 60.0
)

var thin = []excelize.Border{
	{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
	{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
}

func solid(color string) excelize.Fill {
	return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
}

// styles shared by Template and Export so both look alike.
type styles struct {
	header, required, title, date, datetime int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	dateFmt, datetimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	for _, d := range []struct {
		id *int
		st excelize.Style
	}{
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: solid(headerFill), Border: thin, Alignment: center}},
		{&s.required, excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, Fill: solid(headerFill), Border: thin, Alignment: center}},
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.date, excelize.Style{CustomNumFmt: &dateFmt}},
		{&s.datetime, excelize.Style{CustomNumFmt: &datetimeFmt}},
	} {
		id, err := f.NewStyle(&d.st)
		if err != nil {
			return s, err
		}
		*d.id = id
	}
	return s, nil
}

// displayWidth approximates Excel's column units: CJK characters take two.
func displayWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < utf8.RuneSelf {
			w++
		} else {
			w += 2
		}
	}
	return w
}

func autoWidth(texts ...string) float64 {
	w := minWidth
	for _, t := range texts {
		w = max(w, displayWidth(t)+2)
	}
	return min(w, maxWidth)
}

// safeSheetName makes name acceptable to Excel: no []:*?/\, at most 31
// characters, not blank.
func safeSheetName(name, fallback string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return -1
		}
		return r
	}, Clean(name))
	name = strings.Trim(name, "'")
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if name == "" {
		return fallback
	}
	return name
}
