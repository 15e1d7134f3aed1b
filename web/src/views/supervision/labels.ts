// Translated labels for the pure chart builders (built at render time, so a
// language switch redraws the charts).
import { t } from '@/i18n'
import type { GanttLabels } from './gantt'
import type { TrendLabels } from './charts'

export function ganttLabels(): GanttLabels {
  return {
    today: t('supervision.gantt.today'),
    plan: (start, end) => t('supervision.gantt.tooltipPlan', { start, end }),
    due: (date) => t('supervision.gantt.tooltipDue', { date }),
    done: (date) => t('supervision.gantt.tooltipDone', { date }),
    pending: t('supervision.gantt.tooltipPending'),
  }
}

export function trendLabels(): TrendLabels {
  return {
    green: t('supervision.light.green'),
    yellow: t('supervision.light.yellow'),
    red: t('supervision.light.red'),
    closed: t('supervision.home.trendClosed'),
  }
}
