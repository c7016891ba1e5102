// Loads the product's GraphQL documents (every .graphql under libs/ and services/ of the repo),
// and assembles each named operation with the fragments it uses (found by name across files),
// the same way the C# client embeds and looks them up.
import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, visit } from 'graphql';
import { repoRoot } from './reference.mjs';

function walk(dir, out) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'bin', 'obj', '.git'].includes(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.graphql')) out.push(p);
  }
  return out;
}

export function loadProductDocuments(root = repoRoot) {
  const files = [...walk(path.join(root, 'libs'), []), ...walk(path.join(root, 'services'), [])];
  const operations = new Map(); // name -> { file, node }
  const fragments = new Map(); // name -> { file, node }
  const problems = [];
  for (const file of files) {
    let doc;
    try { doc = parse(fs.readFileSync(file, 'utf8')); } catch (e) { problems.push(`${file}: ${e.message}`); continue; }
    const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (ops.length > 1) problems.push(`${file}: more than one operation`);
    for (const d of doc.definitions) {
      if (d.kind === Kind.OPERATION_DEFINITION) {
        if (!d.name) { problems.push(`${file}: anonymous operation`); continue; }
        const name = d.name.value;
        if (path.basename(file, '.graphql') !== name) problems.push(`${file}: file name must equal operation name ${name}`);
        if (operations.has(name)) problems.push(`${file}: duplicate operation ${name}`);
        operations.set(name, { file, node: d });
      } else if (d.kind === Kind.FRAGMENT_DEFINITION) {
        const name = d.name.value;
        if (fragments.has(name)) problems.push(`${file}: duplicate fragment ${name}`);
        fragments.set(name, { file, node: d });
      }
    }
  }
  return { files, operations, fragments, problems };
}

/** The operation text plus every fragment it needs, transitively; throws on an unknown fragment. */
export function assembleOperation(docs, name) {
  const op = docs.operations.get(name);
  if (!op) throw new Error(`no operation named ${name}`);
  const needed = new Map();
  const visitNode = (node) => visit(node, {
    FragmentSpread(s) {
      const n = s.name.value;
      if (needed.has(n)) return;
      const f = docs.fragments.get(n);
      if (!f) throw new Error(`${name}: unknown fragment ${n}`);
      needed.set(n, f.node);
      visitNode(f.node);
    },
  });
  visitNode(op.node);
  return [op.node, ...needed.values()].map((n) => print(n)).join('\n\n');
}
