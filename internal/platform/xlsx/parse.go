package xlsx

// parser turns sheet rows into validated values.
type parser struct {
	cols     []column
	date1904 bool
	example  []string // normalized Column.Example per column; nil if the spec has none
}

func newParser(spec Spec, idx []int, date1904 bool) *parser {
	p := &parser{date1904: date1904}
	hasExample := false
	for i := range spec.Columns {
		p.cols = append(p.cols, prepare(&spec.Columns[i], idx[i]))
		hasExample = hasExample || (idx[i] >= 0 && Clean(spec.Columns[i].Example) != "")
	}
	if hasExample {
		p.example = make([]string, len(p.cols))
		for i := range p.cols {
			p.example[i] = p.value(&p.cols[i], spec.Columns[i].Example)
		}
	}
	return p
}

// missing lists the keys of spec columns the sheet lacks.
func (p *parser) missing() []string {
	var keys []string
	for _, c := range p.cols {
		if c.idx < 0 {
			keys = append(keys, c.Key)
		}
	}
	return keys
}

// value is the normalized form of raw, or its cleaned text if invalid.
func (p *parser) value(c *column, raw string) string {
	v := Clean(raw)
	if v == "" {
		return ""
	}
	v, _ = c.convert(v, p.date1904)
	return v
}

// parse validates a row. ok is false for rows to skip: those with nothing of
// their own in the spec's columns (cells filled from a merge above don't
// count; nor do pre-numbered 序号 cells) and the template's example row.
func (p *parser) parse(row sheetRow) (vals map[string]string, errs []CellError, ok bool) {
	for _, c := range p.cols {
		if c.idx >= 0 && Clean(at(row.own, c.idx)) != "" {
			ok = true
			break
		}
	}
	if !ok {
		return nil, nil, false
	}
	vals = make(map[string]string, len(p.cols))
	example := p.example != nil
	for i := range p.cols {
		c := &p.cols[i]
		if c.idx < 0 {
			continue
		}
		v := Clean(at(row.cells, c.idx))
		var msg string
		switch {
		case v != "":
			v, msg = c.convert(v, p.date1904)
			vals[c.Key] = v
		case c.Required:
			msg = "“" + c.Header + "”不能为空"
		}
		if msg != "" {
			errs = append(errs, CellError{Row: row.num, Column: c.Header, Message: msg})
		}
		example = example && v == p.example[i]
	}
	if example {
		return nil, nil, false
	}
	return vals, errs, true
}
