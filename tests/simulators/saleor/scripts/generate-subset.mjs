// Writes schema/saleor-subset.graphql from Saleor's real schema.graphql and schema/subset.keep.
// The output carries no descriptions and no custom directives: only names and type strings,
// which is what the simulator needs and what test/schema-subset.test.mjs checks.
// Usage: node scripts/generate-subset.mjs [--check]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  astFromValue, buildSchema, getNamedType, isEnumType, isInputObjectType, isInterfaceType,
  isObjectType, isScalarType, isUnionType, print, specifiedScalarTypes, validateSchema,
} from 'graphql';
import { referenceSchemaPath } from '../src/reference.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const keepFile = path.join(here, '..', 'schema', 'subset.keep');
const outFile = path.join(here, '..', 'schema', 'saleor-subset.graphql');

/** Parses the keep-list into Map<typeName, null (whole) | Map<fieldName, null (required args only) | '*' | Set<arg>>>. */
export function parseKeepList(text) {
  const keep = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon < 0) { keep.set(line, null); continue; }
    const typeName = line.slice(0, colon).trim();
    const fields = keep.get(typeName) ?? new Map();
    const re = /([A-Za-z_][A-Za-z0-9_]*)(?:\(([^)]*)\))?/g;
    let m;
    while ((m = re.exec(line.slice(colon + 1)))) {
      const args = m[2] === undefined ? null : m[2].trim() === '*' ? '*' : new Set(m[2].split(/\s+/).filter(Boolean));
      fields.set(m[1], args);
    }
    keep.set(typeName, fields);
  }
  return keep;
}

const isRequired = (argOrField) => argOrField.type.toString().endsWith('!') && argOrField.defaultValue === undefined;

function printArg(a) {
  let s = `${a.name}: ${a.type}`;
  if (a.defaultValue !== undefined) s += ` = ${print(astFromValue(a.defaultValue, a.type))}`;
  return s;
}

export function generateSubset(referenceSdl, keepText) {
  const ref = buildSchema(referenceSdl, { assumeValidSDL: true });
  const keep = parseKeepList(keepText);
  const problems = [];
  const builtins = new Set(specifiedScalarTypes.map((t) => t.name));
  const extra = new Set(); // scalars and enums pulled in by kept fields
  const need = (type, where) => {
    const named = getNamedType(type);
    if (isScalarType(named) || isEnumType(named)) { if (!builtins.has(named.name)) extra.add(named.name); return; }
    if (!keep.has(named.name)) problems.push(`${where} needs type ${named.name}, which the keep-list lacks`);
  };
  for (const name of keep.keys()) if (!ref.getType(name)) problems.push(`keep-list names ${name}, which Saleor's schema lacks`);

  const blocks = [];
  for (const type of Object.values(ref.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const spec = keep.get(type.name);
    if (spec === undefined) continue;
    if (isUnionType(type)) {
      const members = type.getTypes().filter((t) => keep.has(t.name)).map((t) => t.name);
      if (!members.length) problems.push(`union ${type.name} keeps no member`);
      blocks.push(`union ${type.name} = ${members.join(' | ')}`);
      continue;
    }
    if (isEnumType(type) || isScalarType(type)) { extra.add(type.name); continue; }
    const fieldsOfType = type.getFields();
    const chosen = new Map();
    if (spec === null) for (const f of Object.keys(fieldsOfType)) chosen.set(f, null);
    else for (const [f, a] of spec) {
      if (!fieldsOfType[f]) problems.push(`${type.name}.${f} does not exist in Saleor's schema`);
      else chosen.set(f, a);
    }
    let interfaces = [];
    if (isObjectType(type) || isInterfaceType(type)) {
      interfaces = type.getInterfaces().filter((i) => keep.has(i.name));
      for (const i of interfaces) {
        const ispec = keep.get(i.name);
        const names = ispec === null ? Object.keys(i.getFields()) : [...ispec.keys()];
        for (const n of names) if (!chosen.has(n)) chosen.set(n, ispec === null ? null : ispec.get(n));
      }
    }
    const lines = [];
    for (const [fname, argSpec] of chosen) {
      const f = fieldsOfType[fname];
      if (isInputObjectType(type)) {
        need(f.type, `${type.name}.${fname}`);
        lines.push(`  ${printArg(f)}`);
        continue;
      }
      need(f.type, `${type.name}.${fname}`);
      const args = f.args.filter((a) => isRequired(a) || argSpec === '*' || (argSpec instanceof Set && argSpec.has(a.name)));
      if (argSpec instanceof Set) for (const a of argSpec) if (!f.args.some((x) => x.name === a)) problems.push(`${type.name}.${fname}(${a}) does not exist`);
      for (const a of args) need(a.type, `${type.name}.${fname}(${a.name})`);
      lines.push(`  ${fname}${args.length ? `(${args.map(printArg).join(', ')})` : ''}: ${f.type}`);
    }
    if (isInputObjectType(type)) {
      for (const [fname, f] of Object.entries(fieldsOfType)) {
        if (!chosen.has(fname) && isRequired(f)) { need(f.type, `${type.name}.${fname}`); lines.push(`  ${printArg(f)}`); }
      }
    }
    const kind = isInputObjectType(type) ? 'input' : isInterfaceType(type) ? 'interface' : 'type';
    const impl = interfaces.length ? ` implements ${interfaces.map((i) => i.name).join(' & ')}` : '';
    blocks.push(`${kind} ${type.name}${impl} {\n${lines.join('\n')}\n}`);
  }
  for (const name of [...extra].sort()) {
    const t = ref.getType(name);
    if (isScalarType(t)) blocks.push(`scalar ${name}`);
    else blocks.push(`enum ${name} {\n${t.getValues().map((v) => `  ${v.name}`).join('\n')}\n}`);
  }
  if (problems.length) throw new Error(`subset keep-list problems:\n  ${[...new Set(problems)].join('\n  ')}`);
  const header = '# GENERATED by scripts/generate-subset.mjs from schema/subset.keep and Saleor\'s schema.graphql.\n'
    + '# A strict subset of Saleor\'s schema (names and types only). Do not edit by hand: edit the keep-list.\n\n';
  const sdl = header + blocks.join('\n\n') + '\n';
  const errors = validateSchema(buildSchema(sdl));
  if (errors.length) throw new Error(`generated subset is not a valid schema:\n  ${errors.map((e) => e.message).join('\n  ')}`);
  return sdl;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const referenceSdl = fs.readFileSync(referenceSchemaPath(), 'utf8');
  const sdl = generateSubset(referenceSdl, fs.readFileSync(keepFile, 'utf8'));
  if (process.argv.includes('--check')) {
    const current = fs.readFileSync(outFile, 'utf8');
    if (current !== sdl) { console.error('schema/saleor-subset.graphql is stale: run npm run subset'); process.exit(1); }
    console.log('subset up to date');
  } else {
    fs.writeFileSync(outFile, sdl);
    console.log(`wrote ${path.relative(process.cwd(), outFile)} (${sdl.length} bytes)`);
  }
}
