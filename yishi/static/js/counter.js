// Long text shows how much of its limit is used, and is never cut: a textarea with a
// maximum (data-maxlength, or the browser's maxlength, which a paste would silently cut
// short) gets a counter read out politely; over the limit the counter says by how much,
// and the server refuses the text with the same words instead of shortening it.
(function () {
  "use strict";
  var me = document.currentScript;
  var countText = (me && me.getAttribute("data-count")) || "{count} / {max}";
  var overText = (me && me.getAttribute("data-over")) || "+{over}";

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function length(value) {  // as the server counts: code points, line breaks as one
    return Array.from(value.replace(/\r\n/g, "\n")).length;
  }

  function attach(area) {
    var max = parseInt(area.getAttribute("data-maxlength") || area.getAttribute("maxlength"), 10);
    if (!max || area.hasAttribute("data-counted")) { return; }
    area.setAttribute("data-counted", "");
    area.removeAttribute("maxlength");
    area.setAttribute("data-maxlength", String(max));
    var counter = document.createElement("small");
    counter.className = "counter";
    counter.setAttribute("aria-live", "polite");
    counter.setAttribute("data-testid", "counter");
    if (area.id) { counter.id = area.id + "-counter"; }
    area.insertAdjacentElement("afterend", counter);
    function update() {
      var n = length(area.value);
      var over = n - max;
      counter.textContent = over > 0 ? fill(overText, {over: over})
        : fill(countText, {count: n, max: max});
      counter.classList.toggle("over", over > 0);
      area.setAttribute("aria-invalid", over > 0 ? "true" : "false");
    }
    area.addEventListener("input", update);
    update();
  }

  function scan(root) {
    var areas = root.querySelectorAll("textarea[data-maxlength], textarea[maxlength]");
    for (var i = 0; i < areas.length; i++) { attach(areas[i]); }
  }

  scan(document);
  document.body.addEventListener("htmx:afterSwap", function (e) { scan(e.target); });
})();
