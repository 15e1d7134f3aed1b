import { onScopeDispose, ref } from 'vue'

const MOBILE_MAX = 768
const isMobile = ref(typeof window !== 'undefined' && window.innerWidth < MOBILE_MAX)
let listeners = 0

function onResize(): void {
  isMobile.value = window.innerWidth < MOBILE_MAX
}

/** `isMobile` is true below 768 px (phones; field staff will work there). */
export function useViewport() {
  if (typeof window !== 'undefined') {
    if (listeners++ === 0) window.addEventListener('resize', onResize, { passive: true })
    onScopeDispose(() => {
      if (--listeners === 0) window.removeEventListener('resize', onResize)
    })
  }
  return { isMobile }
}
