import { describe, expect, it } from 'vitest'
import { KNOWN_ACTIONS, actionLabel, objectLabel } from '@/utils/audit'

describe('audit labels', () => {
  it('labels two- and three-part action codes, and a node beside its children', () => {
    expect(actionLabel('unit.create')).toBe('新建单位')
    expect(actionLabel('task.report')).toBe('报送进展')
    expect(actionLabel('task.report.replace')).toBe('替换本期进展')
    expect(actionLabel('task.extension.approved')).toBe('同意延期')
    expect(actionLabel('task.frobnicate.delete')).toBe('删除') // unknown: by its verb
    expect(objectLabel('task')).toBe('督办任务')
  })

  it('labels the key projects, tours, investment and registry actions', () => {
    expect(actionLabel('project.coordination.answer')).toBe('答复项目协调事项')
    expect(actionLabel('tour.reopen')).toBe('重新开放评分')
    expect(actionLabel('invest.lead.convert')).toBe('线索转为重点项目')
    expect(actionLabel('enterprise.import')).toBe('导入企业名录')
    expect(objectLabel('invest_lead')).toBe('招商线索')
    expect(actionLabel('household.import')).toBe('导入户名册')
  })

  it('offers every labelled code in the filter, without the node marker', () => {
    expect(KNOWN_ACTIONS).toContain('task.report')
    expect(KNOWN_ACTIONS).toContain('task.report.replace')
    expect(KNOWN_ACTIONS).toContain('calendar.replace')
    expect(KNOWN_ACTIONS.some((a) => a.endsWith('._') || a.endsWith('.'))).toBe(false)
  })
})
