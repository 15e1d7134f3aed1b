package calendar_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

var users = []string{"admin", "supervisor", "leader", "qs_admin", "qs_staff", "zj_field", "judge", "lx_admin", "fgj_staff"}

type dayIn = calendar.DayInput

// year2026 is the shipped 2026 schedule as the page would send it back.
func year2026(t *testing.T, c *testutil.Client) []dayIn {
	t.Helper()
	r := c.Do("GET", "/api/v1/calendar?year=2026", nil)
	if r.Status != 200 {
		t.Fatalf("GET calendar: %d %s", r.Status, r.Body)
	}
	var y struct {
		Loaded bool
		Days   []dayIn
	}
	if err := json.Unmarshal(r.Body, &y); err != nil {
		t.Fatal(err)
	}
	if !y.Loaded || len(y.Days) < 30 {
		t.Fatalf("2026 not shipped: %s", r.Body)
	}
	return y.Days
}

func d(s string) calendar.Date { return calendar.MustDate(s) }

// Replacing a year changes the arithmetic at once on this replica, and on
// another replica once it refreshes; the change is audited with before and after.
func TestReplaceYearChangesArithmetic(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, dbh *db.DB) {
		ctx := context.Background()
		f := testutil.NewFixture(t, dbh)
		c := f.NewServer(t).Login(t, "admin")
		other, err := calendar.New(ctx, f.App.DB) // another server on the same database
		if err != nil {
			t.Fatal(err)
		}
		days := year2026(t, c)
		// 12-31 (a Thursday) becomes a day off, 12-26 (a Saturday) is worked, 元旦 is dropped.
		var next []dayIn
		for _, x := range days {
			if !strings.HasPrefix(x.Date, "2026-01-0") {
				next = append(next, x)
			}
		}
		next = append(next, dayIn{Date: "2026-12-31", Kind: "holiday", Name: "跨年假"}, dayIn{Date: "2026-12-26", Kind: "workday", Name: "跨年调休"})
		for _, cal := range []*calendar.Calendar{f.App.Calendar, other} {
			if !cal.IsWorkday(d("2026-12-31")) || cal.IsWorkday(d("2026-12-26")) || cal.IsWorkday(d("2026-01-02")) {
				t.Fatal("unexpected calendar before the change")
			}
		}
		r := c.Do("PUT", "/api/v1/calendar/2026", map[string]any{"days": next})
		if r.Status != 200 {
			t.Fatalf("PUT: %d %s", r.Status, r.Body)
		}
		// Shipped: 33 holidays and 6 worked weekend days; 元旦 took 3 and 1.
		if got := r.JSON(); got["holidays"] != 31.0 || got["workdays"] != 6.0 || got["version"] != 2.0 || len(got["days"].([]any)) != len(next) {
			t.Errorf("answer: %v holidays, %v workdays, version %v", got["holidays"], got["workdays"], got["version"])
		}
		cal := f.App.Calendar
		if cal.IsWorkday(d("2026-12-31")) || !cal.IsWorkday(d("2026-12-26")) || !cal.IsWorkday(d("2026-01-02")) || cal.IsWorkday(d("2026-01-04")) {
			t.Error("this replica did not take the change")
		}
		if got := cal.AddWorkdays(d("2026-12-24"), 2); got.String() != "2026-12-26" {
			t.Errorf("AddWorkdays(12-24, 2) = %s, want the worked Saturday", got)
		}
		r = c.Do("GET", "/api/v1/calendar/workdays?date=2026-12-30&add=1", nil)
		if got := r.JSON(); r.Status != 200 || got["result"] != "2027-01-01" || got["is_workday"] != true {
			t.Errorf("workdays after the change: %s", r.Body)
		}
		if err := other.Refresh(ctx); err != nil || !other.IsWorkday(d("2026-12-31")) {
			t.Errorf("the other replica reloaded before its refresh interval (%v)", err)
		}
		other.ExpireCheck()
		if err := other.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if other.IsWorkday(d("2026-12-31")) || !other.IsWorkday(d("2026-12-26")) {
			t.Error("the other replica did not take the change on refresh")
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.replace' AND object_id = '2026'
			AND before_json LIKE '%元旦%' AND after_json LIKE '%跨年假%' AND after_json NOT LIKE '%元旦%'`); n != 1 {
			t.Errorf("audit entries with before and after: %d", n)
		}
		// The same days again change nothing: no version, no entry.
		if r := c.Do("PUT", "/api/v1/calendar/2026", map[string]any{"days": next}); r.Status != 200 || r.JSON()["version"].(float64) != 2 {
			t.Errorf("unchanged PUT: %d %s", r.Status, r.Body)
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.replace'`); n != 1 {
			t.Errorf("an unchanged PUT was audited")
		}
		// An empty list removes the year's schedule.
		if r := c.Do("PUT", "/api/v1/calendar/2025", map[string]any{"days": []dayIn{}}); r.Status != 200 || r.JSON()["loaded"] != false {
			t.Errorf("emptying 2025: %d %s", r.Status, r.Body)
		}
		if cal.HasYear(2025) || !cal.IsWorkday(d("2025-10-08")) {
			t.Error("2025 still loaded")
		}
		r = c.Do("GET", "/api/v1/calendar/years", nil)
		var ys struct {
			Items    []calendar.YearSummary
			ThisYear int `json:"this_year"`
		}
		_ = json.Unmarshal(r.Body, &ys)
		if len(ys.Items) != 1 || ys.Items[0].Year != 2026 || ys.Items[0].Workdays != 6 || ys.ThisYear != 2026 {
			t.Errorf("years: %s", r.Body)
		}
	})
}

// Bad input is refused with the row and field named, and changes nothing.
func TestReplaceYearRejectsBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, dbh *db.DB) {
		f := testutil.NewFixture(t, dbh)
		c := f.NewServer(t).Login(t, "admin")
		good := year2026(t, c)
		with := func(extra ...dayIn) map[string]any {
			return map[string]any{"days": append(append([]dayIn(nil), good...), extra...)}
		}
		row := len(good) // index of the first extra row
		at := func(part string) string { return "days[" + itoa(row) + "]." + part }
		for _, tc := range []struct {
			name, path string
			body       any
			status     int
			field, msg string
		}{
			{"date outside the year", "/api/v1/calendar/2026", with(dayIn{"2027-01-01", "holiday", "元旦"}), 422, at("date"), "不在2026年内"},
			{"bad date", "/api/v1/calendar/2026", with(dayIn{"2026-02-30", "holiday", "x"}), 422, at("date"), "格式应为"},
			{"missing date", "/api/v1/calendar/2026", with(dayIn{"", "holiday", "x"}), 422, at("date"), "请填写日期"},
			{"duplicate date", "/api/v1/calendar/2026", with(dayIn{"2026-10-01", "holiday", "国庆节"}), 422, at("date"), "重复"},
			{"unknown kind", "/api/v1/calendar/2026", with(dayIn{"2026-12-31", "rest", "x"}), 422, at("kind"), "类型"},
			{"workday on a weekday", "/api/v1/calendar/2026", with(dayIn{"2026-12-31", "workday", "x"}), 422, at("kind"), "星期四"},
			{"long name", "/api/v1/calendar/2026", with(dayIn{"2026-12-31", "holiday", strings.Repeat("假", 21)}), 422, at("name"), "20个字"},
			{"year out of range", "/api/v1/calendar/1999", map[string]any{"days": []dayIn{}}, 422, "year", "年份"},
			{"no days", "/api/v1/calendar/2026", map[string]any{}, 422, "days", ""},
			{"unknown field", "/api/v1/calendar/2026", `{"days": [], "extra": 1}`, 400, "", ""},
			{"not a year", "/api/v1/calendar/abc", map[string]any{"days": []dayIn{}}, 404, "", ""},
		} {
			r := c.Do("PUT", tc.path, tc.body)
			if r.Status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
				continue
			}
			if tc.field != "" && !strings.Contains(r.Field(tc.field), tc.msg) {
				t.Errorf("%s: field %s = %q, want it to say %q (%s)", tc.name, tc.field, r.Field(tc.field), tc.msg, r.Body)
			}
		}
		// A holiday on a weekend is allowed (official notices list them).
		if r := c.Do("PUT", "/api/v1/calendar/2026", with(dayIn{"2026-12-27", "holiday", "周日假"})); r.Status != 200 {
			t.Errorf("weekend holiday refused: %s", r.Body)
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.replace'`); n != 1 {
			t.Errorf("%d calendar edits audited, want only the good one", n)
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM calendar_days WHERE day LIKE '2026-%'`); n != len(good)+1 {
			t.Errorf("2026 has %d days, want %d", n, len(good)+1)
		}
		if n := f.Count(t, `SELECT version FROM calendar_meta`); n != 2 {
			t.Errorf("version %d after one good edit", n)
		}
	})
}

func TestWorkdaysEndpoint(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, dbh *db.DB) {
		c := testutil.NewFixture(t, dbh).NewServer(t).Login(t, "zj_field")
		for _, tc := range []struct {
			query  string
			status int
			want   map[string]any
		}{
			// 9-30 is a Wednesday, 10-1..7 are off, 10-10 (Saturday) is worked.
			{"from=2026-09-30&to=2026-10-10", 200, map[string]any{"count": 4.0, "between": 3.0}},
			{"date=2026-09-30&add=1", 200, map[string]any{"result": "2026-10-08", "is_workday": true}},
			{"date=2026-10-08&add=-1", 200, map[string]any{"result": "2026-09-30"}},
			{"date=2026-10-03&add=0", 200, map[string]any{"result": "2026-10-08", "is_workday": false}},
			{"from=2026-12-30&to=2027-01-05", 200, map[string]any{"missing_years": []any{2027.0}}},
			{"from=2026-10-10&to=2026-09-30", 422, map[string]any{"field": "to"}},
			{"from=2026-10-10", 422, map[string]any{"field": "to"}},
			{"date=2026-10-10&add=x", 422, map[string]any{"field": "add"}},
			{"date=2026-10-10&add=5000", 422, map[string]any{"field": "add"}},
			{"date=10/10/2026&add=1", 422, map[string]any{"field": "date"}},
			{"", 422, map[string]any{"field": "from"}},
		} {
			r := c.Do("GET", "/api/v1/calendar/workdays?"+tc.query, nil)
			if r.Status != tc.status {
				t.Errorf("%s: %d %s", tc.query, r.Status, r.Body)
				continue
			}
			got := r.JSON()
			for k, v := range tc.want {
				if k == "field" {
					if r.Field(v.(string)) == "" {
						t.Errorf("%s: field %s not named: %s", tc.query, v, r.Body)
					}
					continue
				}
				if gj, _ := json.Marshal(got[k]); string(gj) != mustJSON(v) {
					t.Errorf("%s: %s = %s, want %s", tc.query, k, gj, mustJSON(v))
				}
			}
		}
	})
}

// Everyone signed in reads the calendar; only administrators replace a year.
func TestCalendarPermissions(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, dbh *db.DB) {
		f := testutil.NewFixture(t, dbh)
		s := f.NewServer(t)
		body := map[string]any{"days": []dayIn{{"2030-01-01", "holiday", "元旦"}}}
		for _, u := range users {
			c := s.Login(t, u)
			for _, p := range []string{"/api/v1/calendar?year=2026", "/api/v1/calendar/years", "/api/v1/calendar/workdays?date=2026-10-08&add=3"} {
				if r := c.Do("GET", p, nil); r.Status != 200 {
					t.Errorf("%s GET %s: %d", u, p, r.Status)
				}
			}
			want := 403
			if u == "admin" {
				want = 200
			}
			if r := c.Do("PUT", "/api/v1/calendar/2030", body); r.Status != want {
				t.Errorf("%s PUT: %d, want %d", u, r.Status, want)
			}
		}
		if r := s.Client(t).Do("GET", "/api/v1/calendar", nil); r.Status != 401 {
			t.Errorf("anonymous GET: %d", r.Status)
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM calendar_days WHERE day LIKE '2030-%'`); n != 1 {
			t.Errorf("2030 has %d days after one permitted edit", n)
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
