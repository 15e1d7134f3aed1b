package calendar

import (
	"net/http"
	"strconv"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

// Routes registers the 节假日安排 endpoints: everyone signed in reads,
// administrators replace a year.
func (c *Calendar) Routes(rt *httpx.Router) {
	const tag = "calendar"
	rt.Handle("GET", "/api/v1/calendar", tag, "某年节假日安排", c.handleYear, httpx.Query("year"))
	rt.Handle("GET", "/api/v1/calendar/years", tag, "已维护节假日的年份", c.handleYears)
	rt.Handle("GET", "/api/v1/calendar/workdays", tag, "工作日计算（区间工作日数，或N个工作日后的日期）", c.handleWorkdays,
		httpx.Query("from", "to", "date", "add"))
	rt.Handle("PUT", "/api/v1/calendar/{year}", tag, "替换某年节假日安排（留痕）", c.handleReplace)
}

func (c *Calendar) handleYear(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	year := c.ThisYear()
	if s := r.URL.Query().Get("year"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			f := errs.Fields{}
			f.Add("year", "年份应为四位数字", "year must be a number such as 2026")
			return f.Err()
		}
		year = n
	}
	y, err := c.GetYear(r.Context(), a, year)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, y)
	return nil
}

func (c *Calendar) handleYears(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	items, err := c.Years(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"items": items, "this_year": c.ThisYear()})
	return nil
}

func (c *Calendar) handleReplace(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return errs.NotFoundf("年份", "year")
	}
	var in struct {
		Days []DayInput `json:"days"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Days == nil {
		f := errs.Fields{}
		f.Add("days", "请提供全年的节假日安排（days，可为空列表）", "days is required (it may be an empty list)")
		return f.Err()
	}
	y, err := c.ReplaceYear(r.Context(), a, year, in.Days)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, y)
	return nil
}

func (c *Calendar) handleWorkdays(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	q := r.URL.Query()
	f := errs.Fields{}
	date := func(name string) Date {
		s := strings.TrimSpace(q.Get(name))
		if s == "" {
			f.Add(name, "请填写日期", "date is required")
			return Date{}
		}
		d, err := ParseDate(s)
		if err != nil {
			f.Add(name, "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD")
		}
		return d
	}
	switch {
	case q.Has("from") || q.Has("to"):
		from, to := date("from"), date("to")
		if err := f.Err(); err != nil {
			return err
		}
		s, err := c.SpanOf(r.Context(), a, from, to)
		if err != nil {
			return err
		}
		httpx.JSON(w, http.StatusOK, s)
	case q.Has("date"):
		d := date("date")
		add, err := strconv.Atoi(strings.TrimSpace(q.Get("add")))
		if err != nil {
			f.Add("add", "工作日天数应为整数", "add must be an integer")
		}
		if err := f.Err(); err != nil {
			return err
		}
		s, err := c.ShiftOf(r.Context(), a, d, add)
		if err != nil {
			return err
		}
		httpx.JSON(w, http.StatusOK, s)
	default:
		f.Add("from", "请提供 from 和 to，或 date 和 add", "give from and to, or date and add")
		return f.Err()
	}
	return nil
}

// DateParam reads an optional YYYY-MM-DD query parameter of a list's
// filters: the zero Date when absent, and name added to f when malformed,
// so a handler reports every bad filter at once.
func DateParam(r *http.Request, name string, f errs.Fields) Date {
	v := r.URL.Query().Get(name)
	if v == "" {
		return Date{}
	}
	d, err := ParseDate(v)
	if err != nil {
		f.Add(name, "日期格式应为 YYYY-MM-DD", "must be YYYY-MM-DD")
	}
	return d
}
