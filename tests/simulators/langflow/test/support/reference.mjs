// Locates ../shared/reference (or CMP_REFERENCE_DIR). Tests that compare against the
// reference call requireReference(), which FAILS with a clear message when the folder
// is missing - a missing spec must never look like a passing fidelity test.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../../../../..');

export function referenceDir() {
  return process.env.CMP_REFERENCE_DIR ? resolve(process.env.CMP_REFERENCE_DIR) : resolve(REPO_ROOT, '../shared/reference');
}

export function requireReference(relative) {
  const path = join(referenceDir(), relative);
  assert.ok(
    existsSync(path),
    `Langflow reference not found at ${path}. These tests compare the simulator with the real API ` +
      'examples and cannot pass without them: check out the shared folder beside the repository ' +
      '(../shared/reference) or set CMP_REFERENCE_DIR to the reference folder.',
  );
  return path;
}

export function readReferenceText(relative) {
  return readFileSync(requireReference(relative), 'utf8');
}

export function readReferenceJson(relative) {
  return JSON.parse(readReferenceText(relative));
}
