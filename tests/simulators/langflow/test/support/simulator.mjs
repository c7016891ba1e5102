// Starts an in-process simulator on a free loopback port for one test file.
import { createSimulator } from '../../src/app.mjs';
import { loadConfig } from '../../src/config.mjs';
import { createLogger } from '../../src/log.mjs';

export const DEV_KEY = 'sk-dev-langflow';

export async function startSimulator(env = {}) {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env, PORT: '0', HOST: '127.0.0.1' });
  const simulator = createSimulator({ config, log: createLogger({ level: 'silent' }) });
  const url = await simulator.listen();

  async function call(method, path, { body, headers = {}, key = DEV_KEY, raw } = {}) {
    const h = { ...headers };
    if (key) h['x-api-key'] = key;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const res = await fetch(`${url}${path}`, { method, headers: h, body: payload, redirect: 'manual' });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  return {
    url,
    state: simulator.state,
    close: () => simulator.close(),
    call,
    sim: (method, path, body) => call(method, `/_sim${path}`, { body, key: null }),
    putFlow: (id, flow, opts) => call('PUT', `/api/v1/flows/${id}`, { body: flow, ...opts }),
    run: (flow, body, opts = {}) => call('POST', `/api/v1/run/${flow}${opts.query ?? ''}`, { body, ...opts }),
  };
}
