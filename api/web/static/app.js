// Phản Ánh pages: the case diagram (bpmn-js, served locally) and the overview chart (Chart.js).
(function () {
  "use strict";

  async function showDiagram(container) {
    if (!window.BpmnJS) { return; }
    const viewer = new window.BpmnJS({ container: container });
    const response = await fetch(container.dataset.xmlUrl, { credentials: "same-origin" });
    await viewer.importXML(await response.text());
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    const markers = JSON.parse(container.dataset.markers || "{}");
    for (const [kind, ids] of Object.entries(markers)) {
      for (const id of ids) {
        if (registry.get(id)) { canvas.addMarker(id, "step-" + kind); }
      }
    }
    canvas.zoom("fit-viewport");
    container.dataset.ready = "true";
  }

  function showChart(canvas, layout) {
    if (!window.Chart) { return; }
    const data = JSON.parse(canvas.dataset.chart);
    const stacked = !layout || layout.stacked !== false;
    new window.Chart(canvas, {
      type: "bar",
      data: data,
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, indexAxis: (layout && layout.indexAxis) || "x",
        scales: { x: { stacked: stacked, beginAtZero: true }, y: { stacked: stacked, beginAtZero: true } },
      },
    });
    canvas.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".diagram[data-xml-url]").forEach(function (diagram) {
      showDiagram(diagram).catch(function (error) { diagram.textContent = String(error); });
    });
    const chart = document.getElementById("received-chart");
    if (chart) { showChart(chart); }
    document.querySelectorAll("canvas.report-chart").forEach(function (canvas) {
      const all = JSON.parse(canvas.dataset.chartAll);
      canvas.dataset.chart = JSON.stringify(all[canvas.dataset.section]);
      showChart(canvas, { indexAxis: "y", stacked: false });
    });
  });
})();
