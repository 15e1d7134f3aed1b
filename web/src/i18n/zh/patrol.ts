// Messages of the patrol module (Simplified Chinese — i18n/en/patrol.ts must have exactly these keys).
const patrol = {
  nav: {
    group: 'patrol',
  },
}

export default patrol
