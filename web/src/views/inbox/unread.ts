// The unread count shared by the bell in the top bar and the inbox page, so
// marking a message read on one updates the other at once.
import { reactive } from 'vue'
import { inboxApi } from '@/api/notify'

export const unread = reactive({ count: 0 })

let seq = 0

/** Reloads the count; a failure keeps the last one (polling must not toast). */
export async function refreshUnread(): Promise<void> {
  const mine = ++seq
  try {
    const { count } = await inboxApi.unreadCount()
    if (mine === seq) unread.count = count
  } catch {
    // offline or signed out: the next poll tries again
  }
}

/** Counts one message read without asking the server. */
export function countRead(n = 1): void {
  unread.count = Math.max(0, unread.count - n)
}

/** Opens a notification: marks it read (once) and returns where to go. */
export async function openNotification(n: { id: number; link: string; read_at: string | null }): Promise<string | null> {
  if (!n.read_at) {
    await inboxApi.markRead(n.id)
    n.read_at = new Date().toISOString()
    countRead()
  }
  return n.link && n.link.startsWith('/') && !n.link.startsWith('//') ? n.link : null
}
