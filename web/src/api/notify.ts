// Notifications: the signed-in user's inbox, and (administrators) webhook
// channels, the delivery log and the SMS setting. Shapes of docs/modules/notify.md.
import { http, type Query } from './http'
import type { ListParams, ListResult } from './types'

export interface Notification {
  id: number
  kind: string
  title: string
  body: string
  /** SPA path to open, such as `/supervision/tasks/12`; may be empty. */
  link: string
  object_type: string
  object_id: string
  created_at: string
  read_at: string | null
}

export interface InboxPage extends ListResult<Notification> {
  unread: number
}

export interface InboxQuery extends ListParams {
  unread?: boolean | ''
}

export const CHANNEL_KINDS = ['dingtalk', 'wecom', 'feishu', 'webhook'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

export const DELIVERY_STATUSES = ['pending', 'failed', 'sent', 'dead'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

export interface Channel {
  id: number
  name: string
  kind: ChannelKind
  url: string
  /** The secret itself is never sent back. */
  secret_set: boolean
  /** null: the whole district. */
  unit_id: number | null
  unit_name: string
  kinds: string[]
  active: boolean
  counts: Partial<Record<DeliveryStatus, number>>
  created_at: string
  updated_at: string
}

export interface ChannelInput {
  name?: string
  kind?: ChannelKind | ''
  url?: string
  /** Absent: keep; '': clear. */
  secret?: string
  /** 0: the whole district. */
  unit_id?: number
  kinds?: string[]
  active?: boolean
}

export interface TestResult {
  ok: boolean
  status: number
  body: string
  error: string
  duration_ms: number
}

export interface Delivery {
  id: number
  channel_id: number | null
  channel_name: string
  /** A channel kind, or 'sms'. */
  channel_kind: ChannelKind | 'sms'
  user_id: number | null
  user_name: string
  kind: string
  title: string
  body: string
  link: string
  status: DeliveryStatus
  attempts: number
  next_attempt_at: string | null
  last_error: string
  response_status: number
  response_body: string
  created_at: string
  sent_at: string | null
}

export interface DeliveryQuery extends ListParams {
  /** A channel id, or 'sms'. */
  channel_id?: number | 'sms' | null
  status?: DeliveryStatus | ''
  kind?: string
}

export interface KindInfo {
  code: string
  name: string
  name_en: string
}

export interface NotifySettings {
  sms_kinds: string[]
  sms_available: boolean
  base_url: string
}

export const inboxApi = {
  list: (q: InboxQuery) => http.get<InboxPage>('/api/v1/inbox', q as Query),
  unreadCount: () => http.get<{ count: number }>('/api/v1/inbox/unread-count'),
  markRead: (id: number) => http.put<void>(`/api/v1/inbox/${id}/read`),
  markAllRead: () => http.put<{ updated: number }>('/api/v1/inbox/read-all'),
}

export const channelsApi = {
  list: () => http.get<ListResult<Channel>>('/api/v1/notify-channels'),
  create: (input: ChannelInput) => http.post<Channel>('/api/v1/notify-channels', input),
  update: (id: number, input: ChannelInput) => http.patch<Channel>(`/api/v1/notify-channels/${id}`, input),
  remove: (id: number) => http.del(`/api/v1/notify-channels/${id}`),
  test: (id: number) => http.post<TestResult>(`/api/v1/notify-channels/${id}/test`),
  kinds: () => http.get<{ items: KindInfo[] }>('/api/v1/notify-kinds'),
  settings: () => http.get<NotifySettings>('/api/v1/notify-settings'),
  saveSettings: (input: { sms_kinds: string[] }) => http.put<NotifySettings>('/api/v1/notify-settings', input),
}

export const deliveriesApi = {
  list: (q: DeliveryQuery) => http.get<ListResult<Delivery>>('/api/v1/notify-deliveries', q as Query),
  retry: (id: number) => http.post<void>(`/api/v1/notify-deliveries/${id}/retry`),
}
