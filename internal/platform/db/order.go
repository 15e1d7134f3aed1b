package db

import (
	"strings"

	"diaodu/internal/platform/errs"
)

// OrderBy turns a list's sort parameter ("field", or "-field" for
// descending; def when empty) into an ORDER BY list. cols maps each field
// a list allows to its columns ("a" or "a, b"), every one of which takes
// the direction; tie, when given, ends the list in the same direction so
// that equal rows keep their order from page to page. A field not in cols
// is a validation error on "sort".
func OrderBy(sort, def string, cols map[string]string, tie string) (string, error) {
	if sort == "" {
		sort = def
	}
	field, desc := strings.TrimPrefix(sort, "-"), strings.HasPrefix(sort, "-")
	col, ok := cols[field]
	if !ok {
		f := errs.Fields{}
		f.Add("sort", "不支持按“"+field+"”排序", "cannot sort by "+field)
		return "", f.Err()
	}
	parts := strings.Split(col, ", ")
	if tie != "" {
		parts = append(parts, tie)
	}
	if desc {
		for i := range parts {
			parts[i] += " DESC"
		}
	}
	return strings.Join(parts, ", "), nil
}
