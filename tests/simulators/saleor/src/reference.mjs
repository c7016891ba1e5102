// Where Saleor's reference files live. Tests read them at run time; they are never copied here.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The simulator folder is tests/simulators/saleor, so the repo root is three levels up. */
export const repoRoot = path.resolve(here, '..', '..', '..', '..');

export function referenceDir() {
  return process.env.CMP_REFERENCE_DIR
    ? path.resolve(process.env.CMP_REFERENCE_DIR)
    : path.resolve(repoRoot, '..', 'shared', 'reference');
}

/** Saleor's real schema.graphql; SALEOR_SCHEMA_PATH overrides the file itself. */
export function referenceSchemaPath() {
  const p = process.env.SALEOR_SCHEMA_PATH || path.join(referenceDir(), 'saleor', 'schema.graphql');
  if (!fs.existsSync(p)) {
    throw new Error(`Saleor reference schema not found at ${p}. Set CMP_REFERENCE_DIR (folder holding saleor/schema.graphql) or SALEOR_SCHEMA_PATH.`);
  }
  return p;
}

export function referenceFile(...parts) {
  const p = path.join(referenceDir(), ...parts);
  if (!fs.existsSync(p)) throw new Error(`Reference file not found: ${p}. Set CMP_REFERENCE_DIR to the shared reference folder.`);
  return p;
}
