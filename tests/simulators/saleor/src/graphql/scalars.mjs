// Saleor's custom scalars, with the input rules that matter to clients.
import { GraphQLError, GraphQLFloat, Kind } from 'graphql';
import { PyFloat, pythonJsonDumps } from '../python-json.mjs';

// Webhook bodies are written like Python's json.dumps, which prints Float fields as 69.0 and Int
// fields as 69. JavaScript has one number type, so Float results are wrapped; PyFloat.toJSON keeps
// ordinary JSON responses unchanged. (graphql-js keeps `serialize` as an own property.)
const floatSerialize = GraphQLFloat.serialize;
if (!GraphQLFloat.__pyFloat) {
  GraphQLFloat.serialize = (v) => new PyFloat(floatSerialize(v instanceof PyFloat ? v.value : v));
  GraphQLFloat.__pyFloat = true;
}

/** Python's datetime.isoformat() for an aware UTC datetime: microseconds and +00:00. */
export function pyIsoDate(value) {
  const d = value instanceof Date ? value : new Date(value);
  const base = d.toISOString().slice(0, 19);
  const ms = d.getUTCMilliseconds();
  return `${base}${ms ? `.${String(ms * 1000).padStart(6, '0')}` : ''}+00:00`;
}

function decimalFrom(value, { positive }) {
  let s;
  if (typeof value === 'number') s = String(value);
  else if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) s = value.trim();
  else throw new GraphQLError(`Invalid decimal value: ${JSON.stringify(value)}`);
  if (positive && Number(s) < 0) throw new GraphQLError('Value cannot be lower than 0.');
  return s; // kept as a decimal string; money.toMinor() converts with the currency's precision
}

function decimalLiteral(ast, positive) {
  // A quoted string literal is rejected inline (Saleor only parses Int/Float literals).
  if (ast.kind !== Kind.FLOAT && ast.kind !== Kind.INT) throw new GraphQLError('Expected a numeric literal.');
  return decimalFrom(ast.value, { positive });
}

// Saleor's WeightScalar input: {"unit": "kg", "value": 1.5} or a bare number in the shop's default
// unit (kg here). Kept in integer grams; ProductVariant.weight reads it back in kg.
const GRAMS_PER = { g: 1, kg: 1000, lb: 453.59237, oz: 28.349523125, tonne: 1000000 };
function weightGrams(value, unit = 'kg') {
  const factor = GRAMS_PER[String(unit).toLowerCase()];
  const n = typeof value === 'number' ? value : Number(value);
  if (!factor || typeof value === 'boolean' || value === '' || !Number.isFinite(n)) throw new GraphQLError(`Unsupported value: ${JSON.stringify(value)}`);
  return Math.round(n * factor);
}

export const scalarImpls = {
  PositiveDecimal: {
    serialize: (v) => Number(v),
    parseValue: (v) => decimalFrom(v, { positive: true }),
    parseLiteral: (ast) => decimalLiteral(ast, true),
  },
  Decimal: {
    serialize: (v) => Number(v),
    parseValue: (v) => decimalFrom(v, { positive: false }),
    parseLiteral: (ast) => decimalLiteral(ast, false),
  },
  JSONString: {
    // Saleor serialises JSONString with json.dumps, so descriptions come back with ", " separators.
    serialize: (v) => (typeof v === 'string' ? v : pythonJsonDumps(v)),
    parseValue: (v) => {
      if (typeof v !== 'string') return v;
      try { return JSON.parse(v); } catch { throw new GraphQLError('Invalid JSON string.'); }
    },
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new GraphQLError('JSONString must be a string.');
      try { return JSON.parse(ast.value); } catch { throw new GraphQLError('Invalid JSON string.'); }
    },
  },
  DateTime: {
    serialize: (v) => pyIsoDate(v),
    parseValue: (v) => { const d = new Date(v); if (Number.isNaN(d.getTime())) throw new GraphQLError('Invalid DateTime'); return d.toISOString(); },
    parseLiteral: (ast) => { if (ast.kind !== Kind.STRING) throw new GraphQLError('Invalid DateTime'); return scalarImpls.DateTime.parseValue(ast.value); },
  },
  WeightScalar: {
    serialize: (v) => v,
    parseValue: (v) => (v && typeof v === 'object' ? weightGrams(v.value, v.unit) : weightGrams(v)),
    parseLiteral: (ast) => {
      if (ast.kind === Kind.OBJECT) {
        const f = Object.fromEntries(ast.fields.map((x) => [x.name.value, x.value.value]));
        return weightGrams(f.value, f.unit);
      }
      return weightGrams(ast.value);
    },
  },
  UUID: {
    serialize: String,
    parseValue: (v) => { if (!/^[0-9a-f-]{36}$/i.test(String(v))) throw new GraphQLError('Invalid UUID'); return String(v); },
    parseLiteral: (ast) => scalarImpls.UUID.parseValue(ast.value),
  },
};
