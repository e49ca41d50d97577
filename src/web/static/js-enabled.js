// Runs first in <body> (not deferred) so the NHS.UK styles for script-enabled pages apply before the first
// paint. A file rather than an inline script: the Content-Security-Policy allows scripts from /assets only.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
