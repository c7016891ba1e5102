// Builds the executable schema: the subset SDL + scalar implementations + resolvers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, isInterfaceType, isObjectType, isUnionType } from 'graphql';
import { scalarImpls } from './scalars.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const subsetSdlPath = path.join(here, '..', '..', 'schema', 'saleor-subset.graphql');

export const loadSubsetSdl = () => fs.readFileSync(subsetSdlPath, 'utf8');

/** resolverMaps: [{ TypeName: { field: fn } }], merged in order. */
export function buildExecutableSchema(resolverMaps) {
  const schema = buildSchema(loadSubsetSdl());
  for (const [name, impl] of Object.entries(scalarImpls)) {
    const t = schema.getType(name);
    if (t) Object.assign(t, impl);
  }
  const unknown = [];
  for (const map of resolverMaps) {
    for (const [typeName, fields] of Object.entries(map)) {
      const type = schema.getType(typeName);
      if (!type) throw new Error(`resolver for unknown type ${typeName}`);
      for (const [fieldName, fn] of Object.entries(fields)) {
        if (fieldName === '__resolveType') { type.resolveType = fn; continue; }
        const field = type.getFields()[fieldName];
        if (!field) { unknown.push(`${typeName}.${fieldName}`); continue; }
        field.resolve = fn;
      }
    }
  }
  if (unknown.length) throw new Error(`resolvers for fields missing from the subset SDL: ${unknown.join(', ')}`);
  // Abstract types resolve through the __typename every record carries.
  for (const type of Object.values(schema.getTypeMap())) {
    if ((isInterfaceType(type) || isUnionType(type)) && !type.resolveType) type.resolveType = (v) => v.__typename;
    if (isObjectType(type)) type.isTypeOf = undefined;
  }
  return schema;
}
