// The milestone Gantt chart as an ECharts option, built by pure functions:
// one row per task (the ledger's Gantt page) or per milestone (a task's
// page). Each row has a plan bar (start → end, filled to the progress) and
// milestone marks: a diamond on the planned date, a dot on the actual one,
// red when late. A dashed line marks today.
import type { GanttRow, Milestone, Task } from '@/api/tasks'
import { LIGHT_COLORS } from './taskFormat'

export interface GanttMark {
  name: string
  due: string | null
  done: string | null
  late: boolean
}

export interface GanttBar {
  /** Task id (for a click) or milestone id. */
  id: number
  label: string
  start: string | null
  end: string | null
  /** 0..100: how much of the plan bar is filled. */
  progress: number
  tone: 'normal' | 'late' | 'done'
  marks: GanttMark[]
}

export interface GanttLabels {
  today: string
  plan: (start: string, end: string) => string
  due: (date: string) => string
  done: (date: string) => string
  pending: string
}

export const GANTT_COLORS = {
  plan: '#d2dcec',
  normal: '#1e50a2',
  late: LIGHT_COLORS.red,
  done: LIGHT_COLORS.green,
  today: LIGHT_COLORS.red,
}

const DAY = 86_400_000

/** A business date as a UTC midnight timestamp (the axis runs in UTC). */
export function dayTs(d: string | null | undefined): number | null {
  if (!d) return null
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d)
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null
}

function maxDate(...ds: (string | null | undefined)[]): string | null {
  return ds.filter((d): d is string => !!d).sort().pop() ?? null
}

function minDate(...ds: (string | null | undefined)[]): string | null {
  return ds.filter((d): d is string => !!d).sort()[0] ?? null
}

const markOf = (m: Milestone): GanttMark => ({ name: m.name, due: m.due_on, done: m.done_on, late: m.late })

function toneOf(task: Task): GanttBar['tone'] {
  if (task.status === 'closed') return 'done'
  return task.light === 'red' ? 'late' : 'normal'
}

/**
 * One row per task: its span from start to deadline, milestones as marks.
 * Labelled "number title", or the title alone where room is short (phones).
 */
export function ganttRowsFromTasks(rows: GanttRow[], withNumber = true): GanttBar[] {
  return rows.map(({ task, milestones }) => {
    const ms = milestones ?? []
    const dues = ms.map((m) => m.due_on)
    return {
      id: task.id,
      label: withNumber && task.number ? `${task.number} ${task.title}` : task.title,
      start: minDate(task.start_on, ...dues),
      end: maxDate(task.deadline, ...dues),
      progress: task.progress,
      tone: toneOf(task),
      marks: ms.map(markOf),
    }
  })
}

/** One row per milestone: from the previous milestone (or the start) to its due date. */
export function ganttRowsFromMilestones(task: Pick<Task, 'start_on'>, milestones: Milestone[]): GanttBar[] {
  const sorted = [...milestones].sort((a, b) => (a.due_on ?? '').localeCompare(b.due_on ?? ''))
  let prev = task.start_on
  return sorted.map((m) => {
    const bar: GanttBar = {
      id: m.id,
      label: m.name,
      start: minDate(prev, m.due_on),
      end: m.due_on,
      progress: m.done_on ? 100 : 0,
      tone: m.late ? 'late' : m.done_on ? 'done' : 'normal',
      marks: [markOf(m)],
    }
    prev = m.due_on ?? prev
    return bar
  })
}

/** One item per mark of every bar, in the order of the marks series. */
function flatMarks(bars: GanttBar[]): { row: number; mark: GanttMark }[] {
  return bars.flatMap((b, row) => b.marks.map((mark) => ({ row, mark })))
}

/** The bar (row) an item click landed on: a plan bar (series 0) or one of its marks (series 1). */
export function ganttRowAt(bars: GanttBar[], seriesIndex: number, dataIndex: number): GanttBar | undefined {
  if (seriesIndex === 0) return bars[dataIndex]
  const hit = flatMarks(bars)[dataIndex]
  return hit ? bars[hit.row] : undefined
}

/** Chart height for n rows: a readable band per row, a floor for one or two. */
export function ganttHeight(n: number, band = 36): number {
  return Math.max(160, n * band + 72)
}

/** Shortens a long label for the axis (the tooltip shows it whole). */
export function shortLabel(s: string, max = 18): string {
  const chars = [...s]
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : s
}

interface RenderApi {
  value: (dim: number) => number
  coord: (v: [number, number]) => number[]
  size: (v: [number, number]) => number[]
}

interface RenderParams {
  dataIndex: number
  coordSys: { x: number; y: number; width: number; height: number }
}

export interface GanttOption {
  [key: string]: unknown
  series: Array<Record<string, unknown> & { data: unknown[] }>
  yAxis: { data: string[]; [key: string]: unknown }
  xAxis: { min: number; max: number; [key: string]: unknown }
}

function markColor(m: GanttMark): string {
  if (m.late) return GANTT_COLORS.late
  return m.done ? GANTT_COLORS.done : GANTT_COLORS.normal
}

/**
 * The option for rows of bars and marks. `today` is YYYY-MM-DD (Asia/Shanghai).
 * Pure: the render functions only read the rows they close over.
 */
export function buildGanttOption(bars: GanttBar[], today: string, labels: GanttLabels, opts: { labelWidth?: number } = {}): GanttOption {
  const todayTs = dayTs(today) ?? 0
  const starts = bars.map((b) => dayTs(b.start)).filter((v): v is number => v !== null)
  const ends = bars.flatMap((b) => [dayTs(b.end), ...b.marks.map((m) => dayTs(m.done))]).filter((v): v is number => v !== null)
  const lo = Math.min(todayTs, ...starts, ...ends)
  const hi = Math.max(todayTs, ...starts, ...ends)
  const pad = Math.max(3 * DAY, Math.round((hi - lo) * 0.03))

  const barData = bars.map((b, i) => {
    const s = dayTs(b.start)
    const e = dayTs(b.end)
    return { name: b.label, value: [i, s ?? e ?? todayTs, e ?? s ?? todayTs, b.progress] }
  })
  const marks = flatMarks(bars)
  const markData = marks.map(({ row, mark }) => ({
    name: mark.name,
    value: [dayTs(mark.due) ?? dayTs(mark.done) ?? todayTs, row, dayTs(mark.done) ?? Number.NaN],
  }))

  const renderBar = (params: RenderParams, api: RenderApi) => {
    const bar = bars[params.dataIndex]
    const row = api.value(0)
    const [x0, y] = api.coord([api.value(1), row])
    const [x1] = api.coord([api.value(2), row])
    const band = api.size([0, 1])[1]
    const h = Math.max(6, band * 0.36)
    const w = Math.max(2, x1 - x0)
    const fill = (w * Math.max(0, Math.min(100, api.value(3)))) / 100
    const color = GANTT_COLORS[bar.tone]
    return {
      type: 'group',
      children: [
        { type: 'rect', shape: { x: x0, y: y - h / 2, width: w, height: h, r: h / 2 }, style: { fill: GANTT_COLORS.plan } },
        { type: 'rect', shape: { x: x0, y: y - h / 2, width: fill, height: h, r: h / 2 }, style: { fill: color } },
      ],
    }
  }

  const renderMark = (params: RenderParams, api: RenderApi) => {
    const { mark } = marks[params.dataIndex]
    const row = api.value(1)
    const [xd, y] = api.coord([api.value(0), row])
    const band = api.size([0, 1])[1]
    const r = Math.max(4, Math.min(7, band * 0.2))
    const color = markColor(mark)
    const children: Record<string, unknown>[] = [
      {
        type: 'polygon',
        shape: { points: [[xd, y - r], [xd + r, y], [xd, y + r], [xd - r, y]] },
        style: { fill: '#fff', stroke: color, lineWidth: 2 },
      },
    ]
    const doneTs = api.value(2)
    if (mark.done && Number.isFinite(doneTs)) {
      const [xa] = api.coord([doneTs, row])
      if (Math.abs(xa - xd) > 1) {
        children.push({ type: 'line', shape: { x1: xd, y1: y, x2: xa, y2: y }, style: { stroke: color, lineWidth: 2, lineDash: [3, 2] } })
      }
      children.push({ type: 'circle', shape: { cx: xa, cy: y, r: r - 1 }, style: { fill: color, stroke: '#fff', lineWidth: 1 } })
    }
    return { type: 'group', children }
  }

  const tooltip = (p: { seriesIndex: number; dataIndex: number }): string => {
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
    if (p.seriesIndex === 0) {
      const b = bars[p.dataIndex]
      const plan = b.start && b.end ? labels.plan(b.start, b.end) : ''
      return [`<b>${esc(b.label)}</b>`, esc(plan), `${b.progress}%`].filter(Boolean).join('<br>')
    }
    const { row, mark } = marks[p.dataIndex]
    const state = mark.done ? labels.done(mark.done) : labels.pending
    return [`<b>${esc(mark.name)}</b>`, esc(bars[row].label), mark.due ? esc(labels.due(mark.due)) : '', esc(state)]
      .filter(Boolean)
      .join('<br>')
  }

  return {
    animation: false,
    useUTC: true,
    grid: { left: 8, right: 24, top: 28, bottom: 24, containLabel: true },
    tooltip: { trigger: 'item', confine: true, formatter: tooltip },
    xAxis: {
      type: 'time',
      position: 'top',
      min: lo - pad,
      max: hi + pad,
      splitLine: { show: true, lineStyle: { type: 'dashed', color: '#ebeef5' } },
      axisLabel: { hideOverlap: true, formatter: { year: '{yyyy}', month: '{M}月', day: '{M}-{d}' } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: bars.map((b) => b.label),
      axisTick: { show: false },
      axisLabel: { width: opts.labelWidth ?? 220, overflow: 'truncate', formatter: (v: string) => shortLabel(v, 24) },
      splitLine: { show: true, lineStyle: { color: '#f2f3f5' } },
    },
    series: [
      {
        type: 'custom',
        name: 'plan',
        renderItem: renderBar,
        encode: { x: [1, 2], y: 0 },
        data: barData,
        markLine: {
          silent: true,
          symbol: 'none',
          label: { formatter: labels.today, position: 'end', color: GANTT_COLORS.today },
          lineStyle: { color: GANTT_COLORS.today, type: 'dashed', width: 1.5 },
          data: [{ xAxis: todayTs }],
        },
      },
      {
        type: 'custom',
        name: 'marks',
        renderItem: renderMark,
        encode: { x: [0, 2], y: 1 },
        data: markData,
        z: 3,
      },
    ],
  }
}
