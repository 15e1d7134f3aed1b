// Messages of the calendar module (Simplified Chinese; i18n/en/calendar.ts must match).
const calendar = {
  title: 'calendar',
}

export default calendar
