// Messages of the reports module (Simplified Chinese; i18n/en/reports.ts must match).
const reports = {
  title: 'reports',
}

export default reports
