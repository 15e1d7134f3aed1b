package xlsx

import "fmt"

type headerMatch struct {
	row   int   // index into the scanned rows
	cols  []int // 0-based sheet column per spec column, -1 if absent
	score int   // spec columns found
}

// findHeader picks, among the first rows, the one whose labels best match
// the spec. A column's label is its own text, or for a two-row header the
// (merged) label above joined with it, e.g. 联系人+姓名.
func findHeader(spec Spec, rows []sheetRow) (headerMatch, error) {
	want := make([]map[string]bool, len(spec.Columns))
	for i, c := range spec.Columns {
		want[i] = map[string]bool{headerKey(c.Header): true}
		for _, a := range c.Aliases {
			want[i][headerKey(a)] = true
		}
	}
	best := headerMatch{row: -1}
	for i := range rows {
		m := matchRow(want, rows, i)
		// On a tie the lower row wins if adjacent: both rows of a header
		// whose cells are merged vertically match equally well.
		if m.score > best.score || (m.score > 0 && m.score == best.score && i == best.row+1) {
			best = m
		}
	}
	var required []string
	for i, c := range spec.Columns {
		if c.Required && (best.row < 0 || best.cols[i] < 0) {
			required = append(required, c.Header)
		}
	}
	if best.row < 0 {
		var all []string
		for _, c := range spec.Columns {
			all = append(all, c.Header)
		}
		msg := fmt.Sprintf("未找到表头：前 %d 行中没有与“%s”模板一致的列名（应包含 %s）", headerScanRows, spec.Name, quoteList(all))
		if len(required) > 0 {
			msg += "，其中必填列为 " + quoteList(required)
		}
		return best, &FileError{Message: msg + "。请使用导入模板。", MessageEN: "no header row found"}
	}
	if len(required) > 0 {
		return best, fileErr("missing required columns", "缺少必填列：%s（表头在第 %d 行），请对照导入模板检查表头", quoteList(required), rows[best.row].num)
	}
	return best, nil
}

func matchRow(want []map[string]bool, rows []sheetRow, i int) headerMatch {
	lower := rows[i].cells
	var top []string
	if i > 0 {
		top = rows[i-1].cells
	}
	// strong: top+lower; weak: lower alone, or top when lower is blank.
	n := max(len(lower), len(top))
	strong, weak := make([]string, n), make([]string, n)
	hasLower := make([]bool, n)
	for c := 0; c < n; c++ {
		l, t := headerKey(at(lower, c)), headerKey(at(top, c))
		hasLower[c] = l != ""
		switch {
		case l == "":
			weak[c] = t
		case t != "" && t != l:
			strong[c], weak[c] = t+l, l
		default:
			weak[c] = l
		}
	}
	m := headerMatch{row: i, cols: make([]int, len(want))}
	for j := range m.cols {
		m.cols[j] = -1
	}
	used := make([]bool, n)
	ownLabel := false
	for _, labels := range [][]string{strong, weak} {
		for j, w := range want {
			for c := 0; c < n && m.cols[j] < 0; c++ {
				if !used[c] && labels[c] != "" && w[labels[c]] {
					m.cols[j], used[c] = c, true
					m.score++
					ownLabel = ownLabel || hasLower[c]
				}
			}
		}
	}
	if !ownLabel {
		// Matches only through the row above: this is the row below a header.
		return headerMatch{row: -1}
	}
	return m
}

func at(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}
