package demo

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/reports"
	"diaodu/internal/tasks"
)

// fate is what happens to a demo task between the meeting and today; the
// replay acts it out so the task ends in the status and light it names.
type fate int

const (
	onTrack       fate = iota // reports every cycle, keeps pace: green
	lagging                   // reports, but far behind the time-sequence: yellow
	nearDeadline              // deadline in two working days: yellow
	overdue                   // deadline passed unfinished: red, reminded, a notice and an interview
	missing                   // stopped reporting: red (缺报)
	milestoneLate             // a milestone passed undone: red
	requested                 // completion requested, waiting for the office
	returned                  // completion requested and returned with a reason
	closed                    // closed on time
	closedLate                // closed after its deadline
	extended                  // extension asked before the deadline and approved: green again
	refused                   // extension refused, then overdue: red
	unsigned                  // issued days ago and not signed for: yellow
	draft                     // still a draft in the office
)

type demoTask struct {
	title, req string
	tag        string
	lead       string   // unit name
	co         []string // unit names
	leader     string   // username
	cycle      string   // week | month
	kind       string   // once (default) | periodic | longterm
	fate       fate
	milestones []string
	problems   string // raised in a report: a coordination item
	split      bool   // the town splits it for three villages
}

// The 7-8月 meeting's tasks: the themes a dispatch meeting covers.
var meetingTasks = []demoTask{
	{title: "新能源电池材料产业园一期主体完工", req: "9月底前完成3栋标准化厂房主体封顶，10月底前设备进场，年底前试生产。", tag: "项目建设",
		lead: "区发展和改革局", co: []string{"区住房和城乡建设局", "区自然资源局"}, leader: "leader3", cycle: "week", fate: onTrack,
		milestones: []string{"主体封顶", "设备进场", "试生产"}},
	{title: "绿色食品加工园冷链物流中心开工建设", req: "完成土地摘牌和施工许可，按期开工并形成实物工作量。", tag: "项目建设",
		lead: "区商务局", co: []string{"区自然资源局", "青石镇"}, leader: "leader4", cycle: "week", fate: lagging,
		problems: "冷链中心用地指标尚未落实，需区领导协调自然资源部门加快报批"},
	{title: "城东片区市政道路及管网工程", req: "完成纵三路、横二路路基施工和雨污分流管网铺设。", tag: "项目建设",
		lead: "区住房和城乡建设局", co: []string{"东城街道", "区城市管理局"}, leader: "leader3", cycle: "week", fate: overdue,
		milestones: []string{"路基施工", "管网铺设"}},
	{title: "先进装备制造产业园标准化厂房二期", req: "完成二期6栋厂房招标并进场施工。", tag: "项目建设",
		lead: "区工业和信息化局", co: []string{"区投资促进局"}, leader: "leader4", cycle: "month", fate: milestoneLate,
		milestones: []string{"施工招标", "进场施工", "主体完工"}},
	{title: "龙泉河流域综合治理工程", req: "完成河道清淤8公里、堤防加固5公里。", tag: "项目建设",
		lead: "区水务局", co: []string{"龙泉街道", "区生态环境分局"}, leader: "leader5", cycle: "week", fate: closed},
	{title: "区人民医院综合楼建设", req: "完成主体结构验收，启动内部装修。", tag: "项目建设",
		lead: "区卫生健康局", co: []string{"区住房和城乡建设局"}, leader: "leader5", cycle: "month", fate: nearDeadline},
	{title: "重点项目用地报批攻坚", req: "完成年度重点项目新增建设用地报批1200亩。", tag: "项目建设",
		lead: "区自然资源局", co: []string{"区发展和改革局"}, leader: "leader3", cycle: "week", fate: missing},
	{title: "老旧小区改造项目", req: "完成12个老旧小区水电气路改造，群众满意度90%以上。", tag: "项目建设",
		lead: "区住房和城乡建设局", co: []string{"西湖街道", "凤鸣街道"}, leader: "leader5", cycle: "month", fate: onTrack,
		milestones: []string{"设计审查", "施工进场", "竣工验收"}},
	{title: "高标准农田建设", req: "新建高标准农田2万亩，年底前完成验收。", tag: "项目建设",
		lead: "区农业农村局", co: []string{"桃源乡", "石门乡"}, leader: "leader6", cycle: "week", fate: extended,
		milestones: []string{"土地平整", "灌溉设施", "验收"}},
	{title: "安全生产大排查大整治“回头看”", req: "对排查出的隐患逐项复核，整改率达到100%，重大隐患挂牌督办。", tag: "安全生产",
		lead: "区应急管理局", co: []string{"区交通运输局", "区市场监督管理局", "区住房和城乡建设局"}, leader: "leader2", cycle: "week", fate: onTrack},
	{title: "道路运输“三客一危”车辆专项整治", req: "动态监控入网率100%，违法违规行为清零。", tag: "安全生产",
		lead: "区交通运输局", co: []string{"区公安分局"}, leader: "leader4", cycle: "month", kind: "periodic", fate: onTrack},
	{title: "城镇燃气安全专项整治", req: "完成餐饮场所燃气报警器安装和老旧管网更新。", tag: "安全生产",
		lead: "区住房和城乡建设局", co: []string{"区市场监督管理局", "区城市管理局"}, leader: "leader3", cycle: "week", fate: requested},
	{title: "特种设备安全隐患排查", req: "全区电梯、游乐设施定期检验率100%。", tag: "安全生产",
		lead: "区市场监督管理局", leader: "leader4", cycle: "month", fate: closed},
	{title: "景区游乐设施安全检查", req: "国庆前完成全区景区游乐设施全覆盖检查。", tag: "安全生产",
		lead: "区文化和旅游局", co: []string{"区市场监督管理局"}, leader: "leader6", cycle: "week", fate: closedLate},
	{title: "建筑施工领域安全整治", req: "在建工地安全检查全覆盖，高处坠落、起重伤害隐患清零。", tag: "安全生产",
		lead: "区住房和城乡建设局", leader: "leader3", cycle: "week", fate: refused},
	{title: "秋冬季森林防火宣传“一封信”入户", req: "《致全区人民群众的一封信》入户率100%，签名回执全部收回。", tag: "森林防火",
		lead: "区林业和草原局", co: []string{"青石镇", "云岭镇", "南山镇"}, leader: "leader6", cycle: "week", fate: lagging},
	{title: "重点防火村护林员巡山全覆盖", req: "重点防火村每村不少于2名护林员，每日巡山不少于2次。", tag: "森林防火",
		lead: "青石镇", co: []string{"区林业和草原局"}, leader: "leader6", cycle: "week", fate: onTrack, split: true},
	{title: "森林防火“村村响”广播", req: "每天早中晚三次播放防火宣传，火险预警期间加密播放。", tag: "森林防火",
		lead: "云岭镇", leader: "leader6", cycle: "month", kind: "periodic", fate: missing},
	{title: "防火通道及隔离带建设", req: "新建防火隔离带15公里，维修防火通道30公里。", tag: "森林防火",
		lead: "区林业和草原局", co: []string{"南山镇", "金沙镇"}, leader: "leader6", cycle: "month", fate: returned},
	{title: "信访积案化解攻坚", req: "交办的23件信访积案年底前全部化解，群众满意率90%以上。", tag: "信访",
		lead: "区信访局", co: []string{"区司法局", "区民政局"}, leader: "leader2", cycle: "month", kind: "longterm", fate: onTrack},
	{title: "领导干部坐班接访和带案下访", req: "区级领导每月坐班接访不少于1次，带案下访不少于1次。", tag: "信访",
		lead: "区信访局", leader: "leader1", cycle: "month", kind: "periodic", fate: onTrack},
	{title: "矛盾纠纷排查调处", req: "每月开展矛盾纠纷排查，调处成功率95%以上。", tag: "信访",
		lead: "区司法局", co: []string{"柳溪镇", "白塔镇"}, leader: "leader2", cycle: "month", kind: "periodic", fate: closed},
	{title: "12345热线工单按时办结", req: "工单按时办结率98%以上，回访满意率95%以上。", tag: "信访",
		lead: "区政府办公室", co: []string{"区数据局"}, leader: "leader2", cycle: "week", fate: nearDeadline},
	{title: "新能源电池产业链精准招商", req: "9-10月签约亿元以上项目3个，新引进链上企业5家。", tag: "招商引资",
		lead: "区投资促进局", co: []string{"新能源电池产业链招商专班"}, leader: "leader2", cycle: "week", fate: overdue,
		problems: "意向企业要求配套标准化厂房，需协调产业园提前交付"},
	{title: "招商引资到位资金目标任务", req: "三季度末完成全年到位资金目标的75%。", tag: "招商引资",
		lead: "区商务局", co: []string{"区投资促进局"}, leader: "leader3", cycle: "month", fate: closed},
	{title: "签约项目“倒排工期”推进开工", req: "已签约未开工项目逐一倒排工期，10月底前开工率80%。", tag: "招商引资",
		lead: "区投资促进局", co: []string{"区发展和改革局", "区自然资源局"}, leader: "leader3", cycle: "week", fate: milestoneLate,
		milestones: []string{"项目注册", "施工许可", "开工"}},
	{title: "文旅康养项目招商推介会", req: "举办文旅康养专场推介会1场，现场签约项目不少于3个。", tag: "招商引资",
		lead: "区文化和旅游局", co: []string{"文旅康养招商专班"}, leader: "leader4", cycle: "week", fate: closed},
	{title: "优化营商环境“一件事一次办”", req: "上线“一件事一次办”事项20项，企业开办1个工作日办结。", tag: "营商环境",
		lead: "区数据局", co: []string{"区市场监督管理局"}, leader: "leader4", cycle: "month", fate: onTrack},
	{title: "规上工业企业培育入库", req: "年内新增规上工业企业10家。", tag: "工业经济",
		lead: "区工业和信息化局", co: []string{"区统计局"}, leader: "leader4", cycle: "month", fate: lagging},
	{title: "农村人居环境整治提升", req: "完成村庄清洁行动三季度战役，农村户厕问题整改率100%。", tag: "乡村振兴",
		lead: "区农业农村局", co: []string{"桃源乡", "金沙镇", "白塔镇"}, leader: "leader6", cycle: "month", fate: requested},
	{title: "义务教育学校扩容建设", req: "新建改扩建学校3所，秋季学期新增学位1800个。", tag: "民生实事",
		lead: "区教育体育局", co: []string{"区住房和城乡建设局"}, leader: "leader5", cycle: "month", fate: requested},
	{title: "城市生活垃圾分类示范片区", req: "建成2个垃圾分类示范片区，覆盖居民2万户。", tag: "民生实事",
		lead: "区城市管理局", co: []string{"东城街道"}, leader: "leader5", cycle: "month", fate: closedLate},
	{title: "统计数据质量核查", req: "对固定资产投资入库项目逐一核查，杜绝统计造假。", tag: "统计",
		lead: "区统计局", leader: "leader3", cycle: "month", fate: missing},
	{title: "金沙镇集镇污水处理厂提标改造", req: "出水水质稳定达到一级A标准。", tag: "生态环保",
		lead: "金沙镇", co: []string{"区生态环境分局", "区水务局"}, leader: "leader5", cycle: "week", fate: overdue},
	{title: "秸秆禁烧和野外用火管控", req: "秋收期间秸秆禁烧“零火点”。", tag: "生态环保",
		lead: "区生态环境分局", co: []string{"区农业农村局"}, leader: "leader6", cycle: "week", fate: onTrack},
}

// Tasks from a leader's instruction a few days ago: issued, not yet signed.
var instructionTasks = []demoTask{
	{title: "冬季供暖保障应急预案", req: "制定供暖保障应急预案，开展应急演练。", tag: "民生实事", lead: "区住房和城乡建设局", leader: "leader2", cycle: "week", fate: unsigned},
	{title: "冬春火灾防控专项行动", req: "对人员密集场所开展消防安全检查全覆盖。", tag: "安全生产", lead: "区应急管理局", co: []string{"区公安分局"}, leader: "leader2", cycle: "week", fate: unsigned},
	{title: "农民工工资支付专项检查", req: "春节前在建项目农民工工资无拖欠。", tag: "民生实事", lead: "区人力资源和社会保障局", leader: "leader4", cycle: "week", fate: unsigned},
}

// Drafts the office is still writing.
var draftTasks = []demoTask{
	{title: "2027年重点项目谋划储备", req: "谋划储备2027年重点项目不少于60个，总投资300亿元以上。", tag: "项目建设", lead: "区发展和改革局", leader: "leader3", cycle: "month", fate: draft},
	{title: "年度目标任务考核准备", req: "梳理年度目标任务完成情况，准备考核材料。", tag: "督查考核", lead: "区委办公室", leader: "leader1", cycle: "month", fate: draft},
}

// replay drives the services through time as the people of the district
// would, with the scheduler ticking twice a day, so timelines, reports,
// reminders, lights, the trend and the audit trail are all genuine.
type replay struct {
	a     *app.App
	clk   *clock.Fixed
	rng   *rand.Rand
	today calendar.Date // the real today the demo ends on
	ducha *auth.Actor
	users map[string]*auth.Actor // by username
	units map[string]int64       // by unit name
	admin map[int64]string       // unit id → its unit_admin's username
	staff map[int64]string       // unit id → its staff username
	tasks []*liveTask
}

type liveTask struct {
	demoTask
	id              int64
	issue, deadline calendar.Date
	milestones      []tasks.Milestone
	stopAt          calendar.Date // missing: the last day it reports
	requested       bool          // completion asked: no more reports
	reports         int           // filed so far
	signer          string        // who signs when the unit has no administrator (a village: its town's)
	done            bool          // completion handled
}

func (r *replay) at(d calendar.Date, hour, minute int) {
	r.clk.Advance(d.At(hour, minute).Sub(r.clk.Now()))
}

func (r *replay) actor(username string) (*auth.Actor, error) {
	if a, ok := r.users[username]; ok {
		return a, nil
	}
	a, err := r.a.Account.ActorFor(context.Background(), username)
	if err != nil {
		return nil, fmt.Errorf("demo user %s: %w", username, err)
	}
	r.users[username] = a
	return a, nil
}

// tick runs the scheduled jobs that are due, as a replica would.
func (r *replay) tick(ctx context.Context) error {
	_, err := r.a.Jobs.RunDue(ctx)
	return err
}

// Supervision replays the supervision office's last three months in the
// demo district: the 7-8月 dispatch meeting's tasks (named after the two
// months before the meeting), their signing, reports, reminders, an
// extension, completions and closings, a leader's instruction, drafts, and
// the daily zero report with two months of submissions and a few gaps. sim
// is an App on the demo database whose clock is clk; the replay moves clk
// from before the meeting to now.
func Supervision(ctx context.Context, sim *app.App, clk *clock.Fixed, now time.Time) error {
	r := &replay{a: sim, clk: clk, rng: rand.New(rand.NewPCG(7, 8)), today: calendar.DateOf(now),
		users: map[string]*auth.Actor{}, units: map[string]int64{}, admin: map[int64]string{}, staff: map[int64]string{}}
	if err := r.loadDirectory(ctx); err != nil {
		return err
	}
	var err error
	if r.ducha, err = r.actor("ducha"); err != nil {
		return err
	}
	cal := sim.Calendar
	// The meeting: the first Tuesday 12 weeks back, named after the two months before it.
	meetingDay := r.today.AddDays(-86)
	for meetingDay.Weekday() != time.Tuesday || !cal.IsWorkday(meetingDay) {
		meetingDay = meetingDay.AddDays(1)
	}
	issueDay := cal.AddWorkdays(meetingDay, 2)
	zeroStart := r.today.AddDays(-61)
	start := meetingDay.AddDays(-3)
	if zeroStart.Before(start) {
		start = zeroStart.AddDays(-1)
	}
	r.at(start, 9, 0)

	zero, err := r.zeroReport(ctx, zeroStart)
	if err != nil {
		return err
	}
	prev1, prev2 := meetingDay.AddMonths(-2), meetingDay.AddMonths(-1)
	meeting, err := sim.Tasks.SaveSource(ctx, r.ducha, 0, tasks.SourceInput{Kind: ptr(tasks.SourceMeeting), MeetingKind: ptr("dispatch"),
		Title:  ptr(fmt.Sprintf("%d年%d-%d月高质量发展重点工作调度会", prev2.Year(), prev1.Month(), prev2.Month())),
		HeldOn: &meetingDay, Year: ptr(meetingDay.Year()), Chair: ptr("区委书记"),
		Body: ptr("会议听取了重点项目建设、安全生产大排查大整治、森林防灭火、信访积案化解和招商引资目标任务推进情况汇报，" +
			"对下一阶段工作进行了安排部署。会议要求各牵头单位对照任务清单，倒排工期、挂图作战，确保按期完成。")})
	if err != nil {
		return err
	}
	instrDay := cal.AddWorkdays(r.today, -4)
	for d := start; !d.After(r.today); d = d.AddDays(1) {
		r.at(d, 9, 5)
		if err := r.tick(ctx); err != nil {
			return err
		}
		if d.Equal(issueDay) {
			if err := r.createAll(ctx, meeting.ID, meetingTasks, d, true); err != nil {
				return err
			}
		}
		if d.Equal(instrDay) {
			if err := r.instruction(ctx, d); err != nil {
				return err
			}
		}
		if d.Equal(r.today.AddDays(-1)) {
			if err := r.createAll(ctx, meeting.ID, draftTasks, d, false); err != nil {
				return err
			}
		}
		if cal.IsWorkday(d) {
			if err := r.workday(ctx, d); err != nil {
				return err
			}
			if !d.Before(zeroStart) {
				if err := r.zeroReports(ctx, zero, d); err != nil {
					return err
				}
			}
		}
		if d.Before(r.today) {
			r.at(d, 23, 55)
			if err := r.tick(ctx); err != nil {
				return err
			}
		}
	}
	r.clk.Advance(now.Sub(r.clk.Now()))
	return r.tick(ctx)
}

func ptr[T any](v T) *T { return &v }

// quietHandler passes on warnings and errors only.
type quietHandler struct{ slog.Handler }

func (q quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && q.Handler.Enabled(ctx, l)
}

// loadDirectory maps unit names to ids and units to their admin and staff users.
func (r *replay) loadDirectory(ctx context.Context) error {
	rows, err := r.a.DB.R.QueryContext(ctx, `SELECT u.id, u.name, x.username, x.roles FROM units u
		LEFT JOIN users x ON x.unit_id = u.id AND x.active = TRUE ORDER BY u.id, x.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		var username, roles *string
		if err := rows.Scan(&id, &name, &username, &roles); err != nil {
			return err
		}
		r.units[name] = id
		if username == nil {
			continue
		}
		rs := strings.Split(*roles, ",")
		if slices.Contains(rs, string(auth.UnitAdmin)) && r.admin[id] == "" {
			r.admin[id] = *username
		}
		if (slices.Contains(rs, string(auth.Staff)) || slices.Contains(rs, string(auth.Field))) && r.staff[id] == "" {
			r.staff[id] = *username
		}
	}
	return rows.Err()
}

// deadlineFor picks a deadline that leads the task to its fate by today.
func (r *replay) deadlineFor(f fate, issue calendar.Date) calendar.Date {
	cal, t := r.a.Calendar, r.today
	switch f {
	case nearDeadline:
		return cal.AddWorkdays(t, 2)
	case overdue:
		return cal.AddWorkdays(t, -8)
	case refused:
		return cal.AddWorkdays(t, -4)
	case extended:
		return cal.AddWorkdays(t, -3)
	case closed:
		return cal.AddWorkdays(issue, 30+r.rng.IntN(15))
	case closedLate:
		return cal.AddWorkdays(issue, 25)
	case requested, returned:
		return t.AddDays(12 + r.rng.IntN(10))
	case lagging:
		return t.AddDays(25 + r.rng.IntN(10))
	}
	return t.AddDays(40 + r.rng.IntN(80))
}

func (r *replay) createAll(ctx context.Context, sourceID int64, list []demoTask, day calendar.Date, issue bool) error {
	for _, dt := range list {
		lead, ok := r.units[dt.lead]
		if !ok {
			return fmt.Errorf("demo task %s: no unit %s", dt.title, dt.lead)
		}
		var co []int64
		for _, c := range dt.co {
			id, ok := r.units[c]
			if !ok {
				return fmt.Errorf("demo task %s: no unit %s", dt.title, c)
			}
			co = append(co, id)
		}
		leader, err := r.actor(dt.leader)
		if err != nil {
			return err
		}
		kind := dt.kind
		if kind == "" {
			kind = tasks.KindOnce
		}
		lt := &liveTask{demoTask: dt, issue: day}
		in := tasks.TaskInput{SourceID: &sourceID, Title: ptr(dt.title), Requirements: ptr(dt.req), Kind: &kind,
			ReportCycle: ptr(dt.cycle), LeaderIDs: &[]int64{leader.UserID}, LeadUnitID: &lead, CoUnitIDs: &co,
			Tags: &[]string{dt.tag}, StartOn: &day, Issue: issue}
		if kind != tasks.KindLongTerm {
			lt.deadline = r.deadlineFor(dt.fate, day)
			in.Deadline = &lt.deadline
		}
		admin, err := r.actor(r.admin[lead])
		if err == nil {
			in.ResponsibleName = ptr(admin.RealName)
		}
		if len(dt.milestones) > 0 {
			ms := make([]tasks.MilestoneInput, len(dt.milestones))
			end := lt.deadline
			if end.IsZero() {
				end = r.today.AddDays(90)
			}
			span := day.DaysUntil(end)
			for i, name := range dt.milestones {
				due := day.AddDays(span * (i + 1) / (len(dt.milestones) + 1))
				if dt.fate == milestoneLate && i == 0 {
					due = r.a.Calendar.AddWorkdays(r.today, -6)
				}
				ms[i] = tasks.MilestoneInput{Name: name, DueOn: due, Weight: 1}
			}
			in.Milestones = &ms
		}
		r.at(day, 10, 0)
		t, err := r.a.Tasks.Create(ctx, r.ducha, in)
		if err != nil {
			return fmt.Errorf("demo task %s: %w", dt.title, err)
		}
		lt.id = t.ID
		if len(dt.milestones) > 0 {
			det, err := r.a.Tasks.Detail(ctx, r.ducha, t.ID)
			if err != nil {
				return err
			}
			lt.milestones = det.Milestones
		}
		if dt.fate == missing { // silent since before the last complete cycle
			lt.stopAt = r.today.AddDays(-17)
			if dt.cycle == "month" {
				lt.stopAt = r.today.FirstOfMonth().AddDays(-10)
			}
		}
		if issue {
			r.tasks = append(r.tasks, lt)
		}
	}
	return nil
}

// instruction is a leader's written instruction a few days ago, turned
// into tasks the office issued at once and the units have not yet signed.
func (r *replay) instruction(ctx context.Context, day calendar.Date) error {
	leader, err := r.actor("leader2")
	if err != nil {
		return err
	}
	r.at(day, 9, 30)
	src, err := r.a.Tasks.SaveSource(ctx, r.ducha, 0, tasks.SourceInput{Kind: ptr(tasks.SourceInstruction),
		Title: ptr("关于做好今冬明春安全稳定和民生保障工作的批示"), HeldOn: &day, Year: ptr(day.Year()), LeaderID: &leader.UserID,
		Body:     ptr("请督查室牵头，对冬季供暖、火灾防控、农民工工资支付等工作逐项交办，明确时限，跟踪问效。"),
		Document: ptr("《区应急管理局关于冬春安全形势的报告》")})
	if err != nil {
		return err
	}
	return r.createAll(ctx, src.ID, instructionTasks, day, true)
}

// workday is what the units and the office do on a working day.
func (r *replay) workday(ctx context.Context, d calendar.Date) error {
	cal := r.a.Calendar
	for _, lt := range r.tasks {
		if lt.done || d.Before(lt.issue) {
			continue
		}
		lead := r.units[lt.lead]
		signer := r.admin[lead]
		if signer == "" {
			signer = lt.signer
		}
		admin, err := r.actor(signer)
		if err != nil {
			return err
		}
		// Units sign within a working day or two; the instruction's tasks wait.
		if lt.fate != unsigned && d.Equal(cal.AddWorkdays(lt.issue, 1+int(lt.id%2))) {
			r.at(d, 9, 40)
			if err := r.a.Tasks.Sign(ctx, admin, lt.id); err != nil {
				return fmt.Errorf("sign %s: %w", lt.title, err)
			}
			if lt.split {
				if err := r.split(ctx, admin, lt, d); err != nil {
					return err
				}
			}
		}
		if lt.fate == unsigned || !d.After(cal.AddWorkdays(lt.issue, 2)) {
			continue
		}
		if err := r.progress(ctx, lt, admin, d); err != nil {
			return fmt.Errorf("%s on %s: %w", lt.title, d, err)
		}
		if err := r.office(ctx, lt, admin, d); err != nil {
			return fmt.Errorf("%s on %s: %w", lt.title, d, err)
		}
	}
	return nil
}

// progress files the task's report on the last working day of each cycle.
func (r *replay) progress(ctx context.Context, lt *liveTask, admin *auth.Actor, d calendar.Date) error {
	cal := r.a.Calendar
	_, end := calendar.CycleOf(calendar.Period(lt.cycle), lt.issue, d)
	last := end
	for !cal.IsWorkday(last) {
		last = last.AddDays(-1)
	}
	if !d.Equal(last) && !d.Equal(r.today) {
		return nil
	}
	if lt.requested || lt.fate == missing && d.After(lt.stopAt) {
		return nil
	}
	if d.Equal(r.today) && !d.Equal(last) {
		return nil // today's cycle is still open: most units report at its end
	}
	staffName := r.staff[r.units[lt.lead]]
	reporter := admin
	if staffName != "" {
		var err error
		if reporter, err = r.actor(staffName); err != nil {
			return err
		}
	}
	pct := r.percent(lt, d)
	in := tasks.ReportInput{Percent: pct, Content: progressText(lt, pct)}
	if lt.problems != "" && d.After(lt.issue.AddDays(14)) && d.Before(lt.issue.AddDays(22)) {
		in.Problems = lt.problems
	}
	for i, m := range lt.milestones {
		if m.DoneOn.IsZero() && !m.DueOn.After(d) && !(lt.fate == milestoneLate && m.DueOn.Equal(cal.AddWorkdays(r.today, -6))) {
			in.MilestonesDone = append(in.MilestonesDone, m.ID)
			lt.milestones[i].DoneOn = d
		}
	}
	r.at(d, 15, 10+r.rng.IntN(40))
	lt.reports++
	if lt.tag == "项目建设" && lt.reports%3 == 1 { // construction reports carry a site photo now and then
		id, err := r.photo(ctx, reporter, lt, pct, fmt.Sprintf("现场照片%s.png", d.String()))
		if err != nil {
			return err
		}
		in.FileIDs = []int64{id}
	}
	_, err := r.a.Tasks.Report(ctx, reporter, lt.id, in)
	return err
}

// photo uploads a generated site photo to the task as its unit would.
func (r *replay) photo(ctx context.Context, a *auth.Actor, lt *liveTask, pct int, name string) (int64, error) {
	f, err := r.a.Attachments.Upload(ctx, a, "task", fmt.Sprint(lt.id), name, bytes.NewReader(sitePhoto(r.rng, pct)))
	if err != nil {
		return 0, fmt.Errorf("photo: %w", err)
	}
	return f.ID, nil
}

// percent is the reported progress: the elapsed share of the span, bent by fate.
func (r *replay) percent(lt *liveTask, d calendar.Date) int {
	end := lt.deadline
	if end.IsZero() {
		end = lt.issue.AddDays(180)
	}
	share := float64(lt.issue.DaysUntil(d)) / float64(max(1, lt.issue.DaysUntil(end)))
	switch lt.fate {
	case lagging:
		share *= 0.35
	case overdue, refused:
		share *= 0.75
	case closed, closedLate, requested, returned:
		share *= 1.05
	case nearDeadline:
		share = min(share, 0.88)
	}
	return max(5, min(95, int(share*100)+r.rng.IntN(5)))
}

func progressText(lt *liveTask, pct int) string {
	switch {
	case pct < 30:
		return "已完成前期准备，制定了工作方案，明确了责任分工和时间节点，正在组织实施。"
	case pct < 60:
		return fmt.Sprintf("按照工作方案有序推进，“%s”各项措施正在落实，完成总体进度约%d%%。", lt.title, pct)
	case pct < 90:
		return fmt.Sprintf("主体工作基本完成，完成总体进度约%d%%，正在开展扫尾和自查。", pct)
	}
	return "各项任务已基本完成，正在整理佐证材料，准备申请办结。"
}

// office is the supervision office's side and the completion steps.
func (r *replay) office(ctx context.Context, lt *liveTask, admin *auth.Actor, d calendar.Date) error {
	cal, t, s := r.a.Calendar, r.today, r.a.Tasks
	switch lt.fate {
	case closed, closedLate, requested, returned:
		ask := cal.AddWorkdays(lt.deadline, -5)
		switch lt.fate {
		case closedLate:
			ask = cal.AddWorkdays(lt.deadline, 2)
		case requested:
			ask = cal.AddWorkdays(t, -2)
		case returned:
			ask = cal.AddWorkdays(t, -8)
		}
		if d.Equal(ask) {
			r.at(d, 16, 30)
			evidence, err := r.photo(ctx, admin, lt, 100, "完成情况佐证照片.png")
			if err != nil {
				return err
			}
			if err := s.RequestCompletion(ctx, admin, lt.id, tasks.CompletionInput{
				Summary: "各项目标任务已全部完成，佐证材料已上传，申请办结。", FileIDs: []int64{evidence}}); err != nil {
				return fmt.Errorf("request completion: %w", err)
			}
			lt.requested = true
		}
		if d.Equal(cal.AddWorkdays(ask, 2)) {
			r.at(d, 10, 20)
			switch lt.fate {
			case returned:
				lt.done = true
				return s.Return(ctx, r.ducha, lt.id, "佐证材料不全：缺少防火隔离带验收记录和现场照片，请补充后重新申请。")
			case closed, closedLate:
				lt.done = true
				return s.Close(ctx, r.ducha, lt.id, "经核查，任务已按要求完成，予以销号。")
			}
		}
	case extended, refused:
		ask := cal.AddWorkdays(lt.deadline, -5)
		if d.Equal(ask) {
			r.at(d, 11, 0)
			ext, err := s.RequestExtension(ctx, admin, lt.id, tasks.ExtensionInput{NewDeadline: lt.deadline.AddDays(30),
				Reason: "受连续降雨影响，施工进度滞后，申请延期30天。"})
			if err != nil {
				return fmt.Errorf("extension: %w", err)
			}
			r.at(cal.AddWorkdays(d, 1), 10, 0)
			if lt.fate == extended {
				lt.deadline = lt.deadline.AddDays(30)
				_, err = s.DecideExtension(ctx, r.ducha, ext.ID, true, "情况属实，同意延期。")
			} else {
				_, err = s.DecideExtension(ctx, r.ducha, ext.ID, false, "该任务为年度硬任务，不予延期，请加派力量确保完成。")
			}
			return err
		}
	case overdue:
		if d.Equal(cal.AddWorkdays(lt.deadline, 2)) {
			r.at(d, 14, 0)
			if _, err := s.Notice(ctx, r.ducha, lt.id, tasks.ActionInput{Content: "该任务已超过完成时限，请于3个工作日内报送整改措施和完成时限。"}); err != nil {
				return fmt.Errorf("notice: %w", err)
			}
		}
		if d.Equal(cal.AddWorkdays(lt.deadline, 5)) && lt.tag == "项目建设" {
			r.at(d, 15, 0)
			if _, err := s.Interview(ctx, r.ducha, lt.id, tasks.ActionInput{Interviewee: "牵头单位主要负责人", HeldOn: d,
				Content: "约谈牵头单位主要负责人，指出任务逾期问题，要求制定整改方案，倒排工期，每周报送进展。"}); err != nil {
				return fmt.Errorf("interview: %w", err)
			}
		}
	case lagging:
		if d.Equal(cal.AddWorkdays(t, -3)) {
			leader, err := r.actor(lt.leader)
			if err != nil {
				return err
			}
			r.at(d, 11, 30)
			if _, err := s.Remind(ctx, leader, lt.id, "进度明显滞后于序时进度，请加快推进，下周调度时专题汇报。"); err != nil {
				return fmt.Errorf("remind: %w", err)
			}
		}
	}
	if lt.problems != "" && d.Equal(cal.AddWorkdays(lt.issue, 20)) { // the problem was raised in its third week
		return r.answerCoordination(ctx, lt, d)
	}
	return nil
}

// answerCoordination: the lead leader answers the first open item of the task.
func (r *replay) answerCoordination(ctx context.Context, lt *liveTask, d calendar.Date) error {
	leader, err := r.actor(lt.leader)
	if err != nil {
		return err
	}
	det, err := r.a.Tasks.Detail(ctx, leader, lt.id)
	if err != nil {
		return err
	}
	for _, c := range det.Coordination {
		if c.Status == "open" {
			r.at(d, 17, 0)
			_, err := r.a.Tasks.AnswerCoordination(ctx, leader, c.ID, "已召集相关部门专题研究，明确由区自然资源局牵头，两周内办结。")
			return err
		}
	}
	return nil
}

// split: the town hands the work to three of its villages.
func (r *replay) split(ctx context.Context, admin *auth.Actor, lt *liveTask, d calendar.Date) error {
	rows, err := r.a.DB.R.QueryContext(ctx, `SELECT id, name FROM units WHERE parent_id = $1 ORDER BY sort_order, id LIMIT 3`,
		r.units[lt.lead])
	if err != nil {
		return err
	}
	type village struct {
		id   int64
		name string
	}
	var villages []village
	for rows.Next() {
		var v village
		if err := rows.Scan(&v.id, &v.name); err != nil {
			rows.Close()
			return err
		}
		villages = append(villages, v)
	}
	rows.Close()
	for i, v := range villages {
		r.at(d, 11, 10*i)
		kind := tasks.KindOnce
		sub, err := r.a.Tasks.Split(ctx, admin, lt.id, tasks.TaskInput{Title: ptr(v.name + "护林员巡山值守"),
			Requirements: ptr("落实2名护林员，每日巡山2次，填写巡护日志。"), Kind: &kind, ReportCycle: ptr("week"),
			LeadUnitID: &v.id, StartOn: &d, Deadline: &lt.deadline})
		if err != nil {
			return fmt.Errorf("split: %w", err)
		}
		r.units[v.name] = v.id
		r.tasks = append(r.tasks, &liveTask{id: sub.ID, issue: d, deadline: lt.deadline, signer: admin.Username,
			demoTask: demoTask{title: sub.Title, lead: v.name, cycle: "week", fate: onTrack, tag: lt.tag}})
	}
	return nil
}

// zeroReport creates the daily zero report as the office would.
func (r *replay) zeroReport(ctx context.Context, from calendar.Date) (int64, error) {
	ob, err := r.a.Reports.CreateZeroReport(ctx, r.ducha, reports.ObligationInput{ActiveFrom: &from})
	if err != nil {
		return 0, err
	}
	return ob.ID, nil
}

// zeroReports: most units report before the 17:00 cut-off; a few forget.
func (r *replay) zeroReports(ctx context.Context, obligation int64, d calendar.Date) error {
	ob, err := r.a.Reports.GetObligation(ctx, r.ducha, obligation)
	if err != nil {
		return err
	}
	var seeds []reports.SubmissionSeed
	for _, u := range ob.Units {
		miss := r.rng.IntN(100) < 4 // a few gaps
		if d.Equal(r.today) {
			miss = r.rng.IntN(100) < 12 // today: some have not reported yet
		}
		if miss {
			continue
		}
		by := r.staff[u.ID]
		if by == "" {
			by = r.admin[u.ID]
		}
		actor, err := r.actor(by)
		if err != nil {
			return err
		}
		sd := reports.SubmissionSeed{ObligationID: obligation, UnitID: u.ID, DueOn: d, SubmittedBy: actor.UserID,
			SubmittedAt: d.At(8+r.rng.IntN(8), r.rng.IntN(60)).UTC(), Nothing: r.rng.IntN(10) > 0}
		if !sd.Nothing {
			sd.Values = map[string]any{"has_matters": true, "content": "辖区内发生一起轻微交通事故，无人员伤亡，已妥善处置。"}
		}
		seeds = append(seeds, sd)
	}
	r.at(d, 16, 59)
	return r.a.Audit.Write(ctx, r.ducha, func(w *audit.W) error {
		if err := r.a.Reports.SeedSubmissions(ctx, w, seeds); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "demo.zero_reports", ObjectType: "report_obligation", ObjectID: fmt.Sprint(obligation),
			Summary: fmt.Sprintf("演示数据：%s 零报告 %d 份", d, len(seeds))})
	})
}

// District builds the whole demo on the served app's empty database: the
// district (Build) and its recent work (Supervision), replayed on a second
// App over the same database whose clock starts 100 days ago and is moved
// forward to the served app's now.
func District(ctx context.Context, served *app.App, scale int) (*Result, error) {
	now := served.Clock.Now()
	clk := &clock.Fixed{T: now.AddDate(0, 0, -100)}
	sim, err := app.Wire(served.Cfg, served.DB, clk)
	if err != nil {
		return nil, err
	}
	// The replay runs the scheduler a few hundred times; its per-run log
	// lines would bury the demo's own output.
	prev := slog.Default()
	slog.SetDefault(slog.New(quietHandler{prev.Handler()}))
	defer slog.SetDefault(prev)
	res, err := Build(ctx, sim.Audit, scale)
	if err != nil {
		return nil, err
	}
	if err := Supervision(ctx, sim, clk, now); err != nil {
		return nil, fmt.Errorf("demo supervision: %w", err)
	}
	// The shared registry (chains, enterprises) first: the projects, tours
	// and investment demos look their enterprises and chains up in it.
	if err := Registry(ctx, served); err != nil {
		return nil, fmt.Errorf("demo registry: %w", err)
	}
	// Key projects (重点项目): a year of reports on its own replayed clock.
	if err := Projects(ctx, served); err != nil {
		return nil, fmt.Errorf("demo projects: %w", err)
	}
	// Observation tours need the key projects: keep this after Projects.
	if err := Tours(ctx, served); err != nil {
		return nil, fmt.Errorf("demo tours: %w", err)
	}
	// Investment attraction: after the key projects (it converts a few
	// signed leads into projects of its own).
	if err := Invest(ctx, served); err != nil {
		return nil, fmt.Errorf("demo invest: %w", err)
	}
	// Households (户) by village: the fire letters and, later, the citizens' module use them.
	if err := Households(ctx, served); err != nil {
		return nil, fmt.Errorf("demo households: %w", err)
	}
	// Work safety (安全生产): enterprises from the registry, a campaign, hazards.
	if err := Safety(ctx, served); err != nil {
		return nil, fmt.Errorf("demo safety: %w", err)
	}
	// Forest fire prevention: warnings and letters (after Households), then the field work.
	if err := Fire(ctx, served); err != nil {
		return nil, fmt.Errorf("demo fire: %w", err)
	}
	if err := Patrol(ctx, served); err != nil {
		return nil, fmt.Errorf("demo patrol: %w", err)
	}
	return res, nil
}
