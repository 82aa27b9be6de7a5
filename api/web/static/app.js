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
    const indexAxis = (layout && layout.indexAxis) || "x";
    const valueAxis = indexAxis === "x" ? "y" : "x";
    // Counts are whole numbers: no 0.5 steps on the value axis; numbers written the page language's way.
    const scales = { x: { stacked: stacked, beginAtZero: true }, y: { stacked: stacked, beginAtZero: true } };
    scales[valueAxis].ticks = { precision: 0 };
    const chart = new window.Chart(canvas, {
      type: "bar",
      data: data,
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, indexAxis: indexAxis, scales: scales,
        locale: document.documentElement.lang === "en" ? "en-US" : "vi-VN",
      },
    });
    canvas.dataset.ticks = JSON.stringify(chart.scales[valueAxis].ticks.map(function (tick) { return tick.value; }));
    canvas.dataset.ready = "true";
  }

  // A PDF takes a moment to make: say so, and keep the button from being pressed again meanwhile.
  async function exportWithFeedback(link) {
    const status = document.getElementById(link.dataset.status);
    link.setAttribute("aria-disabled", "true");
    link.classList.add("button--busy");
    status.textContent = link.dataset.busyText;
    try {
      const response = await fetch(link.href, { credentials: "same-origin" });
      if (!response.ok) { throw new Error(String(response.status)); }
      const url = URL.createObjectURL(await response.blob());
      const save = document.createElement("a");
      save.href = url;
      save.download = link.dataset.filename || "";
      document.body.appendChild(save);
      save.click();
      save.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      status.textContent = link.dataset.doneText;
    } catch (error) {
      status.textContent = link.dataset.failedText;
    } finally {
      link.removeAttribute("aria-disabled");
      link.classList.remove("button--busy");
    }
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
    document.querySelectorAll("a[data-export-feedback]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        if (link.getAttribute("aria-disabled") !== "true") { exportWithFeedback(link); }
      });
    });
  });
})();
