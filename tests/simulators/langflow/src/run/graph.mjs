// Turns a flow's `data` ({nodes, edges}) into vertices, wired inputs and an execution
// order. Errors match lfx's Graph.from_payload: a dangling edge raises
// ValueError("Vertex <id> not found") - which /run then answers with 404, not 500.
import { isPlainObject } from '../http-utils.mjs';
import { RunFailure } from './run-failure.mjs';

/** Edge handles come as objects (edge.data.*Handle) or as JSON strings with œ for ". */
export function parseHandle(handle) {
  if (isPlainObject(handle)) return handle;
  if (typeof handle !== 'string') return null;
  try {
    return JSON.parse(handle.replaceAll('œ', '"'));
  } catch {
    return null;
  }
}

function toVertex(node) {
  const def = isPlainObject(node?.data?.node) ? node.data.node : {};
  const type = node?.data?.type ?? String(node?.id ?? '').split('-')[0];
  return {
    id: node.id,
    type,
    displayName: def.display_name ?? type,
    icon: def.icon ?? '',
    template: isPlainObject(def.template) ? def.template : {},
    outputNames: Array.isArray(def.outputs) ? def.outputs.map((o) => o?.name).filter(Boolean) : [],
  };
}

function executionOrder(vertices, edges) {
  const indegree = new Map(vertices.map((v) => [v.id, 0]));
  const next = new Map(vertices.map((v) => [v.id, []]));
  for (const e of edges) {
    indegree.set(e.target, indegree.get(e.target) + 1);
    next.get(e.source).push(e.target);
  }
  // Kahn's algorithm, seeded in node order so equal-rank vertices keep a stable order.
  const ready = vertices.filter((v) => indegree.get(v.id) === 0).map((v) => v.id);
  const order = [];
  while (ready.length) {
    const id = ready.shift();
    order.push(id);
    for (const t of next.get(id)) {
      indegree.set(t, indegree.get(t) - 1);
      if (indegree.get(t) === 0) ready.push(t);
    }
  }
  if (order.length !== vertices.length) {
    throw new RunFailure('value_error', 'The flow contains a cycle, which the simulator cannot run');
  }
  return order;
}

export function buildGraph(data) {
  for (const key of ['nodes', 'edges']) {
    if (!isPlainObject(data) || !Array.isArray(data[key])) {
      throw new RunFailure('value_error', `Invalid payload. Missing key: '${key}'`);
    }
  }
  // Note nodes are canvas decoration; lfx drops them before building the graph.
  const vertices = data.nodes.filter((n) => isPlainObject(n) && n.type !== 'noteNode').map(toVertex);
  const byId = new Map(vertices.map((v) => [v.id, v]));
  const edges = data.edges.filter(isPlainObject).map((edge) => {
    for (const end of [edge.source, edge.target]) {
      if (!byId.has(end)) throw new RunFailure('value_error', `Vertex ${end} not found`);
    }
    const sourceHandle = edge.data?.sourceHandle ?? parseHandle(edge.sourceHandle) ?? {};
    const targetHandle = edge.data?.targetHandle ?? parseHandle(edge.targetHandle) ?? {};
    return { source: edge.source, target: edge.target, output: sourceHandle.name ?? null, field: targetHandle.fieldName ?? null };
  });
  const order = executionOrder(vertices, edges).map((id) => byId.get(id));
  return { vertices, byId, edges, order };
}

export function incomingEdges(graph, vertexId, field) {
  return graph.edges.filter((e) => e.target === vertexId && (field === undefined || e.field === field));
}

/** Every vertex upstream of vertexId (transitively). */
export function ancestors(graph, vertexId) {
  const seen = new Set();
  const stack = incomingEdges(graph, vertexId).map((e) => e.source);
  while (stack.length) {
    const id = stack.pop();
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...incomingEdges(graph, id).map((e) => e.source));
  }
  return [...seen].map((id) => graph.byId.get(id));
}
