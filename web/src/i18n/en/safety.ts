import type zh from '../zh/safety'
import type { Widen } from '../types'

const safety: Widen<typeof zh> = {
  nav: {
    group: 'safety',
  },
}

export default safety
