// /api/v1/flows: the provisioning surface. Semantics follow flows.py/flows_helpers.py:
//  POST   renames clashes ("Name (1)", "endpoint-1"), 201
//  PUT    upsert by id: create 201 (name clash renamed, endpoint clash 409) or
//         update 200 (name/endpoint clash with another flow 409); null fields keep values
//  PATCH  partial update; a clash surfaces as the DB-constraint 400
//  GET    one flow (404 "Flow not found") or the list (gzip, always)
//  DELETE {"message": "Flow deleted successfully"}
import { currentActiveUser } from '../auth.mjs';
import {
  FlowInputError, applyFlowUpdate, dedupeEndpoint, dedupeName, endpointTaken, flowHeader, flowRead, nameTaken,
  newFlowRecord, validateFlowPayload,
} from '../flow-model.mjs';
import {
  isoNow, jsonInvalidError, parseUuid, readBody, sendDetail, sendGzipJson, sendJson, sendValidationErrors, tryParseJson, uuidError,
} from '../http-utils.mjs';
import { randomUUID } from 'node:crypto';

function authenticate(c) {
  const auth = currentActiveUser(c.req, c.url, c.app.state);
  if (auth.user) return auth.user;
  sendDetail(c.res, auth.status, auth.detail);
  return null;
}

async function jsonBody(c) {
  const parsed = tryParseJson(await readBody(c.req));
  if (parsed.ok) return parsed;
  if (parsed.empty) sendValidationErrors(c.res, [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
  else sendValidationErrors(c.res, [jsonInvalidError(parsed.error)]);
  return null;
}

function flowIdParam(c) {
  const id = parseUuid(c.params.flowId);
  if (!id) sendValidationErrors(c.res, [uuidError(['path', 'flow_id'], c.params.flowId)]);
  return id;
}

function userFlows(state, user) {
  return [...state.flows.values()].filter((f) => f.user_id === user.id);
}

function folderFor(state, requested) {
  // Unknown or foreign projects fall back to the caller's default project.
  const id = requested ? parseUuid(requested) : null;
  return id === state.defaultFolderId ? id : state.defaultFolderId;
}

function createFlow(state, user, body, { id, endpointConflict }) {
  const flows = userFlows(state, user);
  if (id && state.flows.has(id)) {
    // The primary-key violation surfaces through _handle_unique_constraint_error.
    throw new FlowInputError(400, { detail: 'Id must be unique' });
  }
  let endpoint = body.endpoint_name || null;
  if (endpoint) {
    if (endpointConflict === 'fail' && endpointTaken(endpoint, flows, null)) {
      throw new FlowInputError(409, { detail: 'Endpoint name must be unique' });
    }
    endpoint = dedupeEndpoint(endpoint, flows);
  }
  const record = newFlowRecord(
    { ...body, name: dedupeName(body.name, flows), endpoint_name: endpoint },
    { id: id ?? randomUUID(), userId: user.id, folderId: folderFor(state, body.folder_id), now: isoNow() },
  );
  state.flows.set(record.id, record);
  return record;
}

function sendFlowError(c, error) {
  if (error instanceof FlowInputError) return sendJson(c.res, error.status, error.body);
  throw error;
}

async function postFlow(c) {
  const user = authenticate(c);
  if (!user) return;
  const parsed = await jsonBody(c);
  if (!parsed) return;
  try {
    validateFlowPayload(parsed.value, { requireName: true });
    const id = parsed.value.id ? parseUuid(parsed.value.id) : null;
    sendJson(c.res, 201, flowRead(createFlow(c.app.state, user, parsed.value, { id, endpointConflict: 'rename' })));
  } catch (error) {
    sendFlowError(c, error);
  }
}

async function putFlow(c) {
  const user = authenticate(c);
  if (!user) return;
  const id = flowIdParam(c);
  if (!id) return;
  const parsed = await jsonBody(c);
  if (!parsed) return;
  const { state } = c.app;
  try {
    validateFlowPayload(parsed.value, { requireName: true });
    const existing = state.flows.get(id);
    if (!existing) {
      sendJson(c.res, 201, flowRead(createFlow(state, user, parsed.value, { id, endpointConflict: 'fail' })));
      return;
    }
    if (existing.user_id !== user.id) return sendDetail(c.res, 404, 'Flow not found');
    const flows = userFlows(state, user);
    const body = parsed.value;
    if (body.name && body.name !== existing.name && nameTaken(body.name, flows, id)) {
      throw new FlowInputError(409, { detail: 'Name must be unique' });
    }
    if (body.endpoint_name && body.endpoint_name !== existing.endpoint_name && endpointTaken(body.endpoint_name, flows, id)) {
      throw new FlowInputError(409, { detail: 'Endpoint name must be unique' });
    }
    applyFlowUpdate(existing, body, isoNow());
    sendJson(c.res, 200, flowRead(existing));
  } catch (error) {
    sendFlowError(c, error);
  }
}

async function patchFlow(c) {
  const user = authenticate(c);
  if (!user) return;
  const id = flowIdParam(c);
  if (!id) return;
  const { state } = c.app;
  const existing = state.flows.get(id);
  if (!existing || existing.user_id !== user.id) return sendDetail(c.res, 404, 'Flow not found');
  const parsed = await jsonBody(c);
  if (!parsed) return;
  try {
    validateFlowPayload(parsed.value, { requireName: false });
    const body = parsed.value;
    const flows = userFlows(state, user);
    // No explicit check on PATCH: the unique constraint fires and maps to 400.
    if (body.name && nameTaken(body.name, flows, id)) throw new FlowInputError(400, { detail: 'Name must be unique' });
    if (body.endpoint_name && endpointTaken(body.endpoint_name, flows, id)) {
      throw new FlowInputError(400, { detail: 'Endpoint name must be unique' });
    }
    applyFlowUpdate(existing, body, isoNow());
    sendJson(c.res, 200, flowRead(existing));
  } catch (error) {
    sendFlowError(c, error);
  }
}

function getFlow(c) {
  const user = authenticate(c);
  if (!user) return;
  const id = flowIdParam(c);
  if (!id) return;
  const flow = c.app.state.flows.get(id);
  if (!flow || flow.user_id !== user.id) return sendDetail(c.res, 404, 'Flow not found');
  sendJson(c.res, 200, flowRead(flow));
}

function boolQuery(url, name, fallback) {
  const v = url.searchParams.get(name);
  if (v === null) return fallback;
  return ['true', '1', 'yes', 'on', 't', 'y'].includes(v.toLowerCase());
}

function listFlows(c) {
  const user = authenticate(c);
  if (!user) return;
  const { url } = c;
  let flows = userFlows(c.app.state, user);
  if (boolQuery(url, 'components_only', false)) flows = flows.filter((f) => f.is_component);
  if (boolQuery(url, 'get_all', true)) {
    const render = boolQuery(url, 'header_flows', false) ? flowHeader : flowRead;
    return sendGzipJson(c.res, 200, flows.map(render));
  }
  // Paginated form (fastapi-pagination Page) over the requested or default project.
  const folder = folderFor(c.app.state, url.searchParams.get('folder_id'));
  const inFolder = flows.filter((f) => f.folder_id === folder);
  const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
  const size = Math.max(1, Number(url.searchParams.get('size')) || 50);
  sendJson(c.res, 200, {
    items: inFolder.slice((page - 1) * size, page * size).map(flowRead),
    total: inFolder.length,
    page,
    size,
    pages: Math.ceil(inFolder.length / size),
  });
}

function deleteFlow(c) {
  const user = authenticate(c);
  if (!user) return;
  const id = flowIdParam(c);
  if (!id) return;
  const { state } = c.app;
  const flow = state.flows.get(id);
  if (!flow || flow.user_id !== user.id) return sendDetail(c.res, 404, 'Flow not found');
  state.flows.delete(id);
  sendJson(c.res, 200, { message: 'Flow deleted successfully' });
}

export function registerFlowRoutes(router) {
  router.post('/api/v1/flows/', postFlow);
  router.get('/api/v1/flows/', listFlows);
  router.get('/api/v1/flows/:flowId', getFlow);
  router.put('/api/v1/flows/:flowId', putFlow);
  router.patch('/api/v1/flows/:flowId', patchFlow);
  router.delete('/api/v1/flows/:flowId', deleteFlow);
}

/** Used by LANGFLOW_LOAD_FLOWS_PATH: upsert like Langflow's startup loader. */
export function upsertFlowFromFile(state, body, forcedId) {
  validateFlowPayload(body, { requireName: true });
  const id = forcedId ?? (body.id ? parseUuid(body.id) : null) ?? randomUUID();
  const existing = state.flows.get(id);
  if (existing) {
    applyFlowUpdate(existing, body, isoNow());
    return existing;
  }
  return createFlow(state, state.superuser, body, { id, endpointConflict: 'rename' });
}
