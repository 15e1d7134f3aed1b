import type zh from '../zh/patrol'
import type { Widen } from '../types'

const patrol: Widen<typeof zh> = {
  nav: {
    group: 'patrol',
  },
}

export default patrol
