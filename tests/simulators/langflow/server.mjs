// Entry point: `node tests/simulators/langflow/server.mjs`. The first and only line
// printed before serving is {"msg":"listening","url":...}; the C# harness waits for it.
import { createSimulator } from './src/app.mjs';
import { loadConfig } from './src/config.mjs';
import { createLogger } from './src/log.mjs';

const config = loadConfig();
const log = createLogger({ level: config.logLevel });
const simulator = createSimulator({ config, log });

const url = await simulator.listen();
process.stdout.write(`${JSON.stringify({ msg: 'listening', url })}\n`);
log.info('langflow simulator ready', {
  flows: simulator.state.flows.size,
  api_keys: simulator.state.apiKeys.size,
  auto_login: config.autoLogin,
  skip_auth_auto_login: config.skipAuthAutoLogin,
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log.info('stopping', { signal });
  await simulator.close();
  process.exit(0);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
