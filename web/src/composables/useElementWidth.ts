import { onScopeDispose, ref, watch, type Ref } from 'vue'

/**
 * The content width of an element, kept up to date with a ResizeObserver.
 * 0 until the element is mounted and measured (and where ResizeObserver is
 * missing), so callers should treat 0 as "unknown".
 */
export function useElementWidth(target: Ref<HTMLElement | null | undefined>): Ref<number> {
  const width = ref(0)
  let observer: ResizeObserver | undefined

  function disconnect(): void {
    observer?.disconnect()
    observer = undefined
  }

  watch(
    target,
    (el) => {
      disconnect()
      if (!el) {
        width.value = 0
        return
      }
      width.value = el.clientWidth
      if (typeof ResizeObserver === 'undefined') return
      observer = new ResizeObserver((entries) => {
        const entry = entries[entries.length - 1]
        if (entry) width.value = Math.round(entry.contentRect.width)
      })
      observer.observe(el)
    },
    { immediate: true, flush: 'post' },
  )

  onScopeDispose(disconnect)
  return width
}
