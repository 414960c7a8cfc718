// A GOV.UK conditional reveal under one radio option, without the aria-expanded attribute that
// GOV.UK Frontend's radios put on a radio button (ARIA allows it only on buttons and links, so
// axe-core reports it; alphagov/govuk-frontend#979). The revealed questions follow their option
// in the page, so they are read in order; without JavaScript they are always shown. Load with:
//   <script type="module" src="{% static 'js/reveal.mjs' %}"></script>
for (const group of document.querySelectorAll('[data-module="app-reveal"]')) {
  const inputs = group.querySelectorAll('input[type="radio"]')
  const sync = () => {
    for (const input of inputs) {
      const target = input.dataset.reveal && document.getElementById(input.dataset.reveal)
      if (target) {
        target.classList.toggle('govuk-radios__conditional--hidden', !input.checked)
      }
    }
  }
  for (const input of inputs) {
    input.addEventListener('change', sync)
  }
  sync()
}
