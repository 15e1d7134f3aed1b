// The record a detail page shows: loaded for the route's :id, again when the
// id changes or after a workflow step (`load`), with its loading state.
import { computed, onMounted, ref, watch, type Ref } from 'vue'
import { useRoute } from 'vue-router'
import { toastError } from '@/ui/feedback'

export function useRecord<T>(fetch: (id: number) => Promise<T>) {
  const route = useRoute()
  const id = computed(() => Number(route.params.id))
  const data = ref<T | null>(null) as Ref<T | null>
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      data.value = await fetch(id.value)
    } catch (e) {
      toastError(e)
    } finally {
      loading.value = false
    }
  }
  onMounted(load)
  watch(id, load)
  return { id, data, loading, load }
}
