// "Print this receipt": a button that needs JavaScript, so it starts hidden and is shown here.
// The Content Security Policy forbids inline script, hence this file. Load with:
//   <script type="module" src="{% static 'js/print-button.mjs' %}"></script>
for (const button of document.querySelectorAll('[data-module="app-print-button"]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
