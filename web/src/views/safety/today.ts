// "Today" in Asia/Shanghai by the server's clock (GET /meta `now`), so the
// pages agree with the server's deadline checks even when its clock is moved
// (the browser tests' test clock) or the phone's clock is wrong.
import { computed } from 'vue'
import { loadMeta, metaState } from '@/stores/meta'
import { shanghaiToday } from '@/views/supervision/taskFormat'

export function useServerToday() {
  void loadMeta().catch(() => undefined) // offline: the phone's own clock
  return computed(() => shanghaiToday(metaState.meta?.now ? new Date(metaState.meta.now) : new Date()))
}
