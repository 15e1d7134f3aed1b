package breakdown

import (
	"slices"
	"strings"
	"testing"
)

// testDirectory is a small district: departments with short names, two
// towns, two villages of the same name, a few leaders.
func testDirectory() *Directory {
	return NewDirectory([]Unit{
		{ID: 1, Name: "示范区", Kind: "district"},
		{ID: 2, Name: "区发展和改革局", ShortName: "发改局", Kind: "department"},
		{ID: 3, Name: "区财政局", ShortName: "财政局", Kind: "department"},
		{ID: 4, Name: "区住房和城乡建设局", ShortName: "住建局", Kind: "department"},
		{ID: 5, Name: "区应急管理局", ShortName: "应急局", Kind: "department"},
		{ID: 6, Name: "青石镇", ShortName: "青石", Kind: "town"},
		{ID: 7, Name: "柳溪镇", Kind: "town"},
		{ID: 8, Name: "张家村", Kind: "village", ParentName: "青石镇"},
		{ID: 9, Name: "张家村", Kind: "village", ParentName: "柳溪镇"},
		{ID: 10, Name: "区自然资源局", ShortName: "自然资源局", Kind: "department"},
		{ID: 11, Name: "区信访局", Kind: "department"},
		{ID: 12, Name: "区林业局", Kind: "department"},
		{ID: 13, Name: "区投资促进中心", ShortName: "投促中心", Kind: "department"},
	}, []Person{
		{ID: 101, Name: "王明", Position: "常务副区长", Leader: true},
		{ID: 102, Name: "李华", Position: "副区长", Leader: true},
		{ID: 103, Name: "张伟", Position: "副区长", Leader: true},
		{ID: 104, Name: "陈刚", Position: "区长", Leader: true},
		{ID: 105, Name: "赵敏", Position: "主任", Leader: false},
		{ID: 106, Name: "李华", Position: "科员", Leader: false}, // a namesake of the leader
	})
}

func TestUnits(t *testing.T) {
	d := testDirectory()
	depts := []int64{2, 3, 4, 5, 10, 11, 12, 13}
	cases := []struct {
		cell    string
		want    [][]int64 // ids per match
		coll    []bool
		problem string
	}{
		{cell: "区发展和改革局", want: [][]int64{{2}}},
		{cell: "发改局", want: [][]int64{{2}}},
		{cell: "区发改局", want: [][]int64{{2}}},
		{cell: "发展和改革局", want: [][]int64{{2}}},
		{cell: "区发改局（牵头）", want: [][]int64{{2}}},
		{cell: "区发改局、财政局", want: [][]int64{{2}, {3}}},
		{cell: "区发改局，区财政局；区住建局", want: [][]int64{{2}, {3}, {4}}},
		{cell: "区发改局\n区财政局", want: [][]int64{{2}, {3}}},
		{cell: "区发改局  区财政局", want: [][]int64{{2}, {3}}},
		{cell: "区发展和 改革局", want: [][]int64{{2}}},
		{cell: "  青石 ", want: [][]int64{{6}}},
		{cell: "青石镇张家村", want: [][]int64{{8}}},
		{cell: "各乡镇（街道）", want: [][]int64{{6, 7}}, coll: []bool{true}},
		{cell: "各镇街", want: [][]int64{{6, 7}}, coll: []bool{true}},
		{cell: "区直各部门", want: [][]int64{depts}, coll: []bool{true}},
		{cell: "区发改局、各镇（街道）、区财政局", want: [][]int64{{2}, {6, 7}, {3}}, coll: []bool{false, true, false}},
		{cell: "区直各单位，各乡镇", want: [][]int64{depts, {6, 7}}, coll: []bool{true, true}},
		{cell: "发改委", problem: "未找到单位“发改委”，是否为“区发展和改革局”？"},
		{cell: "区住建委", problem: "未找到单位“区住建委”，是否为“区住房和城乡建设局”？"},
		{cell: "投资促进局", problem: "是否为“区投资促进中心”？"},
		{cell: "火星办", problem: "未找到单位“火星办”，请填写单位全称或简称"},
		{cell: "张家村", problem: "“张家村”对应多个单位：“青石镇张家村”或“柳溪镇张家村”，请写明是哪一个"},
		{cell: "各有关部门", problem: "“各有关部门”没有指明具体单位"},
	}
	for _, c := range cases {
		ms, problems := d.Units(c.cell)
		if c.problem != "" {
			if len(problems) != 1 || !strings.Contains(problems[0], c.problem) {
				t.Errorf("%q: problems %q, want %q", c.cell, problems, c.problem)
			}
			continue
		}
		if len(problems) > 0 {
			t.Errorf("%q: problems %q", c.cell, problems)
			continue
		}
		if len(ms) != len(c.want) {
			t.Errorf("%q: %d matches %+v, want %v", c.cell, len(ms), ms, c.want)
			continue
		}
		for i, m := range ms {
			if !slices.Equal(m.IDs, c.want[i]) || (c.coll != nil && m.Collective != c.coll[i]) {
				t.Errorf("%q match %d = %v (collective %v), want %v", c.cell, i, m.IDs, m.Collective, c.want[i])
			}
		}
	}
}

func TestLeaders(t *testing.T) {
	d := testDirectory()
	cases := []struct {
		cell    string
		want    []int64
		problem string
	}{
		{cell: "王明", want: []int64{101}},
		{cell: "王明、李华", want: []int64{101, 102}},
		{cell: "王 明", want: []int64{101}},
		{cell: "王明 李华", want: []int64{101, 102}},
		{cell: "王明（常务副区长）", want: []int64{101}},
		{cell: "王明同志", want: []int64{101}},
		{cell: "常务副区长", want: []int64{101}},
		{cell: "区长陈刚", want: []int64{104}},
		{cell: "常务副区长王明、王明", want: []int64{101}},
		{cell: "王名", problem: "未找到区领导“王名”，是否为“王明”？"},
		{cell: "副区长", problem: "“副区长”对应多人：“李华（副区长）”或“张伟（副区长）”，请填写姓名"},
		{cell: "赵敏", problem: "“赵敏”不是区领导"},
		{cell: "主任", problem: "未找到区领导“主任”"},
	}
	for _, c := range cases {
		ids, problems := d.Leaders(c.cell)
		if c.problem != "" {
			if len(problems) != 1 || !strings.Contains(problems[0], c.problem) {
				t.Errorf("%q: problems %q, want %q", c.cell, problems, c.problem)
			}
			continue
		}
		if len(problems) > 0 || !slices.Equal(ids, c.want) {
			t.Errorf("%q = %v %q, want %v", c.cell, ids, problems, c.want)
		}
	}
}

func TestSuggestRanksCloserFirst(t *testing.T) {
	got := suggest(nameKey("区财政厅"), testDirectory().unitCandidates())
	if len(got) == 0 || got[0] != "区财政局" {
		t.Errorf("suggest(区财政厅) = %v", got)
	}
}
