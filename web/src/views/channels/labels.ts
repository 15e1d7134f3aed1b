// Tag colours shared by the channel table and the delivery log.
import type { DeliveryStatus } from '@/api/notify'

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

const kindTags: Record<string, TagType> = { dingtalk: 'primary', wecom: 'success', feishu: 'warning', webhook: 'info', sms: 'info' }
const statusTags: Record<DeliveryStatus, TagType> = { pending: 'info', failed: 'warning', sent: 'success', dead: 'danger' }

export const kindTagType = (kind: string): TagType => kindTags[kind] ?? 'info'
export const statusTagType = (status: DeliveryStatus): TagType => statusTags[status] ?? 'info'
