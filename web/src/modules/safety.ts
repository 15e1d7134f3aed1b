// Pages and menu group of the safety module; modules.ts merges every module file.
import type { MenuGroup, ModulePage } from '@/modules'

export const groups: MenuGroup[] = []

export const pages: ModulePage[] = []
