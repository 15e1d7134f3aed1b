package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/errs"
)

// Field types of a report form.
const (
	TypeNumber = "number"
	TypeText   = "text"
	TypeBool   = "bool" // yes/no
	TypeChoice = "choice"
	TypeDate   = "date"
	TypeFiles  = "files"
)

var fieldTypes = map[string]string{
	TypeNumber: "数字", TypeText: "文字", TypeBool: "是/否", TypeChoice: "选项", TypeDate: "日期", TypeFiles: "附件",
}

// Field is one question of an obligation's form.
type Field struct {
	Key      string `json:"key"` // letters, digits, _; starts with a letter
	Label    string `json:"label"`
	Type     string `json:"type"`
	Required bool   `json:"required"`
	// RequiredIf makes the field required when another field has a value
	// (事项内容 is required when 有无需报告事项 is yes).
	RequiredIf *Condition `json:"required_if,omitempty"`
	Unit       string     `json:"unit,omitempty"` // 万元, 个, 人
	Min        *float64   `json:"min,omitempty"`  // numbers
	Max        *float64   `json:"max,omitempty"`
	Options    []string   `json:"options,omitempty"` // choices
	Help       string     `json:"help,omitempty"`
}

// Condition is "field equals value".
type Condition struct {
	Field  string `json:"field"`
	Equals any    `json:"equals"`
}

const (
	maxFields  = 50
	maxText    = 5000
	maxOptions = 50
)

var keyPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,39}$`)

// checkForm validates a form definition, naming each bad part as
// form[i].part (i from 0), and trims labels and options.
func checkForm(form []Field, f errs.Fields) {
	if len(form) == 0 {
		f.Add("form", "报送表单至少需要一个字段", "the form needs at least one field")
		return
	}
	if len(form) > maxFields {
		f.Add("form", fmt.Sprintf("报送表单最多%d个字段", maxFields), fmt.Sprintf("at most %d fields", maxFields))
		return
	}
	seen := map[string]int{}
	for i := range form {
		fd := &form[i]
		at := func(part string) string { return fmt.Sprintf("form[%d].%s", i, part) }
		n := fmt.Sprintf("第%d个字段", i+1)
		fd.Key, fd.Label, fd.Unit = strings.TrimSpace(fd.Key), strings.TrimSpace(fd.Label), strings.TrimSpace(fd.Unit)
		if !keyPattern.MatchString(fd.Key) {
			f.Add(at("key"), n+"的标识应以字母开头，只含字母、数字和下划线（不超过40个）", "key must start with a letter: letters, digits, _")
		} else if j, dup := seen[fd.Key]; dup {
			f.Add(at("key"), fmt.Sprintf("%s的标识“%s”与第%d个字段重复", n, fd.Key, j+1), "duplicate key "+fd.Key)
		} else {
			seen[fd.Key] = i
		}
		if fd.Label == "" || utf8.RuneCountInString(fd.Label) > 50 {
			f.Add(at("label"), n+"的名称不能为空且不超过50个字", "label is required, at most 50 characters")
		}
		if _, ok := fieldTypes[fd.Type]; !ok {
			f.Add(at("type"), n+"的类型“"+fd.Type+"”无效，应为数字、文字、是/否、选项、日期或附件",
				"type must be number, text, bool, choice, date or files")
			continue
		}
		if fd.Type == TypeChoice {
			opts := []string{}
			for _, o := range fd.Options {
				if o = strings.TrimSpace(o); o != "" {
					opts = append(opts, o)
				}
			}
			fd.Options = opts
			switch {
			case len(opts) == 0:
				f.Add(at("options"), n+"是选项类型，至少需要一个选项", "a choice needs options")
			case len(opts) > maxOptions:
				f.Add(at("options"), fmt.Sprintf("%s最多%d个选项", n, maxOptions), "too many options")
			case len(slices.Compact(slices.Sorted(slices.Values(opts)))) != len(opts):
				f.Add(at("options"), n+"的选项有重复", "duplicate options")
			}
		} else {
			fd.Options = nil
		}
		if fd.Type != TypeNumber {
			fd.Min, fd.Max = nil, nil
		} else if fd.Min != nil && fd.Max != nil && *fd.Min > *fd.Max {
			f.Add(at("min"), n+"的最小值不能大于最大值", "min must not exceed max")
		}
	}
	for i, fd := range form {
		if fd.RequiredIf == nil {
			continue
		}
		fd.RequiredIf.Equals = normalJSON(fd.RequiredIf.Equals)
		at := fmt.Sprintf("form[%d].required_if", i)
		j, ok := seen[fd.RequiredIf.Field]
		switch {
		case !ok:
			f.Add(at, fmt.Sprintf("第%d个字段的必填条件引用了不存在的字段“%s”", i+1, fd.RequiredIf.Field), "required_if names an unknown field")
		case j == i:
			f.Add(at, fmt.Sprintf("第%d个字段的必填条件不能引用自身", i+1), "required_if cannot name the field itself")
		case !scalar(fd.RequiredIf.Equals):
			f.Add(at, fmt.Sprintf("第%d个字段的必填条件的比较值应为文字、数字或是/否", i+1), "required_if.equals must be a string, number or boolean")
		}
	}
}

// normalJSON returns v as encoding/json would decode it (numbers as
// float64, slices as []any), so values from Go callers compare and check
// like values from HTTP.
func normalJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

func scalar(v any) bool {
	switch v.(type) {
	case string, float64, bool:
		return true
	}
	return false
}

// empty tells whether a value counts as not given.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	}
	return false
}

// equal compares two JSON values (numbers as float64).
func equal(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// checkValues validates a submission's values against the form and
// returns them cleaned (text trimmed, unknown and empty values dropped) with
// the file ids each files field lists. Problems are named values.<key>.
func checkValues(form []Field, values map[string]any, f errs.Fields) (map[string]any, map[string][]int64) {
	out := map[string]any{}
	fileIDs := map[string][]int64{}
	if values != nil {
		values, _ = normalJSON(values).(map[string]any)
	}
	byKey := map[string]Field{}
	for _, fd := range form {
		byKey[fd.Key] = fd
	}
	for k := range values {
		if _, ok := byKey[k]; !ok {
			f.Add("values."+k, "表单中没有字段“"+k+"”", "the form has no field "+k)
		}
	}
	for _, fd := range form {
		at, name := "values."+fd.Key, "“"+fd.Label+"”"
		v := values[fd.Key]
		if empty(v) {
			required := fd.Required
			if c := fd.RequiredIf; c != nil && !required {
				required = equal(values[c.Field], c.Equals)
			}
			if required {
				f.Add(at, name+"不能为空", fd.Label+" is required")
			}
			continue
		}
		switch fd.Type {
		case TypeNumber:
			n, ok := v.(float64)
			switch {
			case !ok || math.IsNaN(n) || math.IsInf(n, 0):
				f.Add(at, name+"应为数字", fd.Label+" must be a number")
			case fd.Min != nil && n < *fd.Min:
				f.Add(at, fmt.Sprintf("%s不能小于%s%s", name, num(*fd.Min), fd.Unit), fmt.Sprintf("%s must be at least %s", fd.Label, num(*fd.Min)))
			case fd.Max != nil && n > *fd.Max:
				f.Add(at, fmt.Sprintf("%s不能大于%s%s", name, num(*fd.Max), fd.Unit), fmt.Sprintf("%s must be at most %s", fd.Label, num(*fd.Max)))
			default:
				out[fd.Key] = n
			}
		case TypeText:
			s, ok := v.(string)
			switch {
			case !ok:
				f.Add(at, name+"应为文字", fd.Label+" must be text")
			case utf8.RuneCountInString(s) > maxText:
				f.Add(at, fmt.Sprintf("%s不能超过%d个字", name, maxText), fd.Label+" is too long")
			default:
				out[fd.Key] = strings.TrimSpace(s)
			}
		case TypeBool:
			b, ok := v.(bool)
			if !ok {
				f.Add(at, name+"应为“是”或“否”", fd.Label+" must be true or false")
			} else {
				out[fd.Key] = b
			}
		case TypeChoice:
			s, ok := v.(string)
			if !ok || !slices.Contains(fd.Options, s) {
				f.Add(at, name+"应为以下选项之一："+strings.Join(fd.Options, "、"), fd.Label+" must be one of the options")
			} else {
				out[fd.Key] = s
			}
		case TypeDate:
			s, ok := v.(string)
			d, err := calendar.ParseDate(s)
			if !ok || err != nil {
				f.Add(at, name+"应为日期（YYYY-MM-DD）", fd.Label+" must be a date YYYY-MM-DD")
			} else {
				out[fd.Key] = d.String()
			}
		case TypeFiles:
			list, ok := v.([]any)
			ids := make([]any, 0, len(list))
			for _, x := range list {
				n, isNum := x.(float64)
				if !isNum || n != math.Trunc(n) || n <= 0 {
					ok = false
					break
				}
				if !slices.Contains(ids, any(int64(n))) {
					ids = append(ids, int64(n))
					fileIDs[fd.Key] = append(fileIDs[fd.Key], int64(n))
				}
			}
			if !ok {
				f.Add(at, name+"应为附件编号列表", fd.Label+" must be a list of file ids")
			} else {
				out[fd.Key] = ids
			}
		}
	}
	return out, fileIDs
}

// num prints a bound without trailing zeros.
func num(v float64) string { return fmt.Sprintf("%g", v) }

// ZeroReportForm is the form of the daily zero report.
func ZeroReportForm() []Field {
	return []Field{
		{Key: "has_matters", Label: "有无需报告事项", Type: TypeBool, Required: true},
		{Key: "content", Label: "事项内容", Type: TypeText, RequiredIf: &Condition{Field: "has_matters", Equals: true}},
		{Key: "files", Label: "附件", Type: TypeFiles},
	}
}
