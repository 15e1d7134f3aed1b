import { describe, expect, it } from 'vitest'
import { buildGanttOption, dayTs, ganttRowAt, ganttRowsFromMilestones, ganttRowsFromTasks, GANTT_COLORS, type GanttLabels } from '@/views/supervision/gantt'
import { buildTrendOption } from '@/views/supervision/charts'
import { LIGHT_COLORS } from '@/views/supervision/taskFormat'
import type { Milestone } from '@/api/tasks'
import { task } from './SupervisionFixtures'

const labels: GanttLabels = {
  today: '今天',
  plan: (s, e) => `计划：${s} 至 ${e}`,
  due: (d) => `计划完成：${d}`,
  done: (d) => `实际完成：${d}`,
  pending: '未完成',
}
const ms = (id: number, due: string, done: string | null, late = false): Milestone => ({ id, name: `节点${id}`, due_on: due, weight: 50, done_on: done, late })

/** A fake ECharts render API: x in days from 2026-07-01 times 10 px, rows 40 px apart. */
const api = (values: number[]) => ({
  value: (i: number) => values[i],
  coord: ([x, y]: [number, number]) => [((x - Date.UTC(2026, 6, 1)) / 86_400_000) * 10, y * 40 + 20],
  size: () => [0, 40],
})
const params = (i: number) => ({ dataIndex: i, coordSys: { x: 0, y: 0, width: 1000, height: 400 } })

describe('gantt option builder', () => {
  const rows = [
    { task: task(1, { start_on: '2026-07-01', deadline: '2026-09-30', progress: 50, light: 'red' }), milestones: [ms(1, '2026-08-01', '2026-08-05', true), ms(2, '2026-09-01', null)] },
    { task: task(2, { start_on: '2026-07-10', deadline: null, status: 'closed', light: 'none' }), milestones: [ms(3, '2026-10-15', '2026-10-10')] },
  ]
  const bars = ganttRowsFromTasks(rows)
  const option = buildGanttOption(bars, '2026-08-20', labels)

  it('makes one row per task, labelled by number and title, spanning start to deadline or the last milestone', () => {
    expect(option.yAxis.data).toEqual(['示督〔2026〕1号 任务1', '示督〔2026〕2号 任务2'])
    expect(bars[0]).toMatchObject({ start: '2026-07-01', end: '2026-09-30', progress: 50, tone: 'late' })
    // No deadline (long-term): the last milestone ends the bar.
    expect(bars[1]).toMatchObject({ end: '2026-10-15', tone: 'done' })
    expect(option.series[0].data).toHaveLength(2)
    expect(option.series[1].data).toHaveLength(3)
  })

  it('marks today with a dashed line and keeps it inside the axis', () => {
    const markLine = option.series[0].markLine as { data: { xAxis: number }[]; label: { formatter: string } }
    expect(markLine.data[0].xAxis).toBe(dayTs('2026-08-20'))
    expect(markLine.label.formatter).toBe('今天')
    expect(option.xAxis.min).toBeLessThan(dayTs('2026-07-01')!)
    expect(option.xAxis.max).toBeGreaterThan(dayTs('2026-10-15')!)
  })

  it('draws late milestones red, reached ones green, pending ones blue', () => {
    const render = option.series[1].renderItem as (p: unknown, a: unknown) => { children: { type: string; style: { stroke?: string; fill?: string } }[] }
    const strokeOf = (i: number) => {
      const d = (option.series[1].data[i] as { value: number[] }).value
      return render(params(i), api(d)).children[0].style.stroke
    }
    expect(strokeOf(0)).toBe(GANTT_COLORS.late)
    expect(strokeOf(1)).toBe(GANTT_COLORS.normal)
    expect(strokeOf(2)).toBe(GANTT_COLORS.done)
    // A reached milestone gets a dot on the day it was reached, joined to the plan.
    const d0 = (option.series[1].data[0] as { value: number[] }).value
    const shapes = render(params(0), api(d0)).children.map((c) => c.type)
    expect(shapes).toEqual(['polygon', 'line', 'circle'])
    // A pending one only its diamond.
    const d1 = (option.series[1].data[1] as { value: number[] }).value
    expect(render(params(1), api(d1)).children.map((c) => c.type)).toEqual(['polygon'])
  })

  it('fills the plan bar to the progress', () => {
    const render = option.series[0].renderItem as (p: unknown, a: unknown) => { children: { shape: { width: number }; style: { fill: string } }[] }
    const d = (option.series[0].data[0] as { value: number[] }).value
    const [plan, done] = render(params(0), api(d)).children
    expect(done.shape.width).toBeCloseTo(plan.shape.width / 2)
    expect(done.style.fill).toBe(GANTT_COLORS.late)
    expect(plan.style.fill).toBe(GANTT_COLORS.plan)
  })

  it('tells which task a click on a bar or a milestone belongs to', () => {
    expect(ganttRowAt(bars, 0, 1)?.id).toBe(2)
    expect(ganttRowAt(bars, 1, 1)?.id).toBe(1)
    expect(ganttRowAt(bars, 1, 2)?.id).toBe(2)
    expect(ganttRowAt(bars, 1, 9)).toBeUndefined()
  })

  it('escapes names in the tooltip', () => {
    const evil = ganttRowsFromTasks([{ task: task(3, { number: '', title: '<img src=x>' }), milestones: [] }])
    const o = buildGanttOption(evil, '2026-08-20', labels)
    const tip = (o.tooltip as { formatter: (p: unknown) => string }).formatter({ seriesIndex: 0, dataIndex: 0 })
    expect(tip).not.toContain('<img')
    expect(tip).toContain('&#60;img')
  })
})

describe('milestone rows of one task', () => {
  it('run from the previous milestone (or the start) to each due date, in date order', () => {
    const bars = ganttRowsFromMilestones({ start_on: '2026-07-01' }, [ms(2, '2026-09-01', null, true), ms(1, '2026-08-01', '2026-07-28')])
    expect(bars.map((b) => [b.label, b.start, b.end, b.tone, b.progress])).toEqual([
      ['节点1', '2026-07-01', '2026-08-01', 'done', 100],
      ['节点2', '2026-08-01', '2026-09-01', 'late', 0],
    ])
  })
})

describe('trend option', () => {
  it('stacks green, yellow and red and draws closed on its own axis', () => {
    const o = buildTrendOption(
      [
        { day: '2026-11-01', open: 10, green: 6, yellow: 3, red: 1, closed: 4 },
        { day: '2026-11-02', open: 11, green: 6, yellow: 3, red: 2, closed: 5 },
      ],
      { green: '绿灯', yellow: '黄灯', red: '红灯', closed: '累计销号' },
    )
    const [g, y, r, c] = o.series as Array<Record<string, unknown> & { data: number[]; itemStyle: { color: string } }>
    expect([g.stack, y.stack, r.stack]).toEqual(['open', 'open', 'open'])
    expect(r.data).toEqual([1, 2])
    expect(r.itemStyle.color).toBe(LIGHT_COLORS.red)
    expect(c).toMatchObject({ name: '累计销号', yAxisIndex: 1, data: [4, 5] })
    expect(c.stack).toBeUndefined()
    expect(o.xAxis.data).toEqual(['2026-11-01', '2026-11-02'])
  })
})
