// Stripe API simulator (test equipment, not product). See README.md.
import { createServer } from 'node:http';
import { createSimulator } from './src/simulator.mjs';

const quiet = process.env.STRIPE_SIM_LOG === 'quiet';
const sim = createSimulator({ log: (o) => { if (!quiet) console.log(JSON.stringify(o)); } });
const server = createServer((req, res) => {
  sim.handle(req, res).catch((e) => {
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { type: 'api_error', message: String(e?.message ?? e) } }));
  });
});
const host = process.env.HOST ?? '127.0.0.1';
server.listen(Number(process.env.PORT ?? 12111), host, () => {
  const { port } = server.address();
  console.log(JSON.stringify({ msg: 'listening', url: `http://${host}:${port}` }));
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
