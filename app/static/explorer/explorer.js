// The datamap explorer: the data map as a left-to-right layered diagram, read from the public
// GraphQL API only. A small map is drawn whole (dataMap); a large one starts as groups
// (mapOverview) that open on demand (mapGroup), and any node can show its neighbourhood
// (mapNeighbourhood). The API key is kept in sessionStorage, never in the URL.
"use strict";

const KEY_STORAGE = "datamap.apiKey";
const WHOLE_MAP_LIMIT = 300; // systems: above it, "whole map, grouped when large" groups them
const LAYERED_LIMIT = 100; // drawn nodes laid out by dagre
const GROUP_PAGE = 150; // systems drawn when a group opens
const MAX_OPENINGS = 4; // groups and neighbourhoods drawn open at once: another closes the oldest
const MAX_ZOOM = 1.6; // a fitted view of a few nodes stops here
const DRAWN_KINDS = new Set(["System", "Organisation", "Country"]);
const DRAWN_EDGES = new Set(["FLOWS_TO", "OPERATED_BY", "HOSTED_IN", "ACCESSED_FROM", "ENGAGES", "BACKS_UP"]);
const VERDICT_ORDER = ["BLOCKED", "EXPIRED", "ACTION_REQUIRED", "DEROGATION", "SAFEGUARD", "ADEQUACY", "NOT_A_TRANSFER"];
const VERDICT_COLOUR = {
  BLOCKED: "#c0392b",
  EXPIRED: "#8e44ad",
  ACTION_REQUIRED: "#e67e22",
  DEROGATION: "#d4ac0d",
  SAFEGUARD: "#2471a3",
  ADEQUACY: "#1e8449",
  NOT_A_TRANSFER: "#7f8c8d",
};

const NODE_FIELDS = "id kind key label attributes group";
const MAP_FIELDS = `nodes { ${NODE_FIELDS} } edges { id kind source target attributes } totalNodes truncated`;

const state = {
  role: null,
  filter: {},
  grouping: null, // null: the whole map; otherwise the MapGrouping of the groups drawn
  overlay: "none",
  nodes: new Map(), // node id -> MapNode, every node any answer brought
  edges: new Map(), // edge id -> MapEdge
  groups: new Map(), // group key -> MapGroup (grouped view)
  groupFlows: [], // MapGroupFlow (grouped view)
  opened: new Set(), // group keys opened with mapGroup
  shown: new Set(), // node ids drawn one by one in the grouped view
  openings: [], // {group, ids}: what each opened group or neighbourhood drew, oldest first
  systemGroup: new Map(), // system node id -> group key
  hops: new Map(), // drawn edge id -> transfer hops on it
  draws: 0, // how many times the diagram was drawn (body[data-drawn], for tests)
};

class ApiError extends Error {
  constructor(code, message, field, status) {
    super(message);
    this.code = code;
    this.field = field;
    this.status = status;
  }
}

// ---- the API -------------------------------------------------------------------------------

async function gql(query, variables) {
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) {
    askForKey("Enter an API key to read the map.");
    throw new ApiError("UNAUTHENTICATED", "no API key entered", null, 401);
  }
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables: variables || {} }),
    });
  } catch (error) {
    throw new ApiError("NETWORK", `the service did not answer: ${error.message}`, null, 0);
  }
  let body;
  try {
    body = await response.json();
  } catch (error) {
    throw new ApiError(`HTTP_${response.status}`, `the service answered ${response.status} without JSON`, null, response.status);
  }
  const first = body.errors && body.errors[0];
  if (response.status === 401) {
    const message = first ? first.message : "the API key was refused";
    askForKey(`The API answered 401 UNAUTHENTICATED: ${message}.`);
    throw new ApiError("UNAUTHENTICATED", message, null, 401);
  }
  if (first) {
    const extensions = first.extensions || {};
    throw new ApiError(extensions.code || `HTTP_${response.status}`, first.message, extensions.field || null, response.status);
  }
  return body.data;
}

function showError(error) {
  const box = document.getElementById("error");
  if (!error) {
    box.hidden = true;
    box.textContent = "";
    return;
  }
  const code = error.code || "ERROR";
  const field = error.field ? ` (${error.field})` : "";
  box.textContent = `${code}${field}: ${error.message}`;
  box.dataset.code = code;
  box.hidden = false;
}

async function guarded(work) {
  try {
    showError(null);
    await work();
  } catch (error) {
    if (error.code !== "UNAUTHENTICATED") showError(error);
    else document.getElementById("key-status").textContent = "no valid key";
  }
}

// ---- the key -------------------------------------------------------------------------------

function askForKey(reason) {
  const dialog = document.getElementById("key-dialog");
  document.getElementById("key-reason").textContent = reason;
  if (!dialog.open) dialog.showModal();
}

document.getElementById("key-form").addEventListener("submit", () => {
  const input = document.querySelector("#key-form input[name=key]");
  sessionStorage.setItem(KEY_STORAGE, input.value.trim());
  input.value = "";
  start();
});

document.getElementById("change-key").addEventListener("click", () => askForKey("Enter another API key."));

// ---- drawing -------------------------------------------------------------------------------

cytoscape.use(cytoscapeDagre);

const cy = cytoscape({
  container: document.getElementById("graph"),
  maxZoom: MAX_ZOOM,
  style: [
    { selector: "node", style: { label: "data(label)", "font-size": 10, "text-valign": "center", "text-halign": "center", "text-wrap": "wrap", "text-max-width": 110, width: 120, height: 34, shape: "round-rectangle", "background-color": "#d6e4f5", "border-width": 1, "border-color": "#5b7db1" } },
    { selector: 'node[kind = "Organisation"]', style: { shape: "hexagon", "background-color": "#fbe5c8", "border-color": "#c07b26" } },
    { selector: 'node[kind = "Country"]', style: { shape: "ellipse", width: 70, "background-color": "#d5f0dc", "border-color": "#3c8d55" } },
    { selector: 'node[kind = "Group"]', style: { "background-color": "#eceff4", "border-color": "#7b8597", "border-style": "dashed", width: 150, height: 46, "font-size": 11, "font-weight": "bold" } },
    { selector: "edge", style: { width: 1.2, "line-color": "#9aa5b8", "target-arrow-color": "#9aa5b8", "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.8 } },
    { selector: 'edge[kind != "FLOWS_TO"][kind != "GROUP_FLOWS"]', style: { "line-style": "dashed", width: 0.8 } },
    { selector: 'edge[kind = "GROUP_FLOWS"]', style: { label: "data(label)", "font-size": 9, width: "mapData(flows, 1, 200, 1.5, 8)" } },
    { selector: ".dim", style: { opacity: 0.18 } },
    { selector: ".selected", style: { "border-width": 4, "border-color": "#111" } },
    { selector: "node.downstream", style: { "background-color": "#f9d9a8", "border-color": "#d35400", "border-width": 3 } },
    { selector: "node.upstream", style: { "background-color": "#c9e6f9", "border-color": "#1f6fb2", "border-width": 3 } },
    { selector: "edge.downstream", style: { "line-color": "#d35400", "target-arrow-color": "#d35400", width: 3 } },
    { selector: "edge.upstream", style: { "line-color": "#1f6fb2", "target-arrow-color": "#1f6fb2", width: 3 } },
    { selector: "node.access", style: { "background-color": "#a9dfbf", "border-color": "#1e8449", "border-width": 3 } },
    { selector: "node.deletion", style: { "background-color": "#f5b7b1", "border-color": "#922b21", "border-width": 3 } },
    { selector: "node.stepped", style: { label: "data(stepLabel)" } },
    { selector: "node.kept", style: { "background-color": "#fcf3cf", "border-color": "#b7950b", "border-width": 3 } },
    { selector: "node.gap", style: { "border-color": "#c0392b", "border-width": 5, "border-style": "double" } },
    ...Object.entries(VERDICT_COLOUR).flatMap(([verdict, colour]) => [
      { selector: `edge.verdict-${verdict}`, style: { "line-color": colour, "target-arrow-color": colour, width: 3.5 } },
      { selector: `node.verdict-${verdict}`, style: { "background-color": colour, color: "#fff", "border-color": colour } },
    ]),
  ],
});

function groupId(key) {
  return `group:${key}`;
}

function nodeElement(node) {
  return { group: "nodes", data: { id: node.id, kind: node.kind, key: node.key, label: node.label } };
}

// The layered layout, left to right: dagre's (fewest crossings) up to LAYERED_LIMIT nodes; above
// it, where dagre's crossing reduction takes seconds, Cytoscape's breadth-first levels turned
// left to right.
function layout(nodes) {
  if (nodes <= LAYERED_LIMIT) {
    return { name: "dagre", rankDir: "LR", nodeSep: 12, rankSep: 70, edgeSep: 6, animate: false, fit: true, padding: 20 };
  }
  return { name: "breadthfirst", directed: true, spacingFactor: 0.55, animate: false, fit: true, padding: 20, transform: (node, position) => ({ x: position.y * 2.2, y: position.x / 2.2 }) };
}

// The elements to draw: the whole map, or the groups with what has been opened inside them.
function elements() {
  if (state.grouping === null) {
    const nodes = [...state.nodes.values()].filter((n) => DRAWN_KINDS.has(n.kind));
    const ids = new Set(nodes.map((n) => n.id));
    const edges = [...state.edges.values()].filter((e) => DRAWN_EDGES.has(e.kind) && ids.has(e.source) && ids.has(e.target));
    return [...nodes.map((n) => nodeElement(n)), ...edges.map((e) => ({ group: "edges", data: { id: e.id, kind: e.kind, source: e.source, target: e.target } }))];
  }
  const drawn = [];
  for (const group of state.groups.values()) {
    if (state.opened.has(group.key)) continue; // drawn as its systems
    const label = `${group.label} (${group.systems} system${group.systems === 1 ? "" : "s"})`;
    drawn.push({ group: "nodes", data: { id: groupId(group.key), kind: "Group", key: group.key, label } });
  }
  for (const id of state.shown) drawn.push(nodeElement(state.nodes.get(id)));
  const end = (id) => {
    if (state.shown.has(id)) return id;
    const group = state.systemGroup.get(id);
    return group !== undefined && state.groups.has(group) && !state.opened.has(group) ? groupId(group) : null;
  };
  const seen = new Set();
  for (const edge of state.edges.values()) {
    if (!DRAWN_EDGES.has(edge.kind)) continue;
    const source = end(edge.source);
    const target = end(edge.target);
    if (!source || !target || source === target) continue;
    if (source.startsWith("group:") && target.startsWith("group:")) continue; // counted by the groups
    const id = source === edge.source && target === edge.target ? edge.id : `${edge.kind}:${source}->${target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    drawn.push({ group: "edges", data: { id, kind: edge.kind, source, target } });
  }
  for (const flow of state.groupFlows) {
    if (flow.source === flow.target || state.opened.has(flow.source) || state.opened.has(flow.target)) continue;
    if (!state.groups.has(flow.source) || !state.groups.has(flow.target)) continue;
    drawn.push({
      group: "edges",
      data: { id: `GROUP_FLOWS:${flow.source}->${flow.target}`, kind: "GROUP_FLOWS", source: groupId(flow.source), target: groupId(flow.target), flows: flow.flows, label: `${flow.flows}` },
    });
  }
  return drawn;
}

// Where an expansion's new nodes go: a layered block, left to right, from `origin` (the opened
// group's or the node's place). Each node's column is its breadth-first level along the edges
// among the new nodes; a column holds at most LAYER_ROWS nodes and wraps into the next.
const LAYER_ROWS = 24;
function layeredBlock(nodes, origin) {
  const inside = new Set(nodes.map((n) => n.id()));
  const fed = new Set();
  nodes.forEach((n) => n.outgoers("edge").forEach((e) => { if (inside.has(e.target().id()) && e.target().id() !== n.id()) fed.add(e.target().id()); }));
  const level = new Map();
  const walk = (roots) => {
    const queue = roots.filter((n) => !level.has(n.id()));
    for (const n of queue) level.set(n.id(), 0);
    for (let i = 0; i < queue.length; i += 1) {
      const n = queue[i];
      n.outgoers("edge").forEach((e) => {
        const next = e.target();
        if (inside.has(next.id()) && !level.has(next.id())) {
          level.set(next.id(), level.get(n.id()) + 1);
          queue.push(next);
        }
      });
    }
  };
  walk(nodes.filter((n) => !fed.has(n.id())));
  for (const n of nodes) if (!level.has(n.id())) walk([n]); // cycles with no way in
  const columns = [];
  for (const n of [...nodes].sort((a, b) => level.get(a.id()) - level.get(b.id()) || a.data("label").localeCompare(b.data("label")))) {
    const depth = level.get(n.id());
    (columns[depth] = columns[depth] || []).push(n);
  }
  const positions = {};
  let x = origin.x;
  for (const column of columns.filter(Boolean)) {
    for (let start = 0; start < column.length; start += LAYER_ROWS) {
      const rows = column.slice(start, start + LAYER_ROWS);
      rows.forEach((n, row) => { positions[n.id()] = { x, y: origin.y + (row - (rows.length - 1) / 2) * 44 }; });
      x += 170;
    }
  }
  return positions;
}

// Draws what `elements()` says. `around` set (an expansion): only the elements that changed are
// removed and added, and only the new nodes are laid out, at `around`'s height right of what is
// drawn, the others keep their places; otherwise the whole diagram is laid out again.
function draw(around) {
  const wanted = elements();
  const ids = new Set(wanted.map((e) => e.data.id));
  let added = cy.collection();
  cy.batch(() => {
    if (around) {
      cy.elements().filter((e) => !ids.has(e.id())).remove();
      added = cy.add(wanted.filter((e) => cy.getElementById(e.data.id).empty()));
    } else {
      cy.elements().remove();
      added = cy.add(wanted);
    }
  });
  const fresh = added.nodes();
  if (around && fresh.length < cy.nodes().length) {
    // Right of everything drawn: a new node on an old one leaves edges with no length, which
    // Cytoscape cannot draw.
    const box = cy.nodes().difference(fresh).boundingBox();
    const start = { x: Math.max(around.x, box.x2 + 170), y: around.y };
    const positions = layeredBlock(fresh.toArray(), start);
    fresh.layout({ name: "preset", positions: (n) => positions[n.id()], fit: false, animate: false }).run();
    // The new nodes with what they hang off (the opened node, the group's neighbours), at most
    // at MAX_ZOOM: a handful of new nodes alone would fill the screen.
    cy.fit(fresh.union(fresh.neighborhood("node")), 30);
  } else {
    cy.layout(layout(cy.nodes().length)).run();
  }
  const counts = document.getElementById("counts");
  const nodes = cy.nodes().filter((n) => n.data("kind") !== "Group");
  counts.dataset.nodes = String(nodes.length);
  counts.dataset.edges = String(cy.edges().length);
  counts.dataset.groups = String(cy.nodes('[kind = "Group"]').length);
  const plural = { System: "systems", Organisation: "organisations", Country: "countries" };
  const kinds = Object.entries(plural).map(([kind, name]) => `${nodes.filter((n) => n.data("kind") === kind).length} ${name}`);
  const groups = state.grouping ? `${counts.dataset.groups} groups by ${state.grouping.toLowerCase().replace("_", " ")}, ` : "";
  counts.textContent = `${groups}${kinds.join(", ")}, ${counts.dataset.edges} edges`;
  applyOverlay();
  state.draws += 1;
  document.body.dataset.drawn = String(state.draws);
}

function remember(map) {
  for (const node of map.nodes) {
    state.nodes.set(node.id, node);
    if (node.group !== null && node.group !== undefined) state.systemGroup.set(node.id, node.group);
  }
  for (const edge of map.edges) state.edges.set(edge.id, edge);
}

function clearMap() {
  state.nodes.clear();
  state.edges.clear();
  state.groups.clear();
  state.groupFlows = [];
  state.opened.clear();
  state.shown.clear();
  state.openings = [];
  state.systemGroup.clear();
}

// Draws `ids` open (a group's systems, or a neighbourhood) and closes the oldest openings past
// MAX_OPENINGS: their nodes go back into their groups, and the edges no drawn node is on any
// more are forgotten. Without it a long session kept every group it opened drawn, and each
// expansion laid out, styled and rendered all of them again (15,000 edges after 20 groups).
function openPart(group, ids) {
  if (group !== null) state.opened.add(group);
  state.openings.push({ group, ids: new Set(ids) });
  for (const id of ids) state.shown.add(id);
  if (state.openings.length <= MAX_OPENINGS) return;
  const closed = state.openings.splice(0, state.openings.length - MAX_OPENINGS);
  const kept = new Set(state.openings.flatMap((opening) => [...opening.ids]));
  for (const opening of closed) {
    if (opening.group !== null && !state.openings.some((other) => other.group === opening.group)) state.opened.delete(opening.group);
    for (const id of opening.ids) if (!kept.has(id)) state.shown.delete(id);
  }
  for (const [id, edge] of state.edges) if (!state.shown.has(edge.source) && !state.shown.has(edge.target)) state.edges.delete(id);
}

// ---- loading -------------------------------------------------------------------------------

function readFilters() {
  const form = document.getElementById("filters");
  const filter = {};
  for (const name of ["search", "subject", "category", "country", "organisation"]) {
    const value = form.elements[name].value.trim();
    if (value) filter[name] = value;
  }
  if (form.elements.underRegime.checked) filter.regime = form.elements.regime.value;
  state.filter = filter;
  return form.elements.grouping.value;
}

async function loadMap() {
  const choice = readFilters();
  const groupBy = choice === "AUTO" || choice === "NONE" ? "OWNER_TEAM" : choice;
  clearMap();
  let whole = choice === "NONE";
  let overview = null;
  if (!whole) {
    const data = await gql(
      `query Overview($groupBy: MapGrouping!, $filter: MapFilter) {
        mapOverview(groupBy: $groupBy, filter: $filter) { groupBy systems groups { key label systems } flows { source target flows } }
      }`,
      { groupBy, filter: state.filter },
    );
    overview = data.mapOverview;
    whole = choice === "AUTO" && overview.systems <= WHOLE_MAP_LIMIT;
  }
  if (whole) {
    const data = await gql(`query Map($filter: MapFilter) { dataMap(filter: $filter) { ${MAP_FIELDS} } }`, { filter: state.filter });
    state.grouping = null;
    remember(data.dataMap);
    if (data.dataMap.truncated) showError({ code: "TRUNCATED", message: `the map has ${data.dataMap.totalNodes} nodes; the first ${data.dataMap.nodes.length} are drawn: narrow the filters or group it` });
  } else {
    state.grouping = groupBy;
    for (const group of overview.groups) state.groups.set(group.key, group);
    state.groupFlows = overview.flows;
  }
  draw();
  await loadOverlay();
}

// How long the last expansion took, on <body> for the bench: the API's answer, then the drawing.
function timed(started, fetched) {
  const done = performance.now();
  document.body.dataset.lastExpandMs = String(Math.round(done - started));
  document.body.dataset.lastFetchMs = String(Math.round(fetched - started));
  document.body.dataset.lastDrawMs = String(Math.round(done - fetched));
}

async function openGroup(key) {
  const started = performance.now();
  const data = await gql(
    `query Group($groupBy: MapGrouping!, $key: String!, $filter: MapFilter, $maxNodes: Int) {
      mapGroup(groupBy: $groupBy, key: $key, filter: $filter, maxNodes: $maxNodes) { ${MAP_FIELDS} }
    }`,
    { groupBy: state.grouping, key, filter: state.filter, maxNodes: GROUP_PAGE },
  );
  const fetched = performance.now();
  const origin = { ...cy.getElementById(groupId(key)).position() };
  remember(data.mapGroup);
  openPart(key, data.mapGroup.nodes.filter((node) => node.kind === "System" && node.group === key).map((node) => node.id));
  draw(origin);
  timed(started, fetched);
  const group = state.groups.get(key);
  if (data.mapGroup.truncated) showError({ code: "TRUNCATED", message: `${group.label} has ${group.systems} systems; the first ${GROUP_PAGE} by name are drawn: narrow the filters to see the others` });
}

async function showNeighbourhood(id) {
  const started = performance.now();
  const data = await gql(
    `query Around($id: ID!, $groupBy: MapGrouping!) { mapNeighbourhood(id: $id, groupBy: $groupBy) { ${MAP_FIELDS} } }`,
    { id, groupBy: state.grouping || "OWNER_TEAM" },
  );
  const fetched = performance.now();
  const at = cy.getElementById(id);
  const origin = at.empty() ? { x: 0, y: 0 } : { x: at.position().x + 170, y: at.position().y };
  remember(data.mapNeighbourhood);
  if (state.grouping !== null) openPart(null, data.mapNeighbourhood.nodes.map((node) => node.id));
  draw(origin);
  timed(started, fetched);
  select(id);
}

async function loadChoices() {
  const data = await gql(`{
    about { keyRole }
    dataSubjects(first: 100) { nodes { key name } }
    dataCategories(first: 100) { nodes { key name } }
    countries(first: 100) { nodes { code name } }
    processors(first: 100) { nodes { key legalName } }
  }`);
  state.role = data.about.keyRole;
  document.getElementById("key-status").textContent = `key: ${state.role.toLowerCase()}`;
  const fill = (id, rows, value, text) => {
    const list = document.getElementById(id);
    list.replaceChildren(...rows.map((row) => Object.assign(document.createElement("option"), { value: row[value], textContent: row[text] })));
  };
  fill("subjects", data.dataSubjects.nodes, "key", "name");
  fill("categories", data.dataCategories.nodes, "key", "name");
  fill("countries", data.countries.nodes, "code", "name");
  fill("organisations", data.processors.nodes, "key", "legalName");
  const analyst = canAnalyse();
  document.getElementById("overlay-note").hidden = analyst;
  for (const radio of document.querySelectorAll("input[name=overlay]")) radio.disabled = !analyst && radio.value !== "none";
}

function canAnalyse() {
  return state.role !== null && state.role !== "VIEWER";
}

// ---- details and lineage -------------------------------------------------------------------

function byKey(kind, key) {
  for (const node of state.nodes.values()) if (node.kind === kind && node.key === key) return node;
  return null;
}

function element(tag, text, attributes) {
  const made = document.createElement(tag);
  if (text !== undefined && text !== null) made.textContent = text;
  Object.assign(made, attributes || {});
  return made;
}

function factList(facts) {
  const list = element("dl");
  for (const [name, value] of facts) {
    if (value === null || value === undefined || value === "") continue;
    list.append(element("dt", name), element("dd", Array.isArray(value) ? value.join(", ") : String(value)));
  }
  return list;
}

function clearHighlight() {
  cy.elements().removeClass("dim selected downstream upstream");
}

async function select(id) {
  const node = state.nodes.get(id);
  const panel = document.getElementById("details");
  clearHighlight();
  cy.getElementById(id).addClass("selected");
  panel.replaceChildren(element("h2", "Details"), element("h3", node.label));
  panel.append(factList([["node", node.kind], ["key", node.key], ["group", node.group], ...Object.entries(node.attributes || {})]));
  const around = element("button", "Show its neighbourhood", { type: "button", id: "neighbourhood" });
  around.addEventListener("click", () => guarded(() => showNeighbourhood(id)));
  panel.append(around);
  if (node.kind === "Country" && overlayData && overlayData.kind === "transfers") {
    const into = overlayData.result.paths.flatMap((path) => path.hops).filter((hop) => hop.country === node.key);
    const hops = [...new Map(into.map((hop) => [hop.id, hop])).values()];
    panel.append(element("h2", `Transfer hops into ${node.key} (${hops.length})`));
    showHops(panel, hops);
  }
  if (node.kind !== "System" && node.kind !== "Organisation") return;
  if (!canAnalyse()) {
    panel.append(element("p", "Lineage needs an analyst key.", { className: "hint" }));
    return;
  }
  const data = await gql(
    `query Lineage($from: ID!) {
      down: lineage(from: $from, direction: DOWNSTREAM) { nodes { id kind name degree categories paths { hops { fromId toId relationship edgeId } } } truncated }
      up: lineage(from: $from, direction: UPSTREAM) { nodes { id kind name degree categories paths { hops { fromId toId relationship edgeId } } } truncated }
    }`,
    { from: node.key },
  );
  cy.elements().addClass("dim");
  cy.getElementById(id).removeClass("dim");
  for (const [direction, lineage] of [["downstream", data.down], ["upstream", data.up]]) {
    const list = element("ul", null, { id: `lineage-${direction}` });
    for (const reached of lineage.nodes) {
      const target = byKey(reached.kind, reached.id);
      const categories = reached.categories.length ? `: ${reached.categories.join(", ")}` : "";
      list.append(element("li", `${reached.name || reached.id} (${reached.degree} hop${reached.degree === 1 ? "" : "s"})${categories}`));
      if (target) cy.getElementById(target.id).removeClass("dim").addClass(direction);
      for (const path of reached.paths) for (const hop of path.hops) highlightHop(hop, direction);
    }
    panel.append(element("h2", `${direction} (${lineage.nodes.length})${lineage.truncated ? ", cut" : ""}`), list);
  }
}

function hopEdges(hop) {
  // An edge's id is the same in dataMap and in lineage's hops.
  const drawn = cy.getElementById(hop.edgeId);
  if (!drawn.empty()) return drawn;
  const from = byKey("System", hop.fromId) || byKey("Organisation", hop.fromId);
  const to = byKey("System", hop.toId) || byKey("Organisation", hop.toId);
  if (!from || !to) return cy.collection();
  return cy.edges().filter((e) => e.data("kind") === hop.relationship && ((e.source().id() === from.id && e.target().id() === to.id) || (e.source().id() === to.id && e.target().id() === from.id)));
}

function highlightHop(hop, direction) {
  hopEdges(hop).removeClass("dim").addClass(direction);
}

function showGroup(key) {
  const group = state.groups.get(key);
  const panel = document.getElementById("details");
  panel.replaceChildren(element("h2", "Details"), element("h3", group.label), factList([["group by", state.grouping], ["key", group.key || "(none)"], ["systems", group.systems], ["opened", state.opened.has(key) ? "yes" : "no"]]));
}

function showEdge(edge) {
  const panel = document.getElementById("details");
  const drawn = state.edges.get(edge.id());
  panel.replaceChildren(element("h2", "Details"), element("h3", `${edge.data("kind")}: ${edge.source().data("label")} → ${edge.target().data("label")}`));
  if (drawn) panel.append(factList(Object.entries(drawn.attributes || {})));
  if (edge.data("kind") === "GROUP_FLOWS") panel.append(factList([["flows", edge.data("flows")]]));
  showHops(panel, state.hops.get(edge.id()) || []);
}

// The transfer hops on an edge or into a country: verdict, reason, legal basis and evidence.
function showHops(panel, hops) {
  for (const hop of hops) {
    panel.append(
      element("h3", hop.verdict, { className: `verdict hop-verdict` }),
      factList([
        ["hop", hop.id],
        ["channel", hop.channel],
        ["exporter", hop.exporterId],
        ["importer", hop.importerId],
        ["country", hop.country],
        ["reason", hop.reason],
        ["legal basis", [hop.legalBasis.article, hop.legalBasis.instrument].filter(Boolean).join(" — ")],
        ["missing", hop.missing],
      ]),
      element("h2", "Evidence"),
    );
    const evidence = element("ul", null, { className: "evidence" });
    for (const fact of hop.evidence) evidence.append(element("li", fact));
    panel.append(evidence);
  }
}

cy.on("tap", "node", (event) => {
  const node = event.target;
  if (node.data("kind") === "Group") {
    const key = node.data("key");
    showGroup(key);
    if (!state.opened.has(key)) guarded(() => openGroup(key).then(() => showGroup(key)));
    return;
  }
  guarded(() => select(node.id()));
});
cy.on("tap", "edge", (event) => showEdge(event.target));

// ---- overlays ------------------------------------------------------------------------------

let overlayData = null;

async function loadOverlay() {
  overlayData = null;
  state.hops.clear();
  document.getElementById("legend").replaceChildren();
  document.getElementById("overlay-report").replaceChildren();
  const overlay = state.overlay;
  const form = document.getElementById("filters").elements;
  const subject = form.subject.value.trim();
  const category = form.category.value.trim();
  const regime = form.regime.value;
  if (overlay === "none" || !canAnalyse()) {
    applyOverlay();
    return;
  }
  if ((overlay === "access" || overlay === "deletion") && !subject) {
    throw new ApiError("BAD_USER_INPUT", "choose a data subject (Filters) for the plan overlay", "subject", 400);
  }
  if (overlay === "transfers" && regime === "CCPA") {
    report("No transfer verdicts under the CCPA", ["The CCPA has no rules on transfers abroad (GDPR Chapter V has)."], "transfer-countries");
  } else if (overlay === "transfers") {
    const data = await gql(
      `query Transfers($regime: RegimeKey!) {
        transferAssessment(regime: $regime, first: 500) { totalCount truncated counts { verdict count }
          paths { verdict hops { id edgeId channel exporterId importerId country via verdict reason legalBasis { article instrument } missing evidence } } }
      }`,
      { regime },
    );
    overlayData = { kind: "transfers", regime, result: data.transferAssessment };
  } else if (overlay === "access") {
    const data = await gql(
      `query Access($subject: ID!, $regime: RegimeKey!, $categories: [String!]) {
        accessPlan(subject: $subject, regime: $regime, categories: $categories) { locations { systemId name heldAs } gaps { systemId name missing } truncated }
      }`,
      { subject, regime, categories: category ? [category] : null },
    );
    overlayData = { kind: "access", result: data.accessPlan };
  } else {
    const data = await gql(
      `query Deletion($subject: ID!, $regime: RegimeKey!, $categories: [String!]) {
        deletionPlan(subject: $subject, regime: $regime, categories: $categories) {
          steps { position systems actions { system action until obligation { __typename } } }
          blockers { kind system detail }
        }
      }`,
      { subject, regime, categories: category ? [category] : null },
    );
    overlayData = { kind: "deletion", result: data.deletionPlan };
  }
  applyOverlay();
}

function worst(a, b) {
  return !a || VERDICT_ORDER.indexOf(b) < VERDICT_ORDER.indexOf(a) ? b : a;
}

function systemNode(key) {
  return byKey("System", key);
}

function mark(key, className) {
  const node = systemNode(key);
  if (!node) return false;
  let drawn = cy.getElementById(node.id);
  if (drawn.empty()) drawn = cy.getElementById(groupId(state.systemGroup.get(node.id)));
  drawn.addClass(className);
  return !drawn.empty();
}

function report(title, items, id) {
  const box = document.getElementById("overlay-report");
  const list = element(id === "deletion-steps" ? "ol" : "ul", null, { id });
  for (const item of items) list.append(element("li", item));
  box.append(element("h2", title), list);
}

function applyOverlay() {
  const classes = ["access", "deletion", "stepped", "kept", "gap", ...Object.keys(VERDICT_COLOUR).map((v) => `verdict-${v}`)];
  cy.elements().removeClass(classes.join(" "));
  if (!overlayData) return;
  document.getElementById("overlay-report").replaceChildren();
  const legend = document.getElementById("legend");
  legend.replaceChildren();
  const { kind, result } = overlayData;
  if (kind === "transfers") {
    const edgeVerdict = new Map();
    const countryVerdict = new Map();
    state.hops.clear();
    for (const path of result.paths) {
      for (const hop of path.hops) {
        for (const edge of transferEdges(hop)) {
          edgeVerdict.set(edge.id(), worst(edgeVerdict.get(edge.id()), hop.verdict));
          const known = state.hops.get(edge.id()) || [];
          if (!known.some((other) => other.id === hop.id)) state.hops.set(edge.id(), [...known, hop]);
        }
        if (hop.country) countryVerdict.set(hop.country, worst(countryVerdict.get(hop.country), hop.verdict));
      }
    }
    for (const [id, verdict] of edgeVerdict) cy.getElementById(id).addClass(`verdict-${verdict}`);
    for (const [code, verdict] of countryVerdict) {
      const country = byKey("Country", code);
      if (country) cy.getElementById(country.id).addClass(`verdict-${verdict}`);
      if (state.grouping === "COUNTRY") cy.getElementById(groupId(code)).addClass(`verdict-${verdict}`);
    }
    for (const count of result.counts) legend.append(element("span", `${count.verdict} ${count.count}`, { style: `background:${VERDICT_COLOUR[count.verdict]}` }));
    report(
      `${result.totalCount} transfer paths (${overlayData.regime})${result.truncated ? ", the worst 500 drawn" : ""}`,
      [...countryVerdict].map(([code, verdict]) => `${code}: ${verdict}`),
      "transfer-countries",
    );
  } else if (kind === "access") {
    for (const location of result.locations) mark(location.systemId, "access");
    for (const gap of result.gaps) mark(gap.systemId, "gap");
    legend.append(element("span", "holds the subject's data", { style: "background:#1e8449" }), element("span", "gap", { style: "background:#c0392b" }));
    report(`Where the data is (${result.locations.length})`, result.locations.map((l) => `${l.name || l.systemId}: ${[...new Set(l.heldAs)].join(", ").toLowerCase()}`), "access-locations");
    report(`Gaps (${result.gaps.length})`, result.gaps.map((g) => `${g.name || g.systemId}: no ${g.missing.join(", ").toLowerCase().replaceAll("_", " ")}`), "access-gaps");
  } else {
    const kept = [];
    for (const step of result.steps) {
      for (const action of step.actions) {
        const node = systemNode(action.system);
        const keeps = action.action === "RESTRICT" || action.action === "EXPIRE_FROM_BACKUP";
        if (node) cy.getElementById(node.id).data("stepLabel", `${step.position}. ${node.label}`);
        mark(action.system, `stepped ${keeps ? "kept" : "deletion"}`);
        if (keeps) kept.push(`${action.system}: ${action.action}${action.until ? ` until ${action.until}` : ""}`);
      }
    }
    for (const blocker of result.blockers) mark(blocker.system, "gap");
    legend.append(element("span", "erase (step n.)", { style: "background:#922b21" }), element("span", "kept", { style: "background:#b7950b" }), element("span", "blocker", { style: "background:#c0392b" }));
    report(`Steps in order (${result.steps.length})`, result.steps.map((s) => `${s.systems.join(" + ")}: ${s.actions.map((a) => a.action).join(", ")}`), "deletion-steps");
    report(`Kept (${kept.length})`, kept, "deletion-kept");
    report(`Blockers (${result.blockers.length})`, result.blockers.map((b) => `${b.kind}: ${b.detail}`), "deletion-blockers");
  }
}

// The drawn edges a transfer hop moves along: its edge (a flow or an engagement, the same id as
// in dataMap), or for an operation the system's OPERATED_BY edge to the importer.
function transferEdges(hop) {
  if (hop.edgeId) {
    const drawn = cy.getElementById(hop.edgeId);
    if (!drawn.empty()) return drawn;
  }
  const id = hop.id.split("@")[0];
  if (hop.channel === "OPERATION") {
    const system = systemNode(id.replace(/^operation:/, ""));
    const importer = byKey("Organisation", hop.importerId);
    if (!system || !importer) return cy.collection();
    return cy.edges().filter((e) => e.data("kind") === "OPERATED_BY" && e.source().id() === system.id && e.target().id() === importer.id);
  }
  return cy.collection();
}

document.getElementById("overlays").addEventListener("change", (event) => {
  if (event.target.name !== "overlay") return;
  state.overlay = event.target.value;
  guarded(loadOverlay);
});

// ---- start ---------------------------------------------------------------------------------

document.getElementById("filters").addEventListener("submit", (event) => {
  event.preventDefault();
  guarded(loadMap);
});
document.getElementById("filters").addEventListener("reset", () => setTimeout(() => guarded(loadMap), 0));

function start() {
  guarded(async () => {
    await loadChoices();
    await loadMap();
  });
}

window.datamapExplorer = { cy, state, limits: { MAX_OPENINGS, GROUP_PAGE } };
start();
