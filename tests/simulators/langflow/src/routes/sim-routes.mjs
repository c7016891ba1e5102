// /_sim: the simulator's own control API (not part of Langflow, never faulted, no auth).
import {
  FaultSpecError, componentErrorSpec, disconnectSpec, downSpec, hangSpec, httpErrorSpec, latencySpec,
} from '../faults.mjs';
import { isPlainObject, readBody, sendJson, tryParseJson } from '../http-utils.mjs';
import { resetState } from '../state.mjs';

async function specBody(c) {
  const parsed = tryParseJson(await readBody(c.req));
  if (parsed.empty) return {};
  if (!parsed.ok || !isPlainObject(parsed.value)) {
    sendJson(c.res, 400, { error: 'body must be a JSON object' });
    return null;
  }
  return parsed.value;
}

function setFault(kind, toSpec) {
  return async (c) => {
    const body = await specBody(c);
    if (!body) return;
    try {
      c.app.state.faults[kind] = toSpec(body);
      sendJson(c.res, 200, { faults: c.app.state.faults });
    } catch (error) {
      if (!(error instanceof FaultSpecError)) throw error;
      sendJson(c.res, 400, { error: error.message });
    }
  };
}

function errorSpec(body) {
  // kind "http": answer with that status at once; kind "component": the model fails.
  const kind = body.kind ?? (body.status === undefined ? 'component' : 'http');
  if (kind === 'http') return { target: 'error', spec: httpErrorSpec(body) };
  if (kind === 'component') return { target: 'componentError', spec: componentErrorSpec(body) };
  throw new FaultSpecError('kind must be "http" or "component"');
}

async function setError(c) {
  const body = await specBody(c);
  if (!body) return;
  try {
    const { target, spec } = errorSpec(body);
    c.app.state.faults[target] = spec;
    sendJson(c.res, 200, { faults: c.app.state.faults });
  } catch (error) {
    if (!(error instanceof FaultSpecError)) throw error;
    sendJson(c.res, 400, { error: error.message });
  }
}

async function reset(c) {
  const body = await specBody(c);
  if (!body) return;
  const scope = body.scope ?? c.url.searchParams.get('scope') ?? 'all';
  if (!['all', 'faults', 'runs', 'sessions'].includes(scope)) {
    return sendJson(c.res, 400, { error: 'scope must be all, faults, runs or sessions' });
  }
  resetState(c.app.state, scope);
  if (scope === 'all') await c.app.loadFlows();
  sendJson(c.res, 200, { reset: scope });
}

function health(c) {
  const { state } = c.app;
  sendJson(c.res, 200, {
    status: 'ok',
    flows: state.flows.size,
    api_keys: state.apiKeys.size,
    runs: state.runs.length,
    sessions: state.sessions.size,
    parked_requests: state.parked.size,
    faults: state.faults,
  });
}

export function registerSimRoutes(router) {
  router.get('/_sim/health', health);
  router.get('/_sim/runs', (c) => sendJson(c.res, 200, { runs: c.app.state.runs }));
  router.delete('/_sim/runs', (c) => {
    const cleared = c.app.state.runs.length;
    c.app.state.runs = [];
    sendJson(c.res, 200, { cleared });
  });
  router.get('/_sim/sessions/:sessionId', (c) => sendJson(c.res, 200, {
    session_id: c.params.sessionId,
    messages: c.app.state.sessions.get(c.params.sessionId) ?? [],
  }));
  router.get('/_sim/faults', (c) => sendJson(c.res, 200, { faults: c.app.state.faults }));
  router.delete('/_sim/faults', (c) => {
    resetState(c.app.state, 'faults');
    sendJson(c.res, 200, { faults: c.app.state.faults });
  });
  router.post('/_sim/latency', setFault('latency', latencySpec));
  router.post('/_sim/errors', setError);
  router.post('/_sim/hang', setFault('hang', hangSpec));
  router.post('/_sim/disconnect', setFault('disconnect', disconnectSpec));
  router.post('/_sim/down', setFault('down', downSpec));
  router.post('/_sim/reset', reset);
}
