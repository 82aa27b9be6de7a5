// Phản Ánh process modeler: bpmn-js Modeler (served locally) with a small properties panel for what our engine
// reads (lane, form, assignee variable, timers, conditions, default flows, scripts, service operators), server-side
// lint shown at each element, and deployment as a new version.
(function () {
  "use strict";

  const SPIFF = {
    name: "SpiffWorkflow",
    prefix: "spiffworkflow",
    uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
    xml: { tagAlias: "lowerCase" },
    associations: [],
    types: [
      { name: "Properties", superClass: ["Element"], properties: [{ name: "properties", type: "Property", isMany: true }] },
      {
        name: "Property", superClass: ["Element"],
        properties: [{ name: "name", type: "String", isAttr: true }, { name: "value", type: "String", isAttr: true }],
      },
      {
        name: "ServiceTaskOperator", superClass: ["Element"],
        properties: [
          { name: "id", type: "String", isAttr: true }, { name: "resultVariable", type: "String", isAttr: true },
          { name: "parameters", type: "Parameters" },
        ],
      },
      { name: "Parameters", superClass: ["Element"], properties: [{ name: "parameters", type: "Parameter", isMany: true }] },
      {
        name: "Parameter", superClass: ["Element"],
        properties: [
          { name: "id", type: "String", isAttr: true }, { name: "type", type: "String", isAttr: true },
          { name: "value", type: "String", isAttr: true },
        ],
      },
    ],
  };
  const TIMER_KINDS = ["timeDate", "timeDuration", "timeCycle"];

  function $(id) { return document.getElementById(id); }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"]; } catch (e) { return ""; }
  }

  function is(element, type) {
    const bo = element && element.businessObject;
    return Boolean(bo && bo.$instanceOf && bo.$instanceOf(type));
  }

  function start(container) {
    const modeler = new window.BpmnJS({
      container: container, keyboard: { bindTo: document }, moddleExtensions: { spiffworkflow: SPIFF },
      additionalModules: window.phananhBpmnTranslate ? [window.phananhBpmnTranslate] : [],
    });
    window.phananhModeler = modeler;
    const modeling = modeler.get("modeling");
    const moddle = modeler.get("moddle");
    const registry = modeler.get("elementRegistry");
    const canvas = modeler.get("canvas");
    const overlays = modeler.get("overlays");
    const selection = modeler.get("selection");
    let current = null;

    // --- extension elements -------------------------------------------------------------------------------
    function extensionValues(bo) { return (bo.extensionElements && bo.extensionElements.values) || []; }

    // owner: the business object that gets the extension (the element's own, or a participant's process)
    function ensureExtension(element, type, attrs, owner) {
      const bo = owner || element.businessObject;
      let ext = bo.extensionElements;
      if (!ext) {
        ext = moddle.create("bpmn:ExtensionElements", { values: [] });
        if (bo === element.businessObject) {
          modeling.updateProperties(element, { extensionElements: ext });
        } else {
          ext.$parent = bo;
          modeling.updateModdleProperties(element, bo, { extensionElements: ext });
        }
      }
      let found = (ext.values || []).find(function (v) { return v.$type === type; });
      if (!found) {
        found = moddle.create(type, attrs);
        found.$parent = ext;
        modeling.updateModdleProperties(element, ext, { values: (ext.values || []).concat([found]) });
      }
      return found;
    }

    function spiffProperty(bo, name) {
      const props = extensionValues(bo).find(function (v) { return v.$type === "spiffworkflow:Properties"; });
      const prop = props && (props.properties || []).find(function (p) { return p.name === name; });
      return prop ? prop.value || "" : "";
    }

    function setSpiffProperty(element, name, value, owner) {
      const props = ensureExtension(element, "spiffworkflow:Properties", { properties: [] }, owner);
      const list = props.properties || [];
      const prop = list.find(function (p) { return p.name === name; });
      if (!value) {
        if (prop) { modeling.updateModdleProperties(element, props, { properties: list.filter(function (p) { return p !== prop; }) }); }
      } else if (prop) {
        modeling.updateModdleProperties(element, prop, { value: value });
      } else {
        const created = moddle.create("spiffworkflow:Property", { name: name, value: value });
        created.$parent = props;
        modeling.updateModdleProperties(element, props, { properties: list.concat([created]) });
      }
    }

    // --- lanes, timers, conditions ------------------------------------------------------------------------
    function lanes() { return registry.filter(function (e) { return e.type === "bpmn:Lane"; }); }

    function laneOf(bo) {
      return lanes().find(function (lane) { return (lane.businessObject.flowNodeRef || []).indexOf(bo) >= 0; });
    }

    function moveToLane(element, laneId) {
      const bo = element.businessObject;
      lanes().forEach(function (lane) {
        const refs = lane.businessObject.flowNodeRef || [];
        const has = refs.indexOf(bo) >= 0;
        if (lane.id === laneId && !has) {
          modeling.updateModdleProperties(lane, lane.businessObject, { flowNodeRef: refs.concat([bo]) });
        } else if (lane.id !== laneId && has) {
          modeling.updateModdleProperties(lane, lane.businessObject, { flowNodeRef: refs.filter(function (r) { return r !== bo; }) });
        }
      });
    }

    function timerOf(bo) {
      return (bo.eventDefinitions || []).find(function (d) { return d.$type === "bpmn:TimerEventDefinition"; });
    }

    function timerKind(timer) {
      return TIMER_KINDS.find(function (kind) { return timer[kind]; }) || "timeDate";
    }

    function setTimer(element) {
      const timer = timerOf(element.businessObject);
      const kind = $("prop-timer-kind").value;
      const attrs = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
      attrs[kind] = moddle.create("bpmn:FormalExpression", { body: $("prop-timer-expression").value });
      modeling.updateModdleProperties(element, timer, attrs);
    }

    function operatorOf(bo) {
      return extensionValues(bo).find(function (v) { return v.$type === "spiffworkflow:ServiceTaskOperator"; });
    }

    function processRoot() {
      const root = canvas.getRootElement();
      return root && is(root, "bpmn:Process") ? root : null;
    }

    // --- the panel ----------------------------------------------------------------------------------------
    // The process of the selected element: the process itself (no pool), or the process of a pool.
    function processOf(element) {
      if (is(element, "bpmn:Process")) { return element.businessObject; }
      if (is(element, "bpmn:Participant")) { return element.businessObject.processRef || null; }
      return null;
    }

    function showGroup(name, visible) {
      document.querySelectorAll(".prop-group[data-for='" + name + "']").forEach(function (g) { g.hidden = !visible; });
    }

    function bind(element) {
      current = element;
      $("prop-empty").hidden = Boolean(element);
      $("prop-fields").hidden = !element;
      if (!element) { openFormEditor("").catch(console.error); return; }
      const bo = element.businessObject;
      $("prop-id").textContent = bo.id;
      const kind = bo.$type.replace("bpmn:", "").replace(/([a-z])([A-Z])/g, "$1 $2");
      $("prop-type").textContent = modeler.get("translate")(kind.charAt(0) + kind.slice(1).toLowerCase());
      $("prop-name").value = bo.name || "";
      showGroup("process", is(element, "bpmn:Process"));
      if (is(element, "bpmn:Process")) { $("prop-process-id").value = bo.id; }
      const process = processOf(element);
      showGroup("starters", Boolean(process));
      if (process) { $("prop-startable-by").value = spiffProperty(process, "startableBy"); }
      const flowNode = is(element, "bpmn:FlowNode");
      showGroup("lane", flowNode && lanes().length > 0);
      if (flowNode) {
        const select = $("prop-lane");
        const lane = laneOf(bo);
        select.innerHTML = "<option value=''>—</option>";
        lanes().forEach(function (l) {
          const option = document.createElement("option");
          option.value = l.id;
          option.textContent = l.businessObject.name || l.id;
          select.appendChild(option);
        });
        select.value = lane ? lane.id : "";
      }
      const formable = is(element, "bpmn:UserTask") || is(element, "bpmn:StartEvent") || is(element, "bpmn:ManualTask");
      showGroup("form", formable);
      showGroup("assignee", is(element, "bpmn:UserTask"));
      if (formable) {
        const form = spiffProperty(bo, "formJsonSchemaFilename");
        const select = $("prop-form");
        if (form && !Array.from(select.options).some(function (o) { return o.value === form; })) {
          const option = document.createElement("option");
          option.value = form;
          option.textContent = form + " (?)";
          select.appendChild(option);
        }
        select.value = form;
        $("prop-assignee").value = spiffProperty(bo, "assigneeVariable");
        $("prop-deadline-days").value = spiffProperty(bo, "deadlineDays");
        $("prop-deadline-day-type").value = spiffProperty(bo, "deadlineDayType") || "working";
        const kinds = (spiffProperty(bo, "documentKinds") || "").split(",").map(function (k) { return k.trim(); });
        Array.from($("prop-document-kinds").options).forEach(function (o) { o.selected = kinds.indexOf(o.value) >= 0; });
      }
      openFormEditor(formable ? spiffProperty(bo, "formJsonSchemaFilename") : "").catch(console.error);
      const timer = is(element, "bpmn:Event") ? timerOf(bo) : null;
      showGroup("timer", Boolean(timer));
      if (timer) {
        const kind = timerKind(timer);
        $("prop-timer-kind").value = kind;
        $("prop-timer-expression").value = (timer[kind] && timer[kind].body) || "";
        $("prop-timer-role").value = spiffProperty(bo, "timerRole");
      }
      const flow = is(element, "bpmn:SequenceFlow");
      showGroup("condition", flow);
      if (flow) {
        $("prop-condition").value = (bo.conditionExpression && bo.conditionExpression.body) || "";
        const source = bo.sourceRef;
        const gateway = source && (source.$instanceOf("bpmn:ExclusiveGateway") || source.$instanceOf("bpmn:InclusiveGateway"));
        $("prop-default").disabled = !gateway;
        $("prop-default").checked = Boolean(gateway && source.default === bo);
      }
      showGroup("script", is(element, "bpmn:ScriptTask"));
      if (is(element, "bpmn:ScriptTask")) { $("prop-script").value = bo.script || ""; }
      showGroup("operator", is(element, "bpmn:ServiceTask"));
      if (is(element, "bpmn:ServiceTask")) {
        const operator = operatorOf(bo);
        $("prop-operator").value = (operator && operator.id) || "";
        $("prop-result-variable").value = (operator && operator.resultVariable) || "";
      }
    }

    function on(id, event, handler) {
      $(id).addEventListener(event, function () { if (current) { handler(current, $(id)); } });
    }

    on("prop-name", "input", function (el, input) { modeling.updateProperties(el, { name: input.value }); });
    on("prop-process-id", "change", function (el, input) {
      const id = input.value.trim();
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(id) && !registry.get(id)) {
        modeling.updateProperties(el, { id: id });
      } else {
        input.value = el.businessObject.id;
      }
      $("prop-id").textContent = el.businessObject.id;
    });
    on("prop-lane", "change", function (el, input) { moveToLane(el, input.value); });
    on("prop-form", "change", function (el, input) {
      setSpiffProperty(el, "formJsonSchemaFilename", input.value);
      openFormEditor(input.value);
    });
    on("prop-assignee", "change", function (el, input) { setSpiffProperty(el, "assigneeVariable", input.value.trim()); });
    on("prop-deadline-days", "change", function (el, input) {
      const days = input.value.trim();
      setSpiffProperty(el, "deadlineDays", days);
      setSpiffProperty(el, "deadlineDayType", days ? $("prop-deadline-day-type").value : "");
    });
    on("prop-deadline-day-type", "change", function (el, input) {
      if ($("prop-deadline-days").value.trim()) { setSpiffProperty(el, "deadlineDayType", input.value); }
    });
    on("prop-timer-kind", "change", setTimer);
    on("prop-timer-expression", "input", setTimer);
    on("prop-document-kinds", "change", function (el, input) {
      const chosen = Array.from(input.selectedOptions).map(function (o) { return o.value; });
      setSpiffProperty(el, "documentKinds", chosen.join(","));
    });
    on("prop-timer-role", "change", function (el, input) { setSpiffProperty(el, "timerRole", input.value); });
    on("prop-startable-by", "change", function (el, input) {
      const roles = input.value.split(",").map(function (r) { return r.trim(); }).filter(Boolean).join(", ");
      input.value = roles;
      setSpiffProperty(el, "startableBy", roles, processOf(el));
    });
    on("prop-condition", "input", function (el, input) {
      const body = input.value;
      modeling.updateProperties(el, { conditionExpression: body ? moddle.create("bpmn:FormalExpression", { body: body }) : undefined });
    });
    on("prop-default", "change", function (el, input) {
      const source = el.source;
      if (input.checked) {
        modeling.updateProperties(source, { default: el.businessObject });
      } else if (source.businessObject.default === el.businessObject) {
        modeling.updateProperties(source, { default: undefined });
      }
    });
    on("prop-script", "input", function (el, input) { modeling.updateProperties(el, { script: input.value }); });
    function setOperator(el) {
      const operator = ensureExtension(el, "spiffworkflow:ServiceTaskOperator", {});
      if (!operator.parameters) {
        modeling.updateModdleProperties(el, operator, { parameters: moddle.create("spiffworkflow:Parameters", { parameters: [] }) });
      }
      modeling.updateModdleProperties(el, operator, {
        id: $("prop-operator").value.trim() || undefined, resultVariable: $("prop-result-variable").value.trim() || undefined,
      });
    }
    on("prop-operator", "change", setOperator);
    on("prop-result-variable", "change", setOperator);

    modeler.on("import.done", function () { bind(processRoot()); });
    modeler.on("selection.changed", function (event) {
      const chosen = event.newSelection.length === 1 ? event.newSelection[0] : null;
      bind(chosen && chosen.labelTarget ? chosen.labelTarget : chosen || processRoot());
    });

    // --- the form editor: JSON Schema text beside a live, server-rendered preview -----------------------
    let previewTimer = null;
    let editedForm = "";

    function texts() { return JSON.parse($("designer-texts").textContent); }

    async function postForm(url, fields) {
      const body = new FormData();
      Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
      const response = await fetch(url, {
        method: "POST", credentials: "same-origin", body: body, headers: { "X-CSRF-Token": csrfToken() },
      });
      return response;
    }

    async function preview() {
      const box = $("form-preview");
      box.dataset.state = "running";
      const response = await postForm("/designer/forms/preview", { schema: $("form-schema").value });
      box.innerHTML = await response.text();
      box.dataset.state = "done";
    }

    async function openFormEditor(name) {
      editedForm = name || "";
      $("form-editor").hidden = !editedForm;
      $("form-save-result").textContent = "";
      if (!editedForm) { return; }
      $("form-editor-name").textContent = editedForm;
      const response = await fetch("/designer/forms/schema?name=" + encodeURIComponent(editedForm), { credentials: "same-origin" });
      $("form-schema").value = response.ok ? JSON.stringify(await response.json(), null, 2) : "{}";
      await preview();
    }

    $("form-schema").addEventListener("input", function () {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(function () { preview().catch(console.error); }, 400);
    });

    $("form-save").addEventListener("click", async function () {
      const element = current;
      const response = await postForm("/designer/forms", { schema: $("form-schema").value, based_on: editedForm });
      const answer = await response.json().catch(function () { return { ok: false }; });
      if (!answer.ok) {
        $("form-save-result").textContent = answer.problem || answer.detail || texts().form_not_saved + " (HTTP " + response.status + ")";
        return;
      }
      const select = $("prop-form");
      const option = document.createElement("option");
      option.value = answer.name;
      option.textContent = answer.name;
      select.appendChild(option);
      if (element) { setSpiffProperty(element, "formJsonSchemaFilename", answer.name); }
      select.value = answer.name;
      editedForm = answer.name;
      $("form-editor-name").textContent = answer.name;
      $("form-save-result").textContent = texts().form_saved.replace("{name}", answer.name);
      $("form-save-result").dataset.saved = answer.name;
    });

    // --- drafts -------------------------------------------------------------------------------------------
    $("save-draft-button").addEventListener("click", async function () {
      const result = await modeler.saveXML({ format: true });
      const data = container.dataset;
      const params = new URLSearchParams();
      if (data.draftId) { params.set("draft_id", data.draftId); }
      if (data.processKey) { params.set("process_key", data.processKey); }
      if (data.basedOnVersion) { params.set("based_on_version", data.basedOnVersion); }
      const root = canvas.getRootElement().businessObject;
      params.set("name", data.draftName || root.name || root.id || "");
      const response = await fetch("/designer/drafts?" + params.toString(), {
        method: "POST", credentials: "same-origin", body: result.xml,
        headers: { "Content-Type": "application/xml", "X-CSRF-Token": csrfToken() },
      });
      const answer = await response.json();
      const box = $("draft-result");
      if (!response.ok) {
        box.className = "alert alert--error";
        box.textContent = answer.detail || "HTTP " + response.status;
      } else {
        data.draftId = String(answer.id);
        box.className = "alert alert--ok";
        box.textContent = texts().draft_saved + ": ";
        const link = document.createElement("a");
        link.href = answer.url;
        link.textContent = answer.name;
        box.appendChild(link);
        box.dataset.draftId = String(answer.id);
        window.history.replaceState(null, "", answer.url);
      }
      box.hidden = false;
    });

    // --- lint and deploy ----------------------------------------------------------------------------------
    let shown = [];

    function clearProblems() {
      shown.forEach(function (id) {
        canvas.removeMarker(id, "lint-error");
        canvas.removeMarker(id, "lint-warning");
      });
      shown = [];
      overlays.remove({ type: "lint" });
      $("lint-list").innerHTML = "";
    }

    function showProblems(problems) {
      clearProblems();
      const panel = $("lint-panel");
      $("lint-empty").hidden = problems.length > 0;
      problems.forEach(function (problem) {
        const id = problem.element_id;
        const element = id ? registry.get(id) : null;
        if (element) {
          canvas.addMarker(id, "lint-" + problem.severity);
          shown.push(id);
          const badge = document.createElement("span");
          badge.className = "lint-badge lint-badge--" + problem.severity;
          badge.textContent = "!";
          badge.title = problem.text || problem.message;
          overlays.add(id, "lint", { position: { top: -10, right: 10 }, html: badge });
        }
        const item = document.createElement("li");
        item.className = "lint-" + problem.severity;
        item.dataset.elementId = id || "";
        item.textContent = (problem.severity === "error" ? texts().lint_error : texts().lint_warning) + " · " + (problem.text || problem.message);
        if (element) {
          item.addEventListener("click", function () {
            selection.select(element);
            canvas.scrollToElement(element);
          });
        }
        $("lint-list").appendChild(item);
      });
      panel.dataset.errors = String(problems.filter(function (p) { return p.severity === "error"; }).length);
      panel.dataset.warnings = String(problems.filter(function (p) { return p.severity === "warning"; }).length);
      panel.dataset.state = "done";
    }

    async function post(url) {
      const result = await modeler.saveXML({ format: true });
      const root = processRoot();
      const filename = root ? root.businessObject.id + ".bpmn" : container.dataset.filename || "diagram.bpmn";
      const response = await fetch(url + "?filename=" + encodeURIComponent(filename), {
        method: "POST", credentials: "same-origin", body: result.xml,
        headers: { "Content-Type": "application/xml", "X-CSRF-Token": csrfToken() },
      });
      return { status: response.status, body: await response.json() };
    }

    async function lint() {
      $("lint-panel").dataset.state = "running";
      const answer = await post("/designer/lint");
      showProblems(answer.body.problems || []);
      return answer.body;
    }

    function showDeployed(body) {
      const words = texts();
      const box = $("deploy-result");
      box.innerHTML = "";
      const message = document.createElement("strong");
      message.textContent = words.deployed.replace("{version}", body.version);
      box.appendChild(message);
      [[body.versions_url, words.versions, "deployed-versions"], [body.migrations_url, words.migrate, "deployed-migrations"]].forEach(function (link) {
        box.appendChild(document.createTextNode(" · "));
        const a = document.createElement("a");
        a.href = link[0];
        a.textContent = link[1];
        a.id = link[2];
        box.appendChild(a);
      });
      box.dataset.version = String(body.version);
      box.hidden = false;
    }

    $("lint-button").addEventListener("click", function () { lint().catch(console.error); });
    function fill(template, values) {
      return Object.keys(values).reduce(function (text, key) { return text.split("{" + key + "}").join(values[key]); }, template);
    }

    function describeChanges(preview) {
      const words = texts();
      const box = $("deploy-confirm-changes");
      box.innerHTML = "";
      const groups = [["added", words.confirm_added], ["removed", words.confirm_removed], ["changed", words.confirm_changed]];
      let any = false;
      groups.forEach(function (group) {
        const items = preview[group[0]] || [];
        if (!items.length) { return; }
        any = true;
        const heading = document.createElement("h3");
        heading.textContent = group[1] + " (" + items.length + ")";
        const list = document.createElement("ul");
        list.dataset.kind = group[0];
        items.forEach(function (item) {
          const li = document.createElement("li");
          li.textContent = (item.name || item.id) + (item.changes && item.changes.length ? ": " + item.changes.join("; ") : "");
          list.appendChild(li);
        });
        box.appendChild(heading);
        box.appendChild(list);
      });
      if (!any && preview.current_version && !preview.unchanged) {
        const none = document.createElement("p");
        none.textContent = words.confirm_none;
        box.appendChild(none);
      }
    }

    function confirmDeployment(preview) {
      const words = texts();
      const values = { name: preview.process_name, next: preview.next_version, current: preview.current_version };
      $("deploy-confirm-summary").textContent = fill(
        preview.unchanged ? words.confirm_unchanged : preview.current_version ? words.confirm_next : words.confirm_new, values);
      describeChanges(preview);
      const dialog = $("deploy-confirm");
      return new Promise(function (resolve) {
        dialog.addEventListener("close", function () { resolve(dialog.returnValue === "deploy"); }, { once: true });
        dialog.returnValue = "";
        dialog.showModal();
      });
    }

    $("deploy-button").addEventListener("click", async function () {
      $("deploy-result").hidden = true;
      const checked = await lint();
      if (!checked.ok) { return; }
      const preview = await post("/designer/deploy/preview");
      if (preview.status !== 200 || !preview.body.ok) {
        showProblems(preview.body.problems || [{ severity: "error", element_id: null, message: preview.body.detail || "HTTP " + preview.status }]);
        return;
      }
      if (!(await confirmDeployment(preview.body))) { return; }
      const answer = await post("/designer/deploy");
      if (answer.status === 200 && answer.body.ok) {
        showProblems(answer.body.problems || []);
        showDeployed(answer.body);
      } else {
        showProblems(answer.body.problems || [{ severity: "error", element_id: null, message: answer.body.detail || "HTTP " + answer.status }]);
      }
    });
    $("download-link").addEventListener("click", async function (event) {
      const link = event.currentTarget;
      if (link.dataset.ready) { delete link.dataset.ready; return; }
      event.preventDefault();
      const result = await modeler.saveXML({ format: true });
      link.href = URL.createObjectURL(new Blob([result.xml], { type: "application/xml" }));
      link.dataset.ready = "true";
      link.click();
    });

    return modeler;
  }

  document.addEventListener("DOMContentLoaded", async function () {
    const container = $("modeler");
    if (!container || !window.BpmnJS) { return; }
    const modeler = start(container);
    let xml = $("blank-diagram").textContent;
    if (container.dataset.xmlUrl) {
      const response = await fetch(container.dataset.xmlUrl, { credentials: "same-origin" });
      xml = await response.text();
    }
    try {
      await modeler.importXML(xml);
      modeler.get("canvas").zoom("fit-viewport");
      container.dataset.ready = "true";
    } catch (error) {
      container.textContent = String(error);
    }
  });
})();
