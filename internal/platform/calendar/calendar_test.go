package calendar

import "testing"

func testCalendar() *Calendar {
	c := &Calendar{days: map[Date]Kind{}, years: map[int]bool{2026: true}}
	for _, s := range []string{"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"} {
		c.days[MustDate(s)] = Holiday
	}
	c.days[MustDate("2026-10-10")] = Workday // Saturday worked
	c.days[MustDate("2026-09-20")] = Workday // Sunday worked
	return c
}

func TestWorkdayArithmetic(t *testing.T) {
	c := testCalendar()
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-09-25", 1, "2026-09-28"},  // Friday + 1 → Monday
		{"2026-09-18", 1, "2026-09-20"},  // Friday + 1 → the Sunday worked for 国庆
		{"2026-09-30", 1, "2026-10-08"},  // over the National Day holiday
		{"2026-10-08", 2, "2026-10-10"},  // Thursday + 2 → the Saturday worked
		{"2026-10-08", -1, "2026-09-30"}, // backwards over the holiday
		{"2026-10-03", 0, "2026-10-08"},  // 0 from a day off → next working day
	}
	for _, tc := range cases {
		if got := c.AddWorkdays(MustDate(tc.from), tc.n); got.String() != tc.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	if n := c.WorkdaysBetween(MustDate("2026-09-30"), MustDate("2026-10-10")); n != 3 { // 8, 9, 10
		t.Errorf("WorkdaysBetween = %d, want 3", n)
	}
	if n := c.WorkdaysBetween(MustDate("2026-10-10"), MustDate("2026-09-30")); n != -3 {
		t.Errorf("WorkdaysBetween reversed = %d, want -3", n)
	}
	if c.IsWorkday(MustDate("2026-10-03")) || !c.IsWorkday(MustDate("2026-10-10")) || c.IsWorkday(MustDate("2026-11-28")) {
		t.Error("IsWorkday disagrees with the holiday table")
	}
}

func TestCycles(t *testing.T) {
	anchor := MustDate("2026-09-02") // a Wednesday
	for _, tc := range []struct {
		p          Period
		d          string
		start, end string
	}{
		{Weekly, "2026-09-06", "2026-08-31", "2026-09-06"},
		{Fortnight, "2026-09-08", "2026-08-31", "2026-09-13"},
		{Fortnight, "2026-09-14", "2026-09-14", "2026-09-27"},
		{Fortnight, "2026-08-30", "2026-08-17", "2026-08-30"},
		{Monthly, "2026-02-10", "2026-02-01", "2026-02-28"},
		{Daily, "2026-02-10", "2026-02-10", "2026-02-10"},
	} {
		s, e := CycleOf(tc.p, anchor, MustDate(tc.d))
		if s.String() != tc.start || e.String() != tc.end {
			t.Errorf("CycleOf(%s, %s) = %s..%s, want %s..%s", tc.p, tc.d, s, e, tc.start, tc.end)
		}
	}
	if got := Cycles(Monthly, anchor, MustDate("2026-07-15"), MustDate("2026-09-30")); len(got) != 3 || got[0][0].String() != "2026-07-01" {
		t.Errorf("Cycles = %v", got)
	}
}

func TestDateJSONAndEnd(t *testing.T) {
	d := MustDate("2026-09-30")
	b, _ := d.MarshalJSON()
	if string(b) != `"2026-09-30"` {
		t.Errorf("marshal = %s", b)
	}
	var z Date
	if err := z.UnmarshalJSON([]byte("null")); err != nil || !z.IsZero() {
		t.Errorf("null → %v %v", z, err)
	}
	if err := z.UnmarshalJSON([]byte(`"2026-13-01"`)); err == nil {
		t.Error("month 13 accepted")
	}
	if got := d.End().UTC().Format("2006-01-02 15:04"); got != "2026-09-30 16:00" {
		t.Errorf("End = %s, want the next midnight in Shanghai", got)
	}
}
