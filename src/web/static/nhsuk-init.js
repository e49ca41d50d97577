// Starts the NHS.UK frontend components (a module, from /assets like every script the pages load).
import { initAll } from '/assets/nhsuk-frontend.min.js';

initAll();
