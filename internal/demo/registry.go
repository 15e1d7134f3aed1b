package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"diaodu/internal/app"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/registry"
)

// DemoChains are the industrial chains of 示范区, one per investment task
// force (招商专班) of Build, in display order.
var DemoChains = []string{"新能源电池", "绿色食品", "先进装备制造", "文旅康养", "数字经济"}

// chainTrades says, per chain, which industry its enterprises are filed
// under (the registry's industry codes), which department supervises them
// and how their names read. Other demos find a chain's enterprises by the
// industry: energy, food, manufacturing, tourism, digital.
var chainTrades = []struct {
	industry, dept string
	stems          []string
	tails          []string
}{
	{"energy", "区发展和改革局", []string{"锂电", "储能", "新能源材料", "电池回收", "正极材料", "动力电池"}, []string{"科技有限公司", "新材料有限公司", "股份有限公司"}},
	{"food", "区市场监督管理局", []string{"高原果蔬", "咖啡", "茶业", "菌业", "乳业", "花卉"}, []string{"食品有限公司", "农业开发有限公司", "生物科技有限公司"}},
	{"manufacturing", "区工业和信息化局", []string{"精密机械", "智能装备", "汽车零部件", "电机", "数控", "环保设备"}, []string{"制造有限公司", "科技有限公司", "装备有限公司"}},
	{"tourism", "区文化和旅游局", []string{"文旅", "康养", "温泉", "研学", "民宿", "田园"}, []string{"发展有限公司", "投资有限公司", "管理有限公司"}},
	{"digital", "区数据局", []string{"数据", "软件", "云计算", "智慧城市", "电子商务", "物联网"}, []string{"科技有限公司", "信息技术有限公司", "网络有限公司"}},
}

// places are registered without a credit code (internal codes NB…): the
// small sites work safety and fire prevention visit.
var places = []struct{ name, industry, dept, risk string }{
	{"农家乐", "catering", "区商务局", "low"}, {"加油站", "hazchem", "区应急管理局", "high"},
	{"烟花爆竹零售点", "fireworks", "区应急管理局", "high"}, {"民宿", "tourism", "区文化和旅游局", "low"},
	{"农贸市场", "crowded", "区市场监督管理局", "medium"}, {"液化气供应站", "gas", "区住房和城乡建设局", "high"},
}

// demoCreditCode makes a valid unified social credit code of an enterprise
// (登记管理部门 9 工商, 类别 1 企业) registered in the district (530112).
func demoCreditCode(rng *rand.Rand) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	var b strings.Builder
	b.WriteString("91530112MA")
	for i := 0; i < 7; i++ {
		b.WriteByte(alphabet[rng.IntN(len(alphabet))])
	}
	return registry.MakeCreditCode(b.String())
}

// Registry fills the shared registry: the five industrial chains and about
// 80 enterprises and places (80 × scale with the scale of the towns) with
// valid generated credit codes across the demo's towns and industries. It
// runs before the projects, tours and investment demos, which look
// enterprises and chains up through the registry service.
func Registry(ctx context.Context, served *app.App) error {
	sys := auth.System("demo")
	reg := served.Registry
	for i, name := range DemoChains {
		order := (i + 1) * 10
		if _, err := reg.CreateChain(ctx, sys, registry.ChainInput{Name: &name, SortOrder: &order}); err != nil {
			return fmt.Errorf("chain %s: %w", name, err)
		}
	}
	type unit struct {
		id         int64
		name, code string
	}
	var townList []unit
	depts := map[string]int64{}
	rows, err := served.DB.R.QueryContext(ctx, `SELECT id, name, short_name, kind FROM units WHERE kind IN ('town', 'department')
		ORDER BY sort_order, id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var u unit
		var kind string
		if err := rows.Scan(&u.id, &u.name, &u.code, &kind); err != nil {
			rows.Close()
			return err
		}
		if kind == "town" {
			townList = append(townList, u)
		} else if _, ok := depts[u.name]; !ok {
			depts[u.name] = u.id
		}
	}
	rows.Close()
	if len(townList) == 0 {
		return fmt.Errorf("demo registry: no towns")
	}
	rng := rand.New(rand.NewPCG(2026, 9))
	person := func() string {
		return string(surnames[rng.IntN(len(surnames))]) + string(givenChars[rng.IntN(len(givenChars))]) +
			string(givenChars[rng.IntN(len(givenChars))])
	}
	risks := []string{"", "", "low", "low", "medium", "high"}
	var ins []registry.EnterpriseInput
	n := 70 * max(1, len(townList)/12)
	used := map[string]bool{}
	for i := 0; i < n; i++ {
		tr := chainTrades[i%len(chainTrades)]
		town := townList[i%len(townList)]
		short := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(town.name, "街道"), "镇"), "乡")
		name := short + tr.stems[rng.IntN(len(tr.stems))] + tr.tails[rng.IntN(len(tr.tails))]
		for k := 2; used[name]; k++ {
			name = fmt.Sprintf("%s%s第%d%s", short, tr.stems[i%len(tr.stems)], k, tr.tails[0])
		}
		used[name] = true
		code := demoCreditCode(rng)
		in := registry.EnterpriseInput{Name: ptrOf(name), CreditCode: &code, Kind: ptrOf(registry.KindEnterprise),
			Industry: ptrOf(tr.industry), TownID: ptrOf(town.id), SupervisingUnitID: ptrOf(depts[tr.dept]),
			Address:     ptrOf(fmt.Sprintf("%s%s%d号", town.name, []string{"工业园区", "产业园", "大道", "路"}[rng.IntN(4)], 1+rng.IntN(200))),
			LegalPerson: ptrOf(person()), ContactName: ptrOf(person()),
			ContactPhone: ptrOf(fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1_000_000_000))), RiskLevel: ptrOf(risks[rng.IntN(len(risks))])}
		ins = append(ins, in)
	}
	for i := 0; i < 10*max(1, len(townList)/12); i++ {
		p := places[i%len(places)]
		town := townList[(i*5+3)%len(townList)]
		name := fmt.Sprintf("%s%s", strings.TrimSuffix(town.name, "镇"), p.name)
		if used[name] {
			name = fmt.Sprintf("%s第%d%s", strings.TrimSuffix(town.name, "镇"), i, p.name)
		}
		used[name] = true
		ins = append(ins, registry.EnterpriseInput{Name: &name, Kind: ptrOf(registry.KindPlace), Industry: ptrOf(p.industry),
			TownID: ptrOf(town.id), SupervisingUnitID: ptrOf(depts[p.dept]), Address: ptrOf(town.name + "集镇"),
			ContactName: ptrOf(person()), ContactPhone: ptrOf(fmt.Sprintf("139%08d", rng.IntN(100_000_000))), RiskLevel: ptrOf(p.risk)})
	}
	return served.Audit.Write(ctx, sys, func(w *audit.W) error {
		for _, in := range ins {
			if _, _, err := reg.EnsureByCreditCode(ctx, w, sys, in); err != nil {
				return fmt.Errorf("enterprise %s: %w", *in.Name, err)
			}
		}
		return w.Record(audit.Entry{Action: "demo.registry", ObjectType: "enterprise",
			Summary: fmt.Sprintf("演示数据：产业链 %d 条，企业和场所 %d 家", len(DemoChains), len(ins))})
	})
}

func ptrOf[T any](v T) *T { return &v }
