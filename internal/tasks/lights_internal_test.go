package tasks

import (
	"testing"
	"time"

	"diaodu/internal/platform/calendar"
)

// The light rules on a calendar without holidays (Monday–Friday worked).
func TestJudge(t *testing.T) {
	st := DefaultSettings // warn 3 working days, lag 20 points, sign 1 day
	cal := &calendar.Calendar{}
	d := calendar.MustDate
	at := func(s string) time.Time { return d(s).At(10, 0) } // 10:00 in Shanghai
	base := func() lightState {
		return lightState{Status: StatusInProgress, StartOn: d("2026-09-01"), Deadline: d("2026-09-30"), SignDue: d("2026-09-02"),
			ReportCycle: "week", LastCycleEnd: d("2026-09-13"), Progress: 40}
	}
	cases := []struct {
		name   string
		mod    func(t *lightState)
		now    string
		light  string
		reason string
		over   bool
		miss   bool
	}{
		{"on track", nil, "2026-09-14", LightGreen, "", false, false},
		{"draft", func(t *lightState) { t.Status = StatusDraft }, "2026-10-14", LightNone, "", false, false},
		{"closed", func(t *lightState) { t.Status = StatusClosed }, "2026-10-14", LightNone, "", false, false},
		{"overdue", func(t *lightState) { t.LastCycleEnd = d("2026-10-11") }, "2026-10-12", LightRed,
			"已逾期8个工作日（完成时限9月30日）", true, false},
		{"overdue on the day after, a Saturday", func(t *lightState) { t.Deadline, t.LastCycleEnd = d("2026-09-25"), d("2026-09-20") }, "2026-09-26",
			LightRed, "已超过完成时限（9月25日）", true, false},
		{"requested before the deadline is not overdue", func(t *lightState) {
			t.Status, t.RequestedAt = StatusRequested, at("2026-09-29")
		}, "2026-10-12", LightGreen, "", false, false},
		{"requested after the deadline is", func(t *lightState) {
			t.Status, t.RequestedAt = StatusRequested, at("2026-10-01")
		}, "2026-10-12", LightRed, "已逾期", true, false},
		{"deadline near", func(t *lightState) { t.Progress, t.LastCycleEnd = 80, d("2026-09-20") }, "2026-09-25", LightYellow,
			"距完成时限仅剩3个工作日（9月30日）", false, false},
		{"due today", func(t *lightState) { t.Progress, t.LastCycleEnd = 95, d("2026-09-27") }, "2026-09-30", LightYellow, "今日到期", false, false},
		{"milestone late", func(t *lightState) {
			t.Milestones = []openMilestone{{"主体完工", d("2026-09-09")}}
		}, "2026-09-14", LightRed, "节点'主体完工'已逾期3个工作日", false, false},
		{"milestone near", func(t *lightState) {
			t.Milestones = []openMilestone{{"主体完工", d("2026-09-16")}}
		}, "2026-09-14", LightYellow, "节点'主体完工'距计划日期仅剩2个工作日", false, false},
		{"missing report", func(t *lightState) { t.LastCycleEnd = d("2026-09-06") }, "2026-09-14", LightRed,
			"缺报：9月第2周进展未报送", false, true},
		{"reported this week after a gap", func(t *lightState) { t.LastCycleEnd = d("2026-09-20") }, "2026-09-16", LightGreen, "", false, false},
		{"never reported, first week still running", func(t *lightState) { t.LastCycleEnd = calendar.Date{} }, "2026-09-04", LightGreen, "", false, false},
		{"monthly cycle missing", func(t *lightState) {
			t.ReportCycle, t.LastCycleEnd, t.Deadline = "month", calendar.Date{}, d("2026-10-30")
		}, "2026-10-02", LightRed, "缺报：9月进展未报送", false, true},
		{"lagging", func(t *lightState) { t.Progress = 10 }, "2026-09-14", LightYellow, "进度滞后序时36个百分点（完成进度10%，序时进度46%）", false, false},
		{"unsigned", func(t *lightState) { t.Status = StatusIssued; t.Progress = 30 }, "2026-09-03", LightYellow, "超过签收时限（9月2日）未签收", false, false},
		{"signed late is fine", func(t *lightState) { t.Status = StatusSigned; t.Progress = 30 }, "2026-09-03", LightGreen, "", false, false},
		{"long-term work: no deadline, no lag", func(t *lightState) { t.Deadline, t.Progress = calendar.Date{}, 0 }, "2026-09-14", LightGreen, "", false, false},
		{"most severe first", func(t *lightState) {
			t.Progress, t.LastCycleEnd = 10, d("2026-09-06")
			t.Milestones = []openMilestone{{"开工", d("2026-09-10")}, {"主体", d("2026-09-15")}}
		}, "2026-09-14", LightRed, "节点'开工'已逾期2个工作日；缺报：9月第2周进展未报送；节点'主体'距计划日期仅剩1个工作日；进度滞后序时", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ls := base()
			if tc.mod != nil {
				tc.mod(&ls)
			}
			v := st.judge(&ls, at(tc.now), cal)
			if v.Light != tc.light || v.Overdue != tc.over || v.Missing != tc.miss || (tc.reason == "" && v.Reason != "") ||
				len(v.Reason) < len(tc.reason) || v.Reason[:len(tc.reason)] != tc.reason {
				t.Fatalf("got %s %q overdue=%v missing=%v; want %s %q overdue=%v missing=%v", v.Light, v.Reason, v.Overdue, v.Missing,
					tc.light, tc.reason, tc.over, tc.miss)
			}
			// The bulk path's prefix-sum calendar agrees with the calendar.
			if w := st.judge(&ls, at(tc.now), newWorkdayIndex(cal, d(tc.now), 400)); w != v {
				t.Fatalf("workday index disagrees: %+v vs %+v", w, v)
			}
		})
	}
}

func TestTimeProgressAndLabels(t *testing.T) {
	d := calendar.MustDate
	for _, tc := range []struct {
		start, deadline, day string
		want                 int
	}{
		{"2026-09-01", "2026-09-30", "2026-08-30", 0},
		{"2026-09-01", "2026-09-30", "2026-09-01", 3},
		{"2026-09-01", "2026-09-30", "2026-09-15", 50},
		{"2026-09-01", "2026-09-30", "2026-09-30", 100},
		{"2026-09-01", "2026-09-30", "2026-12-30", 100},
		{"2026-09-01", "2026-09-01", "2026-09-01", 100},
	} {
		if got := timeProgress(d(tc.start), d(tc.deadline), d(tc.day)); got != tc.want {
			t.Errorf("timeProgress(%s..%s at %s) = %d, want %d", tc.start, tc.deadline, tc.day, got, tc.want)
		}
	}
	for _, tc := range []struct {
		p          calendar.Period
		start, end string
		want       string
	}{
		{calendar.Weekly, "2026-08-31", "2026-09-06", "9月第1周"}, // its Thursday is 3 September
		{calendar.Weekly, "2026-09-28", "2026-10-04", "10月第1周"},
		{calendar.Monthly, "2026-09-01", "2026-09-30", "9月"},
		{calendar.Fortnight, "2026-09-07", "2026-09-20", "9月7日至9月20日"},
	} {
		if got := cycleLabel(tc.p, d(tc.start), d(tc.end)); got != tc.want {
			t.Errorf("cycleLabel(%s, %s) = %s, want %s", tc.p, tc.start, got, tc.want)
		}
	}
}
