import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ReportStatusTag from '@/views/reports/ReportStatusTag.vue'
import { statusColor, statusTagType } from '@/views/reports/logic'
import { REPORT_STATUSES } from '@/api/reports'

describe('report status tags', () => {
  it('are green for on time, orange for late, red for missing, grey for pending', () => {
    expect(REPORT_STATUSES.map(statusTagType)).toEqual(['success', 'warning', 'danger', 'info'])
    expect(statusTagType('')).toBe('info')
  })

  it.each([
    ['on_time', 'el-tag--success', '按时报送'],
    ['late', 'el-tag--warning', '迟报'],
    ['missing', 'el-tag--danger', '缺报'],
    ['pending', 'el-tag--info', '待报送'],
  ] as const)('%s renders as %s with its label', (status, cls, label) => {
    const w = mount(ReportStatusTag, { props: { status } })
    const tag = w.get('[data-test="report-status"]')
    expect(tag.classes()).toContain(cls)
    expect(tag.attributes('data-status')).toBe(status)
    expect(tag.text()).toBe(label)
    w.unmount()
  })

  it('colours matrix cells with the same palette, blank where nothing was due', () => {
    expect(statusColor('on_time')).toBe('var(--el-color-success)')
    expect(statusColor('late')).toBe('var(--el-color-warning)')
    expect(statusColor('missing')).toBe('var(--el-color-danger)')
    expect(statusColor('pending')).toBe('var(--el-color-info)')
    expect(statusColor('')).toBe('var(--el-fill-color-light)')
  })
})
