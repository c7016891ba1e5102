// Entry point: `node tests/simulators/saleor/server.mjs`. Prints one JSON line
// {"msg":"listening","url":...} when ready (the C# test harness waits for it).
import { loadConfig } from './src/config.mjs';
import { Simulator } from './src/simulator.mjs';
import { createHttpServer, listen } from './src/http/server.mjs';

export async function startSimulator(env = process.env) {
  const config = loadConfig(env);
  const sim = new Simulator(config);
  const server = createHttpServer(sim);
  const url = await listen(server, config.host, config.port);
  sim.listeningUrl = url;
  const close = () => new Promise((resolve) => { sim.deliveries.stop(); server.closeAllConnections?.(); server.close(() => resolve()); });
  return { sim, server, url, close };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const { url, close } = await startSimulator();
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url })}\n`);
  const stop = async () => { await close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
