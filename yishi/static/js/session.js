// Sessions end after YISHI_SESSION_IDLE_MINUTES without activity (GB/T 22239-2019 L2).
// A minute before, a notice offers to stay signed in; at the end the page goes to sign-in.
// Any page load or htmx request counts as activity, as it does on the server.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) { return; }
  var idle = parseInt(box.getAttribute("data-idle-seconds"), 10) * 1000;
  var warnBefore = Math.min(60000, Math.max(idle - 2000, 0));
  var warnTimer = null, endTimer = null;

  function schedule() {
    clearTimeout(warnTimer); clearTimeout(endTimer);
    box.hidden = true;
    warnTimer = setTimeout(function () { box.hidden = false; }, idle - warnBefore);
    endTimer = setTimeout(function () {
      window.location.href = box.getAttribute("data-login-url") + "?next=" +
        encodeURIComponent(window.location.pathname + window.location.search);
    }, idle);
  }

  box.querySelector("button").addEventListener("click", function () {
    fetch(box.getAttribute("data-keepalive-url"), {credentials: "same-origin"})
      .then(function (r) {
        if (r.ok) { schedule(); } else { window.location.reload(); }
      });
  });
  document.body.addEventListener("htmx:afterRequest", schedule);
  schedule();
})();
