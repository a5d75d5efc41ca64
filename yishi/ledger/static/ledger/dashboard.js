/* Draws the dashboard's two charts from the figures the page embeds (json_script). */
(function () {
  "use strict";
  function draw() {
    var node = document.getElementById("chart-data");
    if (!node || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    var c = data.consultations;
    var stacked = c.kind === "street";
    var el = document.getElementById("chart-consultations");
    if (el) {
      new window.Chart(el, {
        type: "bar",
        data: { labels: c.labels, datasets: c.datasets },
        options: {
          maintainAspectRatio: false,
          plugins: { title: { display: true, text: data.titles.consultations } },
          scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } }
        }
      });
    }
    var m = document.getElementById("chart-months");
    if (m) {
      new window.Chart(m, {
        type: "bar",
        data: data.months,
        options: {
          maintainAspectRatio: false,
          plugins: { title: { display: true, text: data.titles.months } },
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } }
        }
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
