import type zh from '../zh/notify'
import type { Widen } from '../types'

const notify: Widen<typeof zh> = {
  title: 'notify',
}

export default notify
