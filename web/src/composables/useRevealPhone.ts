// Show / hide the full number behind a masked phone. The full number is
// fetched once, on the first look (the server audits every fetch), and a
// failed fetch leaves the mask in place.
import { ref } from 'vue'
import { toastError } from '@/ui/feedback'

export function useRevealPhone(fetchPhone: () => Promise<{ phone: string }>) {
  const full = ref('')
  const shown = ref(false)
  const busy = ref(false)

  async function toggle(): Promise<void> {
    if (shown.value) {
      shown.value = false
      return
    }
    if (!full.value) {
      busy.value = true
      try {
        full.value = (await fetchPhone()).phone
      } catch (e) {
        toastError(e)
        return
      } finally {
        busy.value = false
      }
    }
    shown.value = true
  }

  return { full, shown, busy, toggle }
}
