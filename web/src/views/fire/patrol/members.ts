// Squad members and post patrollers are entered as typed names: patrollers
// are villagers, most without an account. A member who is a user keeps the
// user id as long as the name stays in the list, so editing a squad does not
// turn its users into plain names.
import type { Member } from '@/api/patrol'
import { t } from '@/i18n'

/** The server's limit on a typed name (internal/fire/patrol/squads.go). */
export const NAME_MAX = 20

/** Trims the names, drops empties and repeats. */
export function cleanNames(names: string[]): string[] {
  return [...new Set(names.map((n) => n.trim()).filter(Boolean))]
}

/** The members to send for names, keeping the user ids of those before. */
export function toMembers(names: string[], before: Member[] = []): Member[] {
  return cleanNames(names).map((name) => before.find((m) => m.name === name && m.user_id) ?? { name })
}

/** The error to show beside the field, or '' when the names will do. */
export function namesError(names: string[], required: boolean): string {
  const clean = cleanNames(names)
  if (required && clean.length === 0) return t('patrol.list.needMember')
  const long = clean.find((n) => [...n].length > NAME_MAX)
  return long ? t('patrol.list.nameTooLong', { name: long, max: NAME_MAX }) : ''
}

/** Every name already used in these lists, for the select's suggestions. */
export function knownNames(lists: Member[][]): string[] {
  return [...new Set(lists.flat().map((m) => m.name))].sort((a, b) => a.localeCompare(b, 'zh-CN'))
}
