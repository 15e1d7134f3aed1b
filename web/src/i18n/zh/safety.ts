// Messages of the safety module (Simplified Chinese — i18n/en/safety.ts must have exactly these keys).
const safety = {
  nav: {
    group: 'safety',
  },
}

export default safety
