// Nothing irreversible on one tap (core/confirm.py). A form with data-confirm asks in a
// dialog first; 确认 sends it with confirmed=1, 取消 or Escape sends nothing. Without this
// script the server asks on a page of its own, so the form is safe either way.
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var question = dialog.querySelector("[data-confirm-question]");
  var detail = dialog.querySelector("[data-confirm-detail]");
  var yes = dialog.querySelector("[data-confirm-yes]");
  var yesWords = yes.textContent;
  var pending = null;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) { return; }
    if (form.querySelector("input[name=confirmed]")) { return; }
    event.preventDefault();
    event.stopPropagation();  // htmx and others see only the confirmed submit
    pending = {form: form, submitter: event.submitter || null};
    question.textContent = form.getAttribute("data-confirm");
    detail.textContent = form.getAttribute("data-confirm-detail") || "";
    detail.hidden = !detail.textContent;
    yes.textContent = form.getAttribute("data-confirm-button") || yesWords;
    dialog.showModal();
  }, true);

  dialog.addEventListener("close", function () {
    var p = pending;
    pending = null;
    if (!p || dialog.returnValue !== "yes") { return; }
    var mark = document.createElement("input");
    mark.type = "hidden"; mark.name = "confirmed"; mark.value = "1";
    p.form.appendChild(mark);
    if (p.submitter && p.form.requestSubmit) { p.form.requestSubmit(p.submitter); }
    else if (p.form.requestSubmit) { p.form.requestSubmit(); }
    else { p.form.submit(); }
  });
})();
