// Initialise every GOV.UK Frontend component on the page (elements with a
// data-module="govuk-..." attribute). Load with:
//   <script type="module" src="{% static 'js/govuk-init.mjs' %}"></script>
// at the end of <body>. Needs js/js-enabled.js as the first element in <body>:
// GOV.UK Frontend 6 only initialises when <body> has the
// "govuk-frontend-supported" class.
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()
