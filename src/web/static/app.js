// Progressive enhancement only: every action works without this file.
// Warn before leaving a form with unsaved changes.
(function () {
  document.querySelectorAll('form[data-warn-unsaved]').forEach(function (form) {
    var dirty = false;
    form.addEventListener('input', function () { dirty = true; });
    form.addEventListener('change', function () { dirty = true; });
    form.addEventListener('submit', function () { dirty = false; });
    window.addEventListener('beforeunload', function (e) {
      if (!dirty) return;
      e.preventDefault();
      e.returnValue = 'You have unsaved changes.';  // older browsers need a non-empty value
      return e.returnValue;
    });
  });
})();
