// Draws every <canvas data-chart="id" data-type="bar|line|radar"> from the JSON in
// <script id="id" type="application/json">: {labels, values} or {labels, series: [{label, values}]}.
// Scales: data-max on the canvas fixes the value axis maximum (e.g. 100 for scores).
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  var palette = ["#0d6efd", "#adb5bd", "#198754", "#fd7e14", "#6f42c1"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var type = canvas.dataset.type || "bar";
    var series = data.series || [{ label: canvas.getAttribute("aria-label"), values: data.values }];
    var datasets = series.map(function (s, i) {
      var color = palette[i % palette.length];
      return { label: s.label, data: s.values, backgroundColor: type === "radar" ? color + "33" : color,
               borderColor: color, spanGaps: true, fill: type === "radar" };
    });
    var max = canvas.dataset.max ? Number(canvas.dataset.max) : undefined;
    var scales = type === "radar"
      ? { r: { beginAtZero: true, max: max, ticks: { precision: 0 } } }
      : { y: { beginAtZero: true, max: max, ticks: { precision: 0 } } };
    new Chart(canvas, {
      type: type,
      data: { labels: data.labels, datasets: datasets },
      options: { maintainAspectRatio: false, plugins: { legend: { display: series.length > 1 } }, scales: scales }
    });
  });
});
