// Package demo builds 示范区, a fictional district with departments, towns,
// villages, task forces, unit groups and users of every role, so a newcomer
// sees a living system. The same generator scales up for benchmarks. Later
// modules add their demo data here.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
)

// Password is every demo user's password. For the demo only.
const Password = "Demo@2026"

// Login is a demo account worth printing.
type Login struct{ Username, Role, Who string }

// Result tells what was built.
type Result struct {
	Units, Users int
	Logins       []Login
}

var departments = []string{
	"区委办公室", "区政府办公室", "区发展和改革局", "区财政局", "区工业和信息化局", "区商务局", "区投资促进局",
	"区住房和城乡建设局", "区自然资源局", "区交通运输局", "区农业农村局", "区水务局", "区林业和草原局", "区生态环境分局",
	"区应急管理局", "区市场监督管理局", "区教育体育局", "区卫生健康局", "区民政局", "区人力资源和社会保障局",
	"区文化和旅游局", "区信访局", "区司法局", "区公安分局", "区城市管理局", "区统计局", "区审计局", "区医疗保障局",
	"区退役军人事务局", "区数据局",
}

var towns = []string{
	"青石镇", "柳溪镇", "白塔镇", "龙泉街道", "东城街道", "西湖街道", "桃源乡", "云岭镇", "南山镇", "金沙镇", "凤鸣街道", "石门乡",
}

var villageStems = []string{
	"张家", "李家", "王庄", "新村", "河口", "石桥", "杨柳", "高坡", "大坪", "小溪", "松林", "竹园", "双河", "红星", "和平",
	"团结", "长岭", "黄土", "清泉", "梨花",
}

var taskforces = []string{
	"新能源电池产业链招商专班", "绿色食品产业链招商专班", "先进装备制造招商专班", "文旅康养招商专班", "数字经济招商专班",
}

var surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
var givenChars = []rune("建国华明丽红军伟芳娜秀英敏静强磊洋艳勇杰娟涛超霞平刚桂兰志文海燕玉辉鹏飞宇晨欣怡俊凯雪梅林波斌丹萍亮")

type unitRow struct {
	id        int64
	parent    int64
	path      string
	depth     int
	name      string
	shortName string
	code      string
	kind      string
	sort      int
	contact   string
	phone     string
}

type userRow struct {
	username, realName, phone, position string
	unit                                int64
	roles                               []auth.Role
}

// Build writes the demo district into an empty database as the system
// actor. scale multiplies departments, towns, villages and users.
func Build(ctx context.Context, l *audit.Log, scale int) (*Result, error) {
	if scale < 1 {
		scale = 1
	}
	var n int
	if err := l.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM units`).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, errs.Conflictf("数据库中已有单位，示范数据只能写入空数据库", "the database already has units; the demo needs an empty one")
	}
	rng := rand.New(rand.NewPCG(2026, uint64(scale)))
	personName := func() string {
		g := string(givenChars[rng.IntN(len(givenChars))])
		if rng.IntN(3) > 0 {
			g += string(givenChars[rng.IntN(len(givenChars))])
		}
		return string(surnames[rng.IntN(len(surnames))]) + g
	}
	phone := func() string { return fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1_000_000_000)) }

	var units []unitRow
	add := func(parent *unitRow, unitName, short, code, kind string, sort int) *unitRow {
		u := unitRow{id: int64(len(units) + 1), name: unitName, shortName: short, code: code, kind: kind, sort: sort}
		if parent != nil {
			u.parent, u.path, u.depth = parent.id, parent.path, parent.depth+1
		} else {
			u.path = "/"
		}
		u.path += strconv.FormatInt(u.id, 10) + "/"
		if kind != "district" {
			u.contact, u.phone = personName(), fmt.Sprintf("0871-65%05d", rng.IntN(100000))
		}
		units = append(units, u)
		return &units[len(units)-1]
	}
	district := *add(nil, "示范区", "示范区", "SFQ", "district", 0)
	var users []userRow
	user := func(username, position string, unit int64, roles ...auth.Role) {
		users = append(users, userRow{username, personName(), phone(), position, unit, roles})
	}
	user("admin", "系统管理员", district.id, auth.Admin)
	user("ducha", "督查室主任", district.id, auth.Supervisor)
	user("ducha2", "督查室科员", district.id, auth.Supervisor)
	for i, pos := range []string{"区委书记", "区长", "常务副区长", "副区长", "副区长", "区委常委"} {
		user(fmt.Sprintf("leader%d", i+1), pos, district.id, auth.Leader)
	}
	for i := 1; i <= 5; i++ {
		user(fmt.Sprintf("judge%d", i), "观摩评委", district.id, auth.Judge)
	}

	groupTowns, groupDepts := []int64{}, []int64{}
	var firstDeptCode, firstTownCode, firstVillageCode string
	for s := 0; s < scale; s++ {
		suffix := ""
		if s > 0 {
			suffix = strconv.Itoa(s + 1)
		}
		for i, dn := range departments {
			code := fmt.Sprintf("SFQ-D%02d%s", i+1, suffix)
			short := strings.TrimSuffix(strings.TrimPrefix(dn, "区"), "局")
			d := add(&district, dn+suffix, short+suffix, code, "department", 100+i)
			groupDepts = append(groupDepts, d.id)
			user(fmt.Sprintf("d%02d%s_admin", i+1, suffix), "办公室主任", d.id, auth.UnitAdmin)
			user(fmt.Sprintf("d%02d%s_staff", i+1, suffix), "科员", d.id, auth.Staff)
			if firstDeptCode == "" {
				firstDeptCode = code
			}
		}
		for i, tn := range towns {
			code := fmt.Sprintf("SFQ-T%02d%s", i+1, suffix)
			t := add(&district, tn+suffix, strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(tn, "镇"), "街道"), "乡")+suffix,
				code, "town", 200+i)
			groupTowns = append(groupTowns, t.id)
			tid, tpath, tdepth := t.id, t.path, t.depth
			user(fmt.Sprintf("t%02d%s_admin", i+1, suffix), "党政办主任", tid, auth.UnitAdmin)
			user(fmt.Sprintf("t%02d%s_staff", i+1, suffix), "安监站站长", tid, auth.Staff)
			if firstTownCode == "" {
				firstTownCode = code
			}
			nv := 11 + (i*7)%5 // 11..15 villages a town
			for v := 0; v < nv; v++ {
				stem := villageStems[(i*3+v)%len(villageStems)]
				kindWord := "村"
				if strings.HasSuffix(tn, "街道") {
					kindWord = "社区"
				}
				vcode := fmt.Sprintf("%s-V%02d", code, v+1)
				parent := unitRow{id: tid, path: tpath, depth: tdepth}
				vu := add(&parent, stem+kindWord, stem, vcode, "village", v+1)
				user(fmt.Sprintf("t%02d%sv%02d", i+1, suffix, v+1), "村两委委员", vu.id, auth.Field)
				if firstVillageCode == "" {
					firstVillageCode = vcode
				}
			}
		}
	}
	for i, tf := range taskforces {
		add(&district, tf, strings.TrimSuffix(tf, "招商专班"), fmt.Sprintf("SFQ-ZB%02d", i+1), "taskforce", 300+i)
	}

	hash, err := auth.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	actor := auth.System("demo")
	err = l.Write(ctx, actor, func(w *audit.W) error {
		now := w.Now()
		rows := make([][]any, len(units))
		for i, u := range units {
			var parent any
			if u.parent != 0 {
				parent = u.parent
			}
			rows[i] = []any{u.id, parent, u.path, u.depth, u.name, u.shortName, u.code, u.kind, u.sort, u.contact, u.phone, true, now, now}
		}
		if _, err := w.CopyFrom(ctx, "units", []string{"id", "parent_id", "path", "depth", "name", "short_name", "code", "kind",
			"sort_order", "contact_name", "contact_phone", "active", "created_at", "updated_at"}, rows); err != nil {
			return err
		}
		urows := make([][]any, len(users))
		for i, u := range users {
			roles := make([]string, len(u.roles))
			for j, r := range u.roles {
				roles[j] = string(r)
			}
			urows[i] = []any{u.username, u.realName, u.phone, u.unit, u.position, strings.Join(roles, ","), hash, false, now, now}
		}
		if _, err := w.CopyFrom(ctx, "users", []string{"username", "real_name", "phone", "unit_id", "position", "roles",
			"password_hash", "must_change_password", "created_at", "updated_at"}, urows); err != nil {
			return err
		}
		if w.Dialect == "postgres" { // explicit ids: move the identity past them
			if _, err := w.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('units', 'id'), (SELECT MAX(id) FROM units))`); err != nil {
				return err
			}
		}
		for i, g := range []struct {
			name, code string
			units      []int64
		}{{"乡镇街道组", "G-TOWN", groupTowns}, {"区直部门组", "G-DEPT", groupDepts}} {
			var gid int64
			if err := w.QueryRowContext(ctx, `INSERT INTO unit_groups (name, code, sort_order, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $4) RETURNING id`, g.name, g.code, i+1, now).Scan(&gid); err != nil {
				return err
			}
			mrows := make([][]any, len(g.units))
			for j, u := range g.units {
				mrows[j] = []any{gid, u}
			}
			if _, err := w.CopyFrom(ctx, "unit_group_members", []string{"group_id", "unit_id"}, mrows); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "demo.build", ObjectType: "district", ObjectID: "1", UnitID: 1,
			Summary: fmt.Sprintf("生成示范区演示数据：%d个单位，%d个用户（规模 %d）", len(units), len(users), scale)})
	})
	if err != nil {
		return nil, err
	}
	return &Result{Units: len(units), Users: len(users), Logins: []Login{
		{"admin", "系统管理员", "示范区"},
		{"ducha", "督查室", "区委区政府督查室（示范区）"},
		{"leader2", "区领导", "区长"},
		{"d03_admin", "单位管理员", "区发展和改革局"},
		{"d03_staff", "经办人", "区发展和改革局"},
		{"t01_admin", "单位管理员", "青石镇"},
		{"t01v01", "基层人员", "青石镇张家村"},
		{"judge1", "观摩评委", "项目观摩评委"},
	}}, nil
}
