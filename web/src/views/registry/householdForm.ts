// The household form's model and request body, apart from the dialog so
// the rules are tested on their own.
import type { HouseholdInput } from '@/api/households'

export interface HouseholdFormModel {
  village_id: number | null
  code: string
  head_name: string
  address: string
  phone: string
  people: number
  note: string
}

/**
 * The request body. An empty code on create lets the server number the
 * household; the phone is sent only when one was typed, because the edit
 * form starts from the masked number and must not store the stars.
 */
export function householdBody(f: HouseholdFormModel, creating: boolean): HouseholdInput {
  const body: HouseholdInput = {
    village_id: f.village_id ?? 0,
    head_name: f.head_name.trim(),
    address: f.address.trim(),
    people: f.people,
    note: f.note.trim(),
  }
  if (f.code || !creating) body.code = f.code
  if (f.phone || creating) body.phone = f.phone
  return body
}
