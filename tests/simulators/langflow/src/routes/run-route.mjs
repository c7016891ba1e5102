// POST /api/v1/run/{flow_id_or_name}. Order of checks as in Langflow:
// 1. x-api-key (403/400)  2. flow lookup by UUID, else endpoint_name (404)
// 3. ?stream bool (422)   4. body parsed leniently (never 422)
// 5. non-stream: run, JSON body or mapped error; stream: 200 at once, then bare JSON
//    events separated by blank lines, ending with `end` or `error`.
import { apiKeySecurity } from '../auth.mjs';
import { takeFault } from '../faults.mjs';
import { parseUuid, readBody, sendDetail, sendJson, sendValidationErrors } from '../http-utils.mjs';
import { pyDumps } from '../python-json.mjs';
import { executeRun } from '../run/execute-run.mjs';
import { parseRunRequest } from '../run/run-request.mjs';
import { ClientGone, RunFailure, httpResponseFor, streamErrorText } from '../run/run-failure.mjs';

const TRUE_VALUES = ['true', '1', 'yes', 'on', 't', 'y'];
const FALSE_VALUES = ['false', '0', 'no', 'off', 'f', 'n'];

export function findFlow(state, user, idOrName) {
  const id = parseUuid(idOrName);
  if (id) {
    const flow = state.flows.get(id);
    return flow && flow.user_id === user.id ? flow : null;
  }
  return [...state.flows.values()].find((f) => f.endpoint_name === idOrName && f.user_id === user.id) ?? null;
}

function parseStream(url) {
  const raw = url.searchParams.get('stream');
  if (raw === null) return { value: false };
  if (TRUE_VALUES.includes(raw.toLowerCase())) return { value: true };
  if (FALSE_VALUES.includes(raw.toLowerCase())) return { value: false };
  return {
    error: { type: 'bool_parsing', loc: ['query', 'stream'], msg: 'Input should be a valid boolean, unable to interpret input', input: raw },
  };
}

function finish(run, fields) {
  if (run) Object.assign(run, fields, { finished_at: new Date().toISOString() });
}

async function runJson(c, flow, request, faults) {
  const { res, run } = c;
  const disconnect = takeFault(faults, 'disconnect', { isRun: true });
  try {
    const result = await executeRun({
      state: c.app.state, flow, request, stream: false, emit: async () => {},
      injectedFailure: takeFault(faults, 'componentError', { isRun: true }),
    });
    if (disconnect) {
      res.socket?.destroy();
      return finish(run, { status: null, outcome: 'disconnected', reply: result.reply, usage: result.usage });
    }
    sendJson(res, 200, result.body);
    finish(run, { status: 200, outcome: 'ok', reply: result.reply, usage: result.usage });
  } catch (error) {
    if (!(error instanceof RunFailure)) throw error;
    const { status, body } = httpResponseFor(error);
    sendJson(res, status, body);
    finish(run, { status, outcome: 'error', error: error.message });
  }
}

async function runStream(c, flow, request, faults) {
  const { res, run } = c;
  const disconnect = takeFault(faults, 'disconnect', { isRun: true });
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', server: 'uvicorn' });
  let tokens = 0;
  let cut = false;
  const write = async (event, data) => {
    if (res.destroyed || res.writableEnded) throw new ClientGone('client went away');
    if (disconnect && ((event === 'token' && tokens === disconnect.after_tokens) || event === 'end')) {
      cut = true;
      res.socket?.destroy();
      throw new ClientGone('disconnect fault');
    }
    // Waiting for each write to reach the socket keeps events flowing one by one and
    // guarantees a later disconnect fault destroys the socket only after them.
    await new Promise((resolve) => res.write(`${pyDumps({ event, data })}\n\n`, resolve));
    if (event === 'token') tokens += 1;
  };
  try {
    const result = await executeRun({
      state: c.app.state, flow, request, stream: true, emit: write,
      injectedFailure: takeFault(faults, 'componentError', { isRun: true }),
      tokenDelayMs: c.latency?.token_delay_ms ?? 0,
    });
    await write('end', { result: result.body });
    res.end();
    finish(run, { status: 200, outcome: 'ok', reply: result.reply, usage: result.usage, tokens });
  } catch (error) {
    if (error instanceof ClientGone) return finish(run, { status: 200, outcome: cut ? 'disconnected' : 'client_gone', tokens });
    const text = error instanceof RunFailure ? streamErrorText(error) : String(error?.message ?? error);
    try {
      await write('error', { error: text });
      res.end();
    } catch (writeError) {
      if (!(writeError instanceof ClientGone)) throw writeError;
    }
    finish(run, { status: 200, outcome: 'error', error: text, tokens });
  }
}

async function handleRun(c) {
  const { req, res, url, params, run } = c;
  const { state } = c.app;
  const raw = await readBody(req);
  if (run) run.body = raw.toString('utf8');

  const auth = apiKeySecurity(req, url, state);
  if (!auth.user) {
    sendDetail(res, auth.status, auth.detail);
    return finish(run, { status: auth.status, outcome: 'rejected', error: auth.detail });
  }
  if (run) run.auth = auth.via;
  const flow = findFlow(state, auth.user, params.flow);
  if (!flow) {
    const detail = `Flow identifier ${params.flow} not found`;
    sendDetail(res, 404, detail);
    return finish(run, { status: 404, outcome: 'rejected', error: detail });
  }
  const stream = parseStream(url);
  if (stream.error) {
    sendValidationErrors(res, [stream.error]);
    return finish(run, { status: 422, outcome: 'rejected', error: stream.error.msg });
  }
  const { request, parseWarning } = parseRunRequest(raw);
  if (parseWarning) c.app.log.warn('run body ignored', { warning: parseWarning });
  if (run) {
    Object.assign(run, { flow_id: flow.id, endpoint_name: flow.endpoint_name, stream: stream.value, request,
      parse_warning: parseWarning, session_id: request.session_id || flow.id });
  }
  if (stream.value) return runStream(c, flow, request, state.faults);
  return runJson(c, flow, request, state.faults);
}

export function registerRunRoutes(router) {
  router.post('/api/v1/run/:flow', handleRun);
}
