package breakdown

import (
	"strings"
	"testing"

	"diaodu/internal/platform/calendar"
)

func TestParseDeadline(t *testing.T) {
	type ms = []Milestone
	d := calendar.MustDate
	cases := []struct {
		in    string
		kind  string // "" expects an error containing err
		cycle string
		date  string
		miles ms
		err   string
	}{
		// Month ends, as most breakdown tables write them.
		{in: "9月底前", kind: KindOnce, date: "2026-09-30"},
		{in: "9月底", kind: KindOnce, date: "2026-09-30"},
		{in: "9月末", kind: KindOnce, date: "2026-09-30"},
		{in: "9月份", kind: KindOnce, date: "2026-09-30"},
		{in: "2月底前", kind: KindOnce, date: "2026-02-28"},
		{in: "12月底前", kind: KindOnce, date: "2026-12-31"},
		{in: " 9 月底前 ", kind: KindOnce, date: "2026-09-30"},
		{in: "９月底前", kind: KindOnce, date: "2026-09-30"}, // full-width digit
		{in: "九月底", kind: KindOnce, date: "2026-09-30"},
		{in: "十一月底前", kind: KindOnce, date: "2026-11-30"},
		{in: "9月上旬", kind: KindOnce, date: "2026-09-10"},
		{in: "9月中旬前", kind: KindOnce, date: "2026-09-20"},
		{in: "9月下旬", kind: KindOnce, date: "2026-09-30"},
		{in: "力争9月底前完成", kind: KindOnce, date: "2026-09-30"},
		{in: "次年3月底前", kind: KindOnce, date: "2027-03-31"},
		// Days.
		{in: "2026年9月30日前", kind: KindOnce, date: "2026-09-30"},
		{in: "2026年9月30日", kind: KindOnce, date: "2026-09-30"},
		{in: "2026年 9月30日", kind: KindOnce, date: "2026-09-30"},
		{in: "二〇二六年十月十五日", kind: KindOnce, date: "2026-10-15"},
		{in: "10月15日", kind: KindOnce, date: "2026-10-15"},
		{in: "10月15号前", kind: KindOnce, date: "2026-10-15"},
		{in: "十月十五日前", kind: KindOnce, date: "2026-10-15"},
		{in: "2026.10.15", kind: KindOnce, date: "2026-10-15"},
		{in: "2026-10-15", kind: KindOnce, date: "2026-10-15"},
		{in: "2026/10/15", kind: KindOnce, date: "2026-10-15"},
		{in: "20261015", kind: KindOnce, date: "2026-10-15"},
		{in: "2027年1月10日前", kind: KindOnce, date: "2027-01-10"},
		{in: "10.15", kind: KindOnce, date: "2026-10-15"},
		{in: "9.30", kind: KindOnce, date: "2026-09-30"},
		{in: "10/8", kind: KindOnce, date: "2026-10-08"},
		// Date cells arrive as serials.
		{in: "46295", kind: KindOnce, date: "2026-09-30"},
		{in: "46295.75", kind: KindOnce, date: "2026-09-30"},
		// Periods.
		{in: "年底前", kind: KindOnce, date: "2026-12-31"},
		{in: "年底", kind: KindOnce, date: "2026-12-31"},
		{in: "年内", kind: KindOnce, date: "2026-12-31"},
		{in: "全年", kind: KindOnce, date: "2026-12-31"},
		{in: "2026年底前", kind: KindOnce, date: "2026-12-31"},
		{in: "今年年底前", kind: KindOnce, date: "2026-12-31"},
		{in: "明年底", kind: KindOnce, date: "2027-12-31"},
		{in: "2027年", kind: KindOnce, date: "2027-12-31"},
		{in: "上半年", kind: KindOnce, date: "2026-06-30"},
		{in: "6月底前", kind: KindOnce, date: "2026-06-30"},
		{in: "年中", kind: KindOnce, date: "2026-06-30"},
		{in: "下半年", kind: KindOnce, date: "2026-12-31"},
		{in: "第一季度", kind: KindOnce, date: "2026-03-31"},
		{in: "一季度末", kind: KindOnce, date: "2026-03-31"},
		{in: "二季度末前", kind: KindOnce, date: "2026-06-30"},
		{in: "三季度末", kind: KindOnce, date: "2026-09-30"},
		{in: "第四季度", kind: KindOnce, date: "2026-12-31"},
		{in: "3季度末", kind: KindOnce, date: "2026-09-30"},
		// Long-term and periodic work.
		{in: "长期坚持", kind: KindLongTerm},
		{in: "持续推进", kind: KindLongTerm},
		{in: "常态化开展", kind: KindLongTerm},
		{in: "每月", kind: KindPeriodic, cycle: CycleMonth, date: "2026-12-31"},
		{in: "每月25日前", kind: KindPeriodic, cycle: CycleMonth, date: "2026-12-31"},
		{in: "每月二十五日前报送进展", kind: KindPeriodic, cycle: CycleMonth, date: "2026-12-31"},
		{in: "按月报送", kind: KindPeriodic, cycle: CycleMonth, date: "2026-12-31"},
		{in: "每季度", kind: KindPeriodic, cycle: CycleMonth, date: "2026-12-31"},
		{in: "每周", kind: KindPeriodic, cycle: CycleWeek, date: "2026-12-31"},
		{in: "每周五前", kind: KindPeriodic, cycle: CycleWeek, date: "2026-12-31"},
		{in: "每两周", kind: KindPeriodic, cycle: CycleFortnight, date: "2026-12-31"},
		{in: "长期坚持，每月报送", kind: KindPeriodic, cycle: CycleMonth, date: "2026-12-31"},
		{in: "每月25日前报送进展，11月底前完成", kind: KindPeriodic, cycle: CycleMonth, date: "2026-11-30"},
		// Several steps become milestones.
		{in: "9月底前开工；12月底前竣工", kind: KindOnce, date: "2026-12-31",
			miles: ms{{"开工", d("2026-09-30")}, {"竣工", d("2026-12-31")}}},
		{in: "9月底前完成主体工程 12月底前投产", kind: KindOnce, date: "2026-12-31", // two lines of one cell
			miles: ms{{"完成主体工程", d("2026-09-30")}, {"投产", d("2026-12-31")}}},
		{in: "10月15日前，11月底前", kind: KindOnce, date: "2026-11-30",
			miles: ms{{"10月15日前", d("2026-10-15")}, {"11月底前", d("2026-11-30")}}},
		// Refused, with what to write instead.
		{in: "下个月", err: "无法识别“下个月”，可填写如：9月底前"},
		{in: "尽快", err: "无法识别“尽快”"},
		{in: "春节前", err: "无法识别"},
		{in: "9月前", err: "有歧义"},
		{in: "三季度前", err: "有歧义"},
		{in: "9.3", err: "“9.3”有歧义：可能是9月3日，也可能是9月30日"},
		{in: "9月初", err: "无法识别"},
		{in: "9月至10月", err: "无法识别"},
		{in: "2026年2月30日", err: "“2026年2月30日”不是有效日期"},
		{in: "13月底", err: "没有13月"},
		{in: "2062年9月底", err: "年份2062不在2025—2036年之间"},
		{in: "2026.10/15", err: "无法识别"},
		{in: "长期坚持，9月底前", err: "既写了长期坚持，又写了具体时间"},
		{in: "今年", err: "无法识别"},
	}
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		got, msg := ParseDeadline(c.in, 2026, false)
		if c.kind == "" {
			if msg == "" || !strings.Contains(msg, c.err) {
				t.Errorf("%q: message %q, want one containing %q (got %+v)", c.in, msg, c.err, got)
			}
			continue
		}
		if msg != "" {
			t.Errorf("%q: unexpected error %q", c.in, msg)
			continue
		}
		if got.Kind != c.kind || got.Cycle != c.cycle || got.Date.String() != c.date {
			t.Errorf("%q = %s/%s/%s, want %s/%s/%s", c.in, got.Kind, got.Cycle, got.Date, c.kind, c.cycle, c.date)
		}
		if len(got.Milestones) != len(c.miles) {
			t.Errorf("%q milestones = %+v, want %+v", c.in, got.Milestones, c.miles)
			continue
		}
		for i, m := range c.miles {
			if g := got.Milestones[i]; g.Name != m.Name || !g.DueOn.Equal(m.DueOn) {
				t.Errorf("%q milestone %d = %s %s, want %s %s", c.in, i, g.Name, g.DueOn, m.Name, m.DueOn)
			}
		}
	}
}

func TestParseDeadline1904(t *testing.T) {
	got, msg := ParseDeadline("44833", 2026, true) // 1904 system: 2026-09-30
	if msg != "" || got.Date.String() != "2026-09-30" {
		t.Errorf("1904 serial = %v %q", got.Date, msg)
	}
}

func TestChineseNumber(t *testing.T) {
	for in, want := range map[string]int{"九": 9, "十": 10, "十五": 15, "二十": 20, "三十一": 31, "二〇二六": 2026, "两": 2} {
		if got, ok := chineseNumber(in); !ok || got != want {
			t.Errorf("chineseNumber(%s) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "十十", "百", "三十二一"} {
		if _, ok := chineseNumber(in); ok {
			t.Errorf("chineseNumber(%s) accepted", in)
		}
	}
}
