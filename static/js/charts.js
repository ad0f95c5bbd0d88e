// Draws every <canvas data-chart="id"> from the JSON in <script id="id" type="application/json">.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: canvas.dataset.type || "bar",
      data: { labels: data.labels, datasets: [{ label: canvas.getAttribute("aria-label"), data: data.values, backgroundColor: "#0d6efd" }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  });
});
