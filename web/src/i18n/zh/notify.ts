// Messages of the notify module (Simplified Chinese; i18n/en/notify.ts must match).
const notify = {
  title: 'notify',
}

export default notify
