import type zh from '../zh/reports'
import type { Widen } from '../types'

const reports: Widen<typeof zh> = {
  title: 'reports',
}

export default reports
