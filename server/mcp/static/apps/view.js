// Growth Engine's MCP Apps views, the part both share: the view side of the io.modelcontextprotocol/ui protocol
// (JSON-RPC 2.0 over postMessage with the host), the theme, and the decision controls. Inlined into each view
// by server/mcp/apps.py. Data is always written as text (textContent), never as HTML.
"use strict";
const GE = (() => {
  const PROTOCOL = "2026-01-26";
  const host = window.parent;
  const pending = new Map();
  const handlers = {};
  let nextId = 1;
  let context = {};
  let hostCapabilities = {};

  const post = (message) => host.postMessage({ jsonrpc: "2.0", ...message }, "*");
  function request(method, params) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      post({ id, method, params });
    });
  }
  const notify = (method, params) => post({ method, params });

  window.addEventListener("message", (event) => {
    const m = event.data;
    if (event.source !== host || !m || m.jsonrpc !== "2.0") return;
    if (m.method === undefined && m.id !== undefined) {  // a response to one of our requests
      const waiting = pending.get(m.id);
      if (!waiting) return;
      pending.delete(m.id);
      if (m.error) waiting.reject(new Error(m.error.message || "the host refused the request"));
      else waiting.resolve(m.result);
      return;
    }
    if (m.id !== undefined) {  // a request from the host
      if (m.method === "ui/resource-teardown" || m.method === "ping") post({ id: m.id, result: {} });
      else post({ id: m.id, error: { code: -32601, message: `this view does not handle ${m.method}` } });
      return;
    }
    if (m.method === "ui/notifications/host-context-changed") applyContext(m.params || {});
    const handler = handlers[m.method];
    if (handler) handler(m.params || {});
  });

  function applyContext(partial) {
    context = { ...context, ...partial };
    const root = document.documentElement;
    if (partial.theme === "dark" || partial.theme === "light") root.dataset.theme = partial.theme;
    const styles = partial.styles || {};
    for (const [name, value] of Object.entries(styles.variables || {})) {
      if (name.startsWith("--") && typeof value === "string") root.style.setProperty(name, value);
    }
    if (styles.css && typeof styles.css.fonts === "string") {
      let fonts = document.getElementById("host-fonts");
      if (!fonts) { fonts = document.createElement("style"); fonts.id = "host-fonts"; document.head.append(fonts); }
      fonts.textContent = styles.css.fonts;
    }
  }

  function watchSize() {
    let last = "";
    const report = () => {
      const size = { width: Math.ceil(document.documentElement.scrollWidth),
                     height: Math.ceil(document.documentElement.scrollHeight) };
      const key = `${size.width}x${size.height}`;
      if (key !== last) { last = key; notify("ui/notifications/size-changed", size); }
    };
    new ResizeObserver(report).observe(document.body);
    report();
  }

  /** Connect to the host: the handshake, then the tool's input and result as they come. */
  async function start({ name, onInput, onResult }) {
    handlers["ui/notifications/tool-input"] = (p) => onInput(p.arguments || {});
    handlers["ui/notifications/tool-result"] = onResult;
    handlers["ui/notifications/tool-cancelled"] = (p) => showError(`The tool call was cancelled${p.reason ? `: ${p.reason}` : ""}.`);
    if (host === window) {
      showError("This view runs inside an MCP Apps host; the same tool's text result says the same.");
      return;
    }
    const result = await request("ui/initialize", {
      appInfo: { name, version: "0.1.0" }, appCapabilities: {}, protocolVersion: PROTOCOL });
    hostCapabilities = result.hostCapabilities || {};
    applyContext(result.hostContext || {});
    notify("ui/notifications/initialized", {});
    watchSize();
  }

  /** A tool of the server, called through the host; a tool error is thrown with its text. */
  async function callTool(name, args) {
    const result = await request("tools/call", { name, arguments: args });
    if (result && result.isError) throw new Error(text(result) || `${name} failed`);
    return result;
  }

  const text = (result) => ((result && result.content) || []).filter((c) => c.type === "text").map((c) => c.text).join("\n");

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const money = (v) => (v === null || v === undefined) ? "—" : "$" + Number(v).toLocaleString("en-US",
    Math.abs(v) >= 100 ? { maximumFractionDigits: 0 } : { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const pct = (v) => (v === null || v === undefined) ? "—" : `${Math.round(Number(v) * 100)}%`;
  function when(iso, fallback) {
    if (!iso) return fallback || "—";
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    const options = { dateStyle: "medium", timeStyle: "short" };
    if (context.timeZone) options.timeZone = context.timeZone;
    try { return new Intl.DateTimeFormat(context.locale || undefined, options).format(d); }
    catch { return d.toISOString().slice(0, 16).replace("T", " "); }
  }
  const RISK = { low: "Low risk", medium: "Medium risk", high: "High risk", critical: "Critical risk" };
  const riskBadge = (tier) => el("span", { class: `badge risk-${tier}` }, RISK[tier] || `${tier} risk`);
  const STATUS = { pending_approval: "Waiting for you", auto_approved: "Approved by autonomy",
    executed: "Done (engine's copy)", delivered: "Delivered to the live store", delivering: "Delivering",
    delivery_failed: "Delivery failed", rolled_back: "Rolled back" };
  const statusWord = (s) => STATUS[s] || (s.charAt(0).toUpperCase() + s.slice(1)).replace(/_/g, " ");
  const DECIDABLE = new Set(["pending_approval", "snoozed"]);

  function announce(message) {
    document.getElementById("announce").textContent = message;
  }
  function showError(message) {
    document.getElementById("error").textContent = message;
  }

  /** Approve / Reject (with a reason) / Edit-and-approve (markdowns) for one action, each naming its version. */
  function decisionControls(a, onDecided) {
    if (!DECIDABLE.has(a.status)) return null;
    if (!hostCapabilities.serverTools) {
      return el("p", { class: "muted" }, `Decide #${a.id} (version ${a.version}) in the conversation: this host does not pass a view's tool calls on.`);
    }
    const label = `#${a.id} version ${a.version}`;
    const box = el("div", { class: "controls", role: "group", "aria-label": `Decide ${label}` });
    const rowError = el("p", { class: "error", role: "alert" });
    let openForm = null;

    async function decide(tool, args, button) {
      for (const b of box.querySelectorAll("button, input")) b.disabled = true;
      box.setAttribute("aria-busy", "true");
      rowError.textContent = "";
      let result;
      try {
        result = await callTool(tool, { action_id: a.id, version: a.version, ...args });
      } catch (err) {
        rowError.textContent = err.message;
        showError(`#${a.id}: ${err.message}`);
        for (const b of box.querySelectorAll("button, input")) b.disabled = false;
        box.removeAttribute("aria-busy");
        if (button) button.focus();
        return;
      }
      announce(text(result) || `#${a.id}: done.`);
      showError("");
      try { await onDecided(result); }
      catch (err) { showError(`Decided, but the view could not refresh: ${err.message}`); }
    }

    function inlineForm(opener, { id, label: text, input, submit, onSubmit }) {
      if (openForm) openForm.close();
      // not a <form>: a host's sandbox may withhold allow-forms, which silences submission; Enter sends it
      const field = el("input", { id, ...input });
      const send = () => {
        if (!field.checkValidity()) { field.reportValidity(); return; }
        onSubmit(field.value, opener);
      };
      const form = el("div", { class: "inline", role: "group", "aria-label": submit.text },
        el("label", { for: id }, text, field),
        el("button", { type: "button", class: submit.kind, onclick: send }, submit.text),
        el("button", { type: "button", onclick: () => close() }, "Cancel"));
      const close = () => { form.remove(); opener.setAttribute("aria-expanded", "false"); openForm = null; opener.focus(); };
      form.addEventListener("keydown", (e) => {
        if (e.key === "Escape") { e.preventDefault(); close(); }
        else if (e.key === "Enter" && e.target === field) { e.preventDefault(); send(); }
      });
      openForm = { close };
      opener.setAttribute("aria-expanded", "true");
      box.append(form);
      field.focus();
    }

    const approve = el("button", { type: "button", class: "primary", "aria-label": `Approve ${label}` }, "Approve");
    approve.addEventListener("click", () => decide("approve_action", {}, approve));
    const reject = el("button", { type: "button", class: "danger", "aria-label": `Reject ${label}`,
      "aria-expanded": "false" }, "Reject");
    reject.addEventListener("click", () => inlineForm(reject, {
      id: `reason-${a.id}`, label: `Why reject #${a.id}? The agent learns from it.`,
      input: { type: "text", required: true, autocomplete: "off" },
      submit: { kind: "danger", text: `Reject #${a.id}` },
      onSubmit: (reason, opener) => decide("reject_action", { reason }, opener) }));
    box.append(approve, reject);
    if (String(a.kind).includes("markdown")) {
      const current = a.params && a.params.percent_off;
      const edit = el("button", { type: "button", "aria-label": `Edit and approve ${label}`, "aria-expanded": "false" },
        "Edit and approve");
      edit.addEventListener("click", () => inlineForm(edit, {
        id: `percent-${a.id}`, label: `New percentage off for #${a.id}`,
        input: { type: "number", min: "1", max: "90", step: "0.5", required: true, value: current ?? "" },
        submit: { kind: "primary", text: `Approve #${a.id} at this depth` },
        onSubmit: (value, opener) => decide("edit_and_approve", { params: { percent_off: Number(value) } }, opener) }));
      box.append(edit);
    }
    return el("div", {}, box, rowError);
  }

  return { start, callTool, text, el, money, pct, when, riskBadge, statusWord, announce, showError,
           decisionControls, canCallTools: () => Boolean(hostCapabilities.serverTools) };
})();
