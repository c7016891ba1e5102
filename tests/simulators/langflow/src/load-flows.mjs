// LANGFLOW_LOAD_FLOWS_PATH: like Langflow's startup loader, every *.json in the folder
// is upserted for the superuser; a file named <uuid>.json forces that flow id. As in
// the Langflow versions the reference read, loading needs LANGFLOW_AUTO_LOGIN=true.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseUuid } from './http-utils.mjs';
import { upsertFlowFromFile } from './routes/flows-routes.mjs';

export async function loadFlowsFromDirectory(state, log) {
  const dir = state.config.loadFlowsPath;
  if (!dir) return [];
  if (!state.config.autoLogin) {
    log.warn('LANGFLOW_LOAD_FLOWS_PATH ignored: Langflow only loads flows when LANGFLOW_AUTO_LOGIN=true', { dir });
    return [];
  }
  const loaded = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
    try {
      const body = JSON.parse(await readFile(join(dir, file), 'utf8'));
      const flows = Array.isArray(body.flows) ? body.flows : [body];
      for (const flow of flows) {
        const record = upsertFlowFromFile(state, flow, flows.length === 1 ? parseUuid(file.slice(0, -5)) : null);
        loaded.push({ file, id: record.id, name: record.name, endpoint_name: record.endpoint_name });
      }
    } catch (error) {
      log.error('could not load flow file', { file, error: error.message });
    }
  }
  return loaded;
}
