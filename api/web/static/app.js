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
    const focus = (markers.current || []).concat(markers.overdue || []);
    addZoomTools(container, canvas, registry, focus);
    fitHeight(container, canvas, registry, focus);
    container.dataset.ready = "true";
  }

  const ZOOM_LABELS = {
    vi: { in: "Phóng to", out: "Thu nhỏ", height: "Vừa chiều cao", all: "Xem toàn bộ" },
    en: { in: "Zoom in", out: "Zoom out", height: "Fit height", all: "Whole diagram" },
  };

  // Fit the diagram's height to the box, so labels stay readable on a wide process; the current step is
  // brought into view, and the rest is reached by dragging (pan) or the zoom buttons.
  function fitHeight(container, canvas, registry, focusIds) {
    const box = canvas.viewbox();
    const inner = box.inner;
    if (!inner.height || !box.outer.height) { return; }
    const margin = 24;
    const scale = Math.min(box.outer.height / (inner.height + 2 * margin), 1.25);
    const width = box.outer.width / scale;
    let x = inner.x - margin;
    const focus = focusIds.map(function (id) { return registry.get(id); }).filter(Boolean)[0];
    if (focus && focus.x + focus.width > x + width) { x = focus.x + focus.width / 2 - width / 2; }
    canvas.viewbox({ x: x, y: inner.y - margin, width: width, height: box.outer.height / scale });
    container.dataset.zoom = String(Math.round(canvas.zoom() * 100) / 100);
  }

  function addZoomTools(container, canvas, registry, focusIds) {
    const labels = ZOOM_LABELS[document.documentElement.lang === "en" ? "en" : "vi"];
    const tools = document.createElement("div");
    tools.className = "diagram-tools";
    tools.setAttribute("role", "toolbar");
    const actions = {
      in: function () { canvas.zoom(canvas.zoom() * 1.25); },
      out: function () { canvas.zoom(canvas.zoom() / 1.25); },
      height: function () { fitHeight(container, canvas, registry, focusIds); },
      all: function () { canvas.zoom("fit-viewport", "auto"); },
    };
    for (const [name, act] of Object.entries(actions)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small diagram-" + name;
      button.textContent = { in: "+", out: "−", height: "↕", all: "⤢" }[name];
      button.title = labels[name];
      button.setAttribute("aria-label", labels[name]);
      button.addEventListener("click", function () {
        act();
        container.dataset.zoom = String(Math.round(canvas.zoom() * 100) / 100);
      });
      tools.appendChild(button);
    }
    container.parentNode.insertBefore(tools, container);
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
