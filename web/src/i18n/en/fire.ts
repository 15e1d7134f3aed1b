import type zh from '../zh/fire'
import type { Widen } from '../types'

const fire: Widen<typeof zh> = {
  nav: {
    group: 'fire',
  },
}

export default fire
