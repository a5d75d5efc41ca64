// A button with data-copy="<selector>" copies that field's text: the clipboard where the
// browser allows it (https, most phones), else the field selected and the old copy command
// (some in-app browsers); failing both, it says to press and hold the address.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) { return; }
    var status = button.closest("section").querySelector("[data-copy-status]");
    function say(text) { if (status) { status.textContent = text; } }
    function fallback() {
      field.focus();
      field.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      say(button.getAttribute(done ? "data-copied" : "data-copy-failed"));
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () {
          say(button.getAttribute("data-copied"));
        }, fallback);
      } else {
        fallback();
      }
    });
  });
})();
