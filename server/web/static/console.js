// The console's only script (CSP: script-src 'self'): countdowns, the bulk selection count, the kill switch's
// typed confirmation, and live run progress over server-sent events. Every page works without it.
"use strict";

function countdown(el) {
  const left = Date.parse(el.getAttribute("datetime")) - Date.now();
  if (Number.isNaN(left)) return;
  if (left <= 0) { el.textContent = "expired"; return; }
  const h = Math.floor(left / 3600000), d = Math.floor(h / 24), m = Math.floor((left % 3600000) / 60000);
  el.textContent = d > 0 ? `in ${d} d ${h % 24} h` : h > 0 ? `in ${h} h ${m} min` : `in ${m} min`;
  el.title = new Date(Date.parse(el.getAttribute("datetime"))).toUTCString();
}

function tickCountdowns() { document.querySelectorAll("time[data-countdown]").forEach(countdown); }

function bulkCount() {
  const out = document.getElementById("bulk-count");
  if (!out) return;
  const update = () => {
    const n = document.querySelectorAll('input[name="pick"]:checked').length;
    out.textContent = n ? `${n} selected.` : "Select actions to decide several at once.";
  };
  document.querySelectorAll('input[name="pick"]').forEach((box) => box.addEventListener("change", update));
}

function confirmForms() {
  document.querySelectorAll("form[data-confirm-form]").forEach((form) => {
    const input = form.querySelector("[data-must]");
    const button = form.querySelector('button[type="submit"]');
    const check = () => { button.disabled = input.value.trim() !== input.dataset.must; };
    input.addEventListener("input", check);
    check();
  });
}

function liveRuns() {
  const table = document.getElementById("runs");
  if (!table || !window.EventSource) return;
  const state = document.getElementById("live-state");
  const source = new EventSource(table.dataset.events);
  source.addEventListener("runs", (event) => {
    const body = table.tBodies[0];
    const runs = JSON.parse(event.data);
    body.replaceChildren(...runs.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.run = r.id;
      const cells = [`#${r.id}`, r.agent, r.status, null, r.summary];
      cells.forEach((text, i) => {
        const td = document.createElement("td");
        if (i === 3) {
          const bar = document.createElement("progress");
          bar.max = 100; bar.value = r.progress; bar.textContent = `${r.progress} %`;
          bar.setAttribute("aria-label", `Run #${r.id} progress`);
          bar.dataset.field = "progress";
          td.append(bar, ` ${r.progress} %`);
        } else {
          td.textContent = text;
          if (i === 2) td.dataset.field = "status";
          if (i === 4) td.dataset.field = "summary";
        }
        tr.append(td);
      });
      return tr;
    }));
    state.textContent = `Updated ${new Date().toLocaleTimeString()}.`;
    table.dataset.live = "on";
  });
  const cycles = document.getElementById("cycles");
  source.addEventListener("cycles", (event) => {
    const rows = JSON.parse(event.data);
    if (!cycles || !rows.length) return;
    cycles.tBodies[0].replaceChildren(...rows.map((c) => {
      const tr = document.createElement("tr");
      [c.cycle, c.started, c.status, c.phases].forEach((text) => {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      });
      return tr;
    }));
  });
  source.onerror = () => { state.textContent = "Live updates paused; reload to resume."; };
}

document.addEventListener("DOMContentLoaded", () => {
  tickCountdowns();
  setInterval(tickCountdowns, 30000);
  bulkCount();
  confirmForms();
  liveRuns();
});
