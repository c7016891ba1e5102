// Langflow's flow row: validation of FlowCreate/FlowUpdate payloads, the FlowRead
// rendering (field order as Langflow's model declares it) and the name/endpoint
// de-duplication rules of flows_helpers.py.
import { isPlainObject, missingField, parseUuid, stringTypeError, uuidError, valueError } from './http-utils.mjs';

const ENDPOINT_NAME = /^[a-zA-Z0-9_-]+$/;

// The fields PATCH/PUT may change (flows_helpers._UPDATABLE_FLOW_FIELDS, minus the
// enterprise-only ones the simulator does not model).
export const UPDATABLE_FIELDS = new Set([
  'name', 'description', 'data', 'is_component', 'endpoint_name', 'tags', 'folder_id', 'icon', 'icon_bg_color',
  'gradient', 'locked', 'mcp_enabled', 'action_name', 'action_description', 'access_type',
]);

/** A 4xx the caller must see: { status, body }. */
export class FlowInputError extends Error {
  constructor(status, body) {
    super(typeof body.detail === 'string' ? body.detail : 'invalid flow payload');
    this.status = status;
    this.body = body;
  }
}

function check(errors, condition, error) {
  if (!condition) errors.push(error);
}

/**
 * Validates the fields both FlowCreate and FlowUpdate know. `requireName` is true for
 * FlowCreate (POST and PUT). Throws FlowInputError, FastAPI-shaped.
 */
export function validateFlowPayload(body, { requireName }) {
  if (!isPlainObject(body)) {
    throw new FlowInputError(422, { detail: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body }] });
  }
  const errors = [];
  if (requireName) check(errors, 'name' in body && body.name !== null, missingField(['body', 'name'], body));
  if ('name' in body && body.name !== null) check(errors, typeof body.name === 'string', stringTypeError(['body', 'name'], body.name));
  for (const key of ['description', 'icon', 'gradient', 'action_name', 'action_description']) {
    if (key in body && body[key] !== null) check(errors, typeof body[key] === 'string', stringTypeError(['body', key], body[key]));
  }
  if (isPlainObject(body.data) && Object.keys(body.data).length) {
    check(errors, 'nodes' in body.data, valueError(['body', 'data'], 'Flow must have nodes', body.data));
    if ('nodes' in body.data) check(errors, 'edges' in body.data, valueError(['body', 'data'], 'Flow must have edges', body.data));
  } else if ('data' in body && body.data !== null && !isPlainObject(body.data)) {
    errors.push({ type: 'dict_type', loc: ['body', 'data'], msg: 'Input should be a valid dictionary', input: body.data });
  }
  if (typeof body.icon_bg_color === 'string' && body.icon_bg_color) {
    if (!body.icon_bg_color.startsWith('#')) errors.push(valueError(['body', 'icon_bg_color'], 'Icon background color must start with #', body.icon_bg_color));
    else if (body.icon_bg_color.length !== 7) errors.push(valueError(['body', 'icon_bg_color'], 'Icon background color must be 7 characters long', body.icon_bg_color));
  }
  for (const key of ['id', 'folder_id']) {
    if (key in body && body[key] !== null) check(errors, parseUuid(body[key]) !== null, uuidError(['body', key], body[key]));
  }
  if ('access_type' in body && body.access_type !== null) {
    check(errors, ['private', 'public'].includes(body.access_type), {
      type: 'enum', loc: ['body', 'access_type'], msg: "Input should be 'private' or 'public'", input: body.access_type, ctx: { expected: "'private' or 'public'" },
    });
  }
  if (errors.length) throw new FlowInputError(422, { detail: errors });
  // The endpoint-name validator raises HTTPException inside pydantic, which FastAPI
  // answers as a plain-string 422 rather than a validation-error list.
  if (typeof body.endpoint_name === 'string' && body.endpoint_name !== '' && !ENDPOINT_NAME.test(body.endpoint_name)) {
    throw new FlowInputError(422, { detail: 'Endpoint name must contain only letters, numbers, hyphens, and underscores' });
  }
  if ('endpoint_name' in body && body.endpoint_name !== null && typeof body.endpoint_name !== 'string') {
    throw new FlowInputError(422, { detail: 'Endpoint name must be a string' });
  }
}

function hasWebhook(data) {
  return Array.isArray(data?.nodes) && data.nodes.some((n) => n?.data?.type === 'Webhook');
}

export function newFlowRecord(body, { id, userId, folderId, now }) {
  return {
    name: body.name,
    description: body.description ?? null,
    icon: body.icon ?? null,
    icon_bg_color: body.icon_bg_color ?? null,
    gradient: body.gradient ?? null,
    data: body.data ?? null,
    is_component: body.is_component ?? false,
    updated_at: now,
    webhook: hasWebhook(body.data),
    endpoint_name: body.endpoint_name || null,
    tags: body.tags ?? [],
    locked: body.locked ?? false,
    mcp_enabled: body.mcp_enabled ?? false,
    action_name: body.action_name ?? null,
    action_description: body.action_description ?? null,
    access_type: body.access_type ?? 'private',
    id,
    user_id: userId,
    folder_id: folderId,
  };
}

/** Applies a FlowUpdate-style change set: null/absent means "keep", except an explicit endpoint_name clear. */
export function applyFlowUpdate(record, body, now) {
  for (const [key, value] of Object.entries(body)) {
    if (!UPDATABLE_FIELDS.has(key) || key === 'folder_id') continue;
    if (key === 'endpoint_name' && (value === null || value === '')) record.endpoint_name = null;
    else if (value !== null && value !== undefined) record[key] = value;
  }
  record.webhook = hasWebhook(record.data);
  record.updated_at = now;
}

export function flowRead(record) {
  return { ...record, data: record.data === null ? null : structuredClone(record.data), tags: [...(record.tags ?? [])] };
}

export function flowHeader(record) {
  return {
    id: record.id,
    name: record.name,
    folder_id: record.folder_id,
    is_component: record.is_component,
    endpoint_name: record.endpoint_name,
    description: record.description,
    data: record.is_component ? record.data : null,
    access_type: record.access_type,
    tags: record.tags,
  };
}

/** "Name" -> "Name (1)", "Name (2)", ... (max existing suffix + 1), like _deduplicate_flow_name. */
export function dedupeName(name, flows, exceptId = null) {
  const others = flows.filter((f) => f.id !== exceptId);
  if (!others.some((f) => f.name === name)) return name;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escaped} \\((\\d+)\\)$`);
  const numbers = others.map((f) => pattern.exec(f.name)).filter(Boolean).map((m) => Number(m[1]));
  return `${name} (${numbers.length ? Math.max(...numbers) + 1 : 1})`;
}

/** "ep" -> "ep-1", "ep-2", ... like _deduplicate_endpoint_name. */
export function dedupeEndpoint(endpoint, flows, exceptId = null) {
  const others = flows.filter((f) => f.id !== exceptId);
  if (!others.some((f) => f.endpoint_name === endpoint)) return endpoint;
  const numbers = others
    .filter((f) => typeof f.endpoint_name === 'string' && f.endpoint_name.startsWith(`${endpoint}-`))
    .map((f) => f.endpoint_name.split('-').pop())
    .filter((suffix) => /^\d+$/.test(suffix))
    .map(Number);
  return `${endpoint}-${numbers.length ? Math.max(...numbers) + 1 : 1}`;
}

export function nameTaken(name, flows, exceptId) {
  return flows.some((f) => f.id !== exceptId && f.name === name);
}

export function endpointTaken(endpoint, flows, exceptId) {
  return Boolean(endpoint) && flows.some((f) => f.id !== exceptId && f.endpoint_name === endpoint);
}
