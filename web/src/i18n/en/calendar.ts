import type zh from '../zh/calendar'
import type { Widen } from '../types'

const calendar: Widen<typeof zh> = {
  title: 'calendar',
}

export default calendar
