import type zh from '../zh/supervision'
import type { Widen } from '../types'

const supervision: Widen<typeof zh> = {
  title: 'supervision',
}

export default supervision
