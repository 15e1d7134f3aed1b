// Messages of the supervision module (Simplified Chinese; i18n/en/supervision.ts must match).
const supervision = {
  title: 'supervision',
}

export default supervision
