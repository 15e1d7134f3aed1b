// Messages of the fire module (Simplified Chinese — i18n/en/fire.ts must have exactly these keys).
const fire = {
  nav: {
    group: 'fire',
  },
}

export default fire
