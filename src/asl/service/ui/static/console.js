// The ASL console: plain JavaScript over the /v1 API, no framework and no build step.
//
// Every value from the server is put in the page as text (textContent), never as
// HTML, so a state name or an input cannot inject markup. The one exception is
// the graph, which is SVG drawn by Graphviz on the server and parsed as XML.
// Event streams are read with fetch (EventSource cannot send the Bearer key).
"use strict";

const KEY = "asl.console.key";
const APPROVER = "asl.console.approver";
// Outcome colours, the same as `asl graph --execution` (src/asl/graph/style.py).
const FILL = {
  SUCCEEDED: ["#c8e6c9", "#2e7d32"],
  IN_PROGRESS: ["#bbdefb", "#1565c0"],
  CAUGHT_ERROR: ["#ffe0b2", "#ef6c00"],
  FAILED: ["#ffcdd2", "#c62828"],
  NOT_RUN: ["#f5f5f5", "#9e9e9e"],
};
const RANK = { SUCCEEDED: 0, IN_PROGRESS: 1, CAUGHT_ERROR: 2, FAILED: 3 };

let current = null; // the execution view on screen: {id, abort, ...}
let nextCursor = null;

function $(selector) {
  return document.querySelector(selector);
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function json(value) {
  return el("pre", { class: "json" }, JSON.stringify(value, null, 2));
}

function when(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleString();
}

function key() {
  return sessionStorage.getItem(KEY);
}

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

// One call to the API with the key; a problem document becomes an ApiError with its detail.
async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${key()}`, ...(options.headers || {}) };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { ...options, headers });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      detail = (await response.json()).detail || detail;
    } catch (_) {
      // not a problem document: keep the status line
    }
    if (response.status === 401) signOut(detail);
    throw new ApiError(response.status, detail);
  }
  return response;
}

async function getJson(path) {
  return (await api(path)).json();
}

function show(view) {
  for (const name of ["login-view", "list-view", "execution-view"]) {
    $(`#${name}`).hidden = name !== view;
  }
  $("#logout").hidden = view === "login-view";
  $("#who").textContent = view === "login-view" ? "" : sessionStorage.getItem(APPROVER) || "";
}

function signOut(reason) {
  sessionStorage.removeItem(KEY);
  leaveExecution();
  show("login-view");
  $("#login-error").textContent = reason || "";
}

async function signIn(event) {
  event.preventDefault();
  sessionStorage.setItem(KEY, $("#key").value.trim());
  sessionStorage.setItem(APPROVER, $("#approver").value.trim());
  try {
    await api("/v1/executions?limit=1");
  } catch (error) {
    if (error.status !== 401) signOut(error.message);
    return;
  }
  $("#key").value = "";
  $("#login-error").textContent = "";
  route();
}

function route() {
  if (!key()) {
    show("login-view");
    return;
  }
  const match = location.hash.match(/^#\/executions\/(.+)$/);
  leaveExecution();
  if (match) openExecution(decodeURIComponent(match[1]));
  else openList();
}

// --- the executions list -------------------------------------------------------------

function filterQuery() {
  const query = new URLSearchParams({ limit: "50" });
  const status = $("#filter-status").value;
  const workflow = $("#filter-workflow").value.trim();
  if (status) query.set("status", status);
  if (workflow) query.set("workflow", workflow);
  for (const [field, name] of [["#filter-after", "createdAfter"], ["#filter-before", "createdBefore"]]) {
    const value = $(field).value;
    if (value) query.set(name, String(new Date(value).getTime() / 1000));
  }
  return query;
}

async function openList() {
  show("list-view");
  $("#executions tbody").replaceChildren();
  nextCursor = null;
  await Promise.all([loadExecutions(), loadApprovals()]);
}

async function loadExecutions() {
  const query = filterQuery();
  if (nextCursor) query.set("cursor", nextCursor);
  $("#list-error").textContent = "";
  try {
    const page = await getJson(`/v1/executions?${query}`);
    for (const execution of page.executions) {
      const link = el("a", { href: `#/executions/${encodeURIComponent(execution.executionId)}` },
        execution.executionId);
      $("#executions tbody").append(el("tr", { "data-execution": execution.executionId },
        el("td", {}, link), el("td", {}, execution.workflow ?? ""),
        el("td", {}, execution.version ?? ""),
        el("td", {}, el("span", { class: `status ${execution.status}` }, execution.status)),
        el("td", {}, when(execution.createdAt))));
    }
    nextCursor = page.nextCursor;
    $("#more").hidden = !nextCursor;
  } catch (error) {
    $("#list-error").textContent = error.message;
  }
}

async function loadApprovals() {
  const box = $("#approvals");
  try {
    const { approvals } = await getJson("/v1/approvals");
    box.replaceChildren(...approvals.map((approval) => approvalCard(approval, true)));
    if (!approvals.length) box.append(el("p", { class: "hint" }, "Nothing waits for a decision."));
  } catch (error) {
    box.replaceChildren(el("p", { class: "error" }, error.message));
  }
}

// --- approvals ------------------------------------------------------------------------

// A card with the prompt, the input, a comment field and one button per option.
function approvalCard(approval, withLink) {
  const request = approval.request || {};
  const options = Array.isArray(request.options) && request.options.length
    ? request.options : ["approve", "reject"];
  const comment = el("input", { type: "text", placeholder: "Comment (optional)", maxlength: "32768" });
  const message = el("p", { class: "error", role: "alert" });
  const buttons = options.map((option) => {
    const style = option === "approve" ? "approve" : option === "reject" ? "reject" : "";
    return el("button", {
      type: "button",
      class: style,
      "data-option": option,
      onclick: () => decide(approval.requestId, option, comment.value, buttons, message),
    }, option[0].toUpperCase() + option.slice(1));
  });
  const executionId = approval.executionId || (current && current.id);
  return el("div", { class: "card approval", "data-request": approval.requestId },
    el("p", { class: "prompt" }, typeof request.prompt === "string"
      ? request.prompt : JSON.stringify(request.prompt)),
    el("p", { class: "hint" }, `State ${approval.state}`,
      withLink ? " of execution " : "",
      withLink ? el("a", { href: `#/executions/${encodeURIComponent(executionId)}` }, executionId) : null),
    request.input !== undefined ? json(request.input) : null,
    el("div", {}, comment, " ", ...buttons.flatMap((button) => [button, " "])),
    message);
}

async function decide(requestId, option, comment, buttons, message) {
  buttons.forEach((button) => { button.disabled = true; });
  const body = { approval: option };
  const approver = sessionStorage.getItem(APPROVER);
  if (approver) body.approver = approver;
  if (comment.trim()) body.comment = comment.trim();
  try {
    await api(`/v1/approvals/${encodeURIComponent(requestId)}/decision`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    message.className = "hint";
    message.textContent = `Sent: ${option}. The execution continues.`;
  } catch (error) {
    buttons.forEach((button) => { button.disabled = false; });
    message.className = "error";
    message.textContent = error.message;
  }
}

// --- one execution -------------------------------------------------------------------

function leaveExecution() {
  if (current) current.abort.abort();
  current = null;
}

async function openExecution(id) {
  show("execution-view");
  const view = { id, abort: new AbortController(), lastId: 0, events: [], nodes: {}, ended: false };
  current = view;
  $("#execution-id").textContent = id;
  for (const part of ["#execution-workflow", "#execution-error", "#stream-state", "#output"]) {
    $(part).textContent = "";
  }
  for (const part of ["#graph", "#pending", "#cost", "#states", "#timeline tbody"]) {
    $(part).replaceChildren();
  }
  try {
    await Promise.all([describe(view), drawGraph(view)]);
  } catch (error) {
    $("#execution-error").textContent = error.message;
    return;
  }
  stream(view);
}

async function describe(view) {
  const execution = await getJson(`/v1/executions/${encodeURIComponent(view.id)}`);
  if (current !== view) return;
  $("#execution-workflow").textContent = `${execution.workflow ?? "?"} v${execution.version ?? "?"}`;
  const status = $("#execution-status");
  status.textContent = execution.status;
  status.className = `status ${execution.status}`;
  const pending = (execution.pending || []).filter((request) => request.kind === "approval");
  const shown = [...$("#pending").children].map((card) => card.dataset.request).join(" ");
  if (shown !== pending.map((request) => request.requestId).join(" ")) {
    // only when they changed: a card being answered must keep its buttons and message
    $("#pending").replaceChildren(...pending.map((request) => approvalCard(request, false)));
  }
  $("#output").textContent = execution.error
    ? `${execution.error}: ${execution.cause ?? ""}`
    : JSON.stringify(execution.output, null, 2);
  view.execution = execution;
  showCost(view);
  recolour(view);
}

// Describe again once a burst of events is in (a committed transition moves the position).
function refresh(view) {
  if (view.refreshing) return;
  view.refreshing = setTimeout(() => {
    view.refreshing = null;
    describe(view).catch((error) => { $("#execution-error").textContent = error.message; });
  }, 50);
}

async function drawGraph(view) {
  const drawing = await getJson(`/v1/executions/${encodeURIComponent(view.id)}/graph`);
  if (current !== view) return;
  const parsed = new DOMParser().parseFromString(drawing.svg, "image/svg+xml");
  const svg = document.importNode(parsed.documentElement, true);
  const byTitle = {};
  for (const group of svg.querySelectorAll("g.node")) {
    const title = group.querySelector("title");
    if (title) byTitle[title.textContent] = group;
  }
  for (const [state, nodeId] of Object.entries(drawing.states)) {
    const group = byTitle[nodeId];
    if (!group) continue;
    group.setAttribute("data-state", state);
    view.nodes[state] = group;
    paint(group, "NOT_RUN");
  }
  $("#graph").replaceChildren(svg);
  recolour(view);
}

function paint(group, outcome) {
  const [fill, stroke] = FILL[outcome];
  for (const shape of group.querySelectorAll("path, polygon, ellipse")) {
    shape.setAttribute("fill", fill);
    shape.setAttribute("stroke", stroke);
  }
  group.setAttribute("data-outcome", outcome);
  group.classList.toggle("lit", outcome !== "NOT_RUN");
}

// Each state's outcome from the events so far, as asl.graph.execution.state_outcomes does,
// except that a state entered again after the execution paused in it (an Approval that
// got its decision) continues the paused run instead of adding a run that never ended.
function outcomes(events) {
  const visits = {};
  const paused = new Set();
  for (const event of events) {
    const state = event.state;
    const kind = String(event.type || "");
    if (typeof state !== "string") continue;
    const runs = (visits[state] ||= []);
    const details = event.details || {};
    if (kind === "ExecutionPaused") paused.add(state);
    else if (kind.endsWith("StateEntered") && paused.delete(state) && runs.length) continue;
    else if (kind.endsWith("StateEntered")) runs.push("IN_PROGRESS");
    else if (!runs.length) continue;
    else if (kind.endsWith("StateExited")) {
      if (runs[runs.length - 1] === "IN_PROGRESS") runs[runs.length - 1] = "SUCCEEDED";
    } else if (["TaskFailed", "TaskTimedOut"].includes(kind) || kind.endsWith("StateFailed")) {
      if ("caught" in details) runs[runs.length - 1] = "CAUGHT_ERROR";
      else if (!("retry" in details)) runs[runs.length - 1] = "FAILED";
    }
  }
  const found = {};
  for (const [state, runs] of Object.entries(visits)) {
    if (runs.length) found[state] = runs.reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
  }
  return found;
}

// The store commits a state's events when the state ends, so the state running now has
// none yet: the execution's position (the state it runs next) is shown in progress.
function recolour(view) {
  const found = outcomes(view.events);
  const running = view.execution && view.execution.status === "RUNNING";
  const position = running ? view.execution.position : null;
  if (position && found[position] !== "FAILED") found[position] = "IN_PROGRESS";
  for (const [state, group] of Object.entries(view.nodes)) paint(group, found[state] || "NOT_RUN");
}

// The input and output of each state, in the order the states were entered.
function showStates(view) {
  const seen = new Map();
  for (const event of view.events) {
    if (typeof event.state !== "string" || !event.details) continue;
    const entry = seen.get(event.state) || {};
    if (String(event.type).endsWith("StateEntered") && "input" in event.details) {
      entry.input = event.details.input;
    }
    if (String(event.type).endsWith("StateExited") && "output" in event.details) {
      entry.output = event.details.output;
    }
    seen.set(event.state, entry);
  }
  const rows = [...seen].map(([state, entry]) => el("tr", { "data-state": state },
    el("td", {}, state),
    el("td", {}, "input" in entry ? json(entry.input) : ""),
    el("td", {}, "output" in entry ? json(entry.output) : "")));
  $("#states").replaceChildren(el("table", { class: "grid" },
    el("thead", {}, el("tr", {}, el("th", {}, "State"), el("th", {}, "Input"), el("th", {}, "Output"))),
    el("tbody", {}, ...rows)));
}

// Totals from the execution record, and the usage that events report for their state.
function showCost(view) {
  const execution = view.execution;
  if (!execution) return;
  const byState = {};
  for (const event of view.events) {
    const usage = event.details && event.details.usage;
    if (!usage || typeof event.state !== "string") continue;
    const entry = (byState[event.state] ||= { tokens: 0, cost: 0 });
    entry.tokens += Number(usage.tokens ?? (usage.inputTokens || 0) + (usage.outputTokens || 0));
    entry.cost += Number(usage.cost || 0);
  }
  const rows = Object.entries(byState).map(([state, entry]) =>
    el("tr", {}, el("td", {}, state), el("td", {}, entry.tokens), el("td", {}, `$${entry.cost.toFixed(6)}`)));
  $("#cost").replaceChildren(
    el("p", { id: "cost-total" }, `Total: $${Number(execution.cost || 0).toFixed(6)}, `
      + `${execution.tokens || 0} tokens`),
    ...(rows.length ? [el("table", { class: "grid" },
      el("thead", {}, el("tr", {}, el("th", {}, "State"), el("th", {}, "Tokens"), el("th", {}, "Cost"))),
      el("tbody", {}, ...rows))] : []));
}

function addEvent(view, event) {
  view.events.push(event);
  view.lastId = Math.max(view.lastId, Number(event.id) || 0);
  const details = event.details === undefined ? "" : el("details", {},
    el("summary", {}, Object.keys(event.details).join(", ") || "{}"), json(event.details));
  $("#timeline tbody").append(el("tr", { "data-event": event.type },
    el("td", {}, event.id), el("td", {}, event.timestamp ?? ""), el("td", {}, event.type),
    el("td", {}, event.state ?? ""), el("td", {}, details)));
}

// Read the event stream; reconnect with Last-Event-ID after a network failure.
async function stream(view) {
  while (current === view && !view.ended) {
    $("#stream-state").textContent = "(live)";
    try {
      const response = await api(`/v1/executions/${encodeURIComponent(view.id)}/events`, {
        headers: view.lastId ? { "Last-Event-ID": String(view.lastId) } : {},
        signal: view.abort.signal,
      });
      await readFrames(response, (frame) => onFrame(view, frame));
    } catch (error) {
      if (current !== view || error.name === "AbortError") return;
      if (error instanceof ApiError) {
        $("#execution-error").textContent = error.message;
        return;
      }
    }
    if (!view.ended) {
      $("#stream-state").textContent = "(reconnecting)";
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function readFrames(response, onFrameParsed) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const frame = { event: "message", data: [] };
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") frame.data.push(text);
        else if (field === "event" || field === "id") frame[field] = text;
      }
      if (frame.data.length) onFrameParsed({ ...frame, data: JSON.parse(frame.data.join("\n")) });
    }
  }
}

function onFrame(view, frame) {
  if (current !== view) return;
  if (frame.event === "end") {
    view.ended = true;
    $("#stream-state").textContent = "";
    describe(view).catch((error) => { $("#execution-error").textContent = error.message; });
    return;
  }
  addEvent(view, frame.data);
  recolour(view);
  showStates(view);
  showCost(view);
  refresh(view);
}

document.addEventListener("DOMContentLoaded", () => {
  $("#login").addEventListener("submit", signIn);
  $("#logout").addEventListener("click", () => signOut(""));
  $("#filters").addEventListener("submit", (event) => {
    event.preventDefault();
    openList();
  });
  $("#more").addEventListener("click", loadExecutions);
  window.addEventListener("hashchange", route);
  route();
});
