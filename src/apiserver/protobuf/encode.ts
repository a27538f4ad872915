/**
 * Encodes JSON objects into Kubernetes protobuf (the inverse of decode.ts), from the same schemas.
 * Fields are written in field-number order, lists unpacked and map entries sorted by key, as
 * upstream's generated marshallers do. Absent and null values are not written; every other value
 * present in the JSON is. A JSON key without a schema field, or a value of the wrong type, throws.
 */
import { MESSAGES, SCALAR_KINDS, messageForKind } from './schemas.js';
import type { FieldSchema, MessageSchema } from './schemas.js';
import { PROTOBUF_MAGIC } from './decode.js';
import { WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, WireWriter } from './wire.js';

/** Encodes `obj` (with apiVersion and kind) as a `k8s\0`-framed runtime.Unknown envelope. */
export function encodeProtobufObject(obj: Record<string, unknown>): Buffer {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const name = messageForKind(apiVersion, kind);
  if (!name) throw new Error(`protobuf: no schema for ${apiVersion}, Kind=${kind}`);
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  const raw = encodeMessage(name, rest);
  const typeMeta = new WireWriter().tag(1, WIRE_LEN).bytes(Buffer.from(apiVersion)).tag(2, WIRE_LEN).bytes(Buffer.from(kind)).finish();
  const envelope = new WireWriter()
    .tag(1, WIRE_LEN)
    .bytes(typeMeta)
    .tag(2, WIRE_LEN)
    .bytes(raw)
    .tag(3, WIRE_LEN)
    .bytes(new Uint8Array(0))
    .tag(4, WIRE_LEN)
    .bytes(new Uint8Array(0))
    .finish();
  return Buffer.concat([PROTOBUF_MAGIC, envelope]);
}

/** Encodes a JSON value as the message `messageName` (no magic, no envelope). */
export function encodeMessage(messageName: string, value: unknown): Buffer {
  const w = new WireWriter();
  writeMessage(schemaOf(messageName), messageName, value, w);
  return w.finish();
}

function schemaOf(name: string): MessageSchema {
  const s = MESSAGES[name];
  if (!s) throw new Error(`protobuf: no schema for message ${name}`);
  return s;
}

function fail(path: string, what: string): never {
  throw new Error(`protobuf encode: ${path}: ${what}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON keys a message consumes, including those of inline members. */
function jsonKeys(schema: MessageSchema): Set<string> {
  const keys = new Set<string>();
  for (const fs of Object.values(schema.fields)) {
    if (fs.inline) for (const k of jsonKeys(schemaOf(fs.kind))) keys.add(k);
    else keys.add(fs.name);
  }
  return keys;
}

function writeMessage(schema: MessageSchema, path: string, value: unknown, w: WireWriter): void {
  switch (schema.json) {
    case 'time':
    case 'microtime': {
      if (typeof value !== 'string') fail(path, 'expected an RFC 3339 string');
      const { seconds, nanos } = parseTime(value, path);
      w.tag(1, WIRE_VARINT).varint(seconds).tag(2, WIRE_VARINT).varint(nanos);
      return;
    }
    case 'quantity':
      if (typeof value !== 'string' && typeof value !== 'number') fail(path, 'expected a quantity');
      w.tag(1, WIRE_LEN).bytes(Buffer.from(String(value)));
      return;
    case 'intorstring':
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) fail(path, 'expected an integer or a string');
        w.tag(1, WIRE_VARINT).varint(0).tag(2, WIRE_VARINT).varint(value).tag(3, WIRE_LEN).bytes(new Uint8Array(0));
      } else if (typeof value === 'string') {
        w.tag(1, WIRE_VARINT).varint(1).tag(2, WIRE_VARINT).varint(0).tag(3, WIRE_LEN).bytes(Buffer.from(value));
      } else {
        fail(path, 'expected an integer or a string');
      }
      return;
    case 'rawjson':
      w.tag(1, WIRE_LEN).bytes(Buffer.from(JSON.stringify(value)));
      return;
    case 'stringlist':
      if (!Array.isArray(value)) fail(path, 'expected a list of strings');
      for (const [i, item] of value.entries()) {
        if (typeof item !== 'string') fail(`${path}[${i}]`, 'expected a string');
        w.tag(1, WIRE_LEN).bytes(Buffer.from(item));
      }
      return;
    case undefined:
      break;
  }
  if (!isObject(value)) fail(path, 'expected an object');
  const known = jsonKeys(schema);
  for (const k of Object.keys(value)) if (!known.has(k)) fail(path, `unknown field ${JSON.stringify(k)}`);
  const numbers = Object.keys(schema.fields)
    .map(Number)
    .sort((a, b) => a - b);
  for (const n of numbers) writeField(n, schema.fields[n], `${path}.${schema.fields[n].name}`, value, w);
}

function writeField(n: number, fs: FieldSchema, path: string, obj: Record<string, unknown>, w: WireWriter): void {
  if (fs.inline) {
    const child = schemaOf(fs.kind);
    const keys = jsonKeys(child);
    const part: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (keys.has(k)) part[k] = v;
    w.tag(n, WIRE_LEN).bytes(encodeWith(child, path, part));
    return;
  }
  const v = obj[fs.name];
  if (v === undefined || v === null) return;
  if (fs.map) {
    if (!isObject(v)) fail(path, 'expected an object');
    for (const key of Object.keys(v).sort()) {
      const entry = new WireWriter();
      writeScalar(1, fs.map.key, keyValue(fs.map.key, key, path), `${path}[${key}]`, entry);
      const item = v[key];
      if (item !== undefined && item !== null) writeValue(2, fs.map.value, item, `${path}[${key}]`, entry);
      w.tag(n, WIRE_LEN).bytes(entry.finish());
    }
    return;
  }
  if (fs.repeated) {
    if (!Array.isArray(v)) fail(path, 'expected a list');
    for (const [i, item] of v.entries()) {
      if (item === null && !SCALAR_KINDS.has(fs.kind)) {
        w.tag(n, WIRE_LEN).bytes(new Uint8Array(0));
        continue;
      }
      writeValue(n, fs.kind, item, `${path}[${i}]`, w);
    }
    return;
  }
  writeValue(n, fs.kind, v, path, w);
}

function keyValue(kind: string, key: string, path: string): unknown {
  if (kind === 'string') return key;
  if (kind === 'bool') return key === 'true';
  const n = Number(key);
  if (!Number.isInteger(n)) fail(path, `map key ${JSON.stringify(key)} is not an integer`);
  return n;
}

function writeValue(n: number, kind: string, v: unknown, path: string, w: WireWriter): void {
  if (SCALAR_KINDS.has(kind)) writeScalar(n, kind, v, path, w);
  else w.tag(n, WIRE_LEN).bytes(encodeWith(schemaOf(kind), path, v));
}

function encodeWith(schema: MessageSchema, path: string, v: unknown): Buffer {
  const sub = new WireWriter();
  writeMessage(schema, path, v, sub);
  return sub.finish();
}

function writeScalar(n: number, kind: string, v: unknown, path: string, w: WireWriter): void {
  switch (kind) {
    case 'string':
      if (typeof v !== 'string') fail(path, 'expected a string');
      w.tag(n, WIRE_LEN).bytes(Buffer.from(v, 'utf8'));
      return;
    case 'bytes':
      if (typeof v !== 'string') fail(path, 'expected a base64 string');
      w.tag(n, WIRE_LEN).bytes(Buffer.from(v, 'base64'));
      return;
    case 'int32':
    case 'int64':
      if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, 'expected an integer');
      w.tag(n, WIRE_VARINT).varint(BigInt(v));
      return;
    case 'bool':
      if (typeof v !== 'boolean') fail(path, 'expected a boolean');
      w.tag(n, WIRE_VARINT).varint(v ? 1 : 0);
      return;
    case 'double':
      if (typeof v !== 'number') fail(path, 'expected a number');
      w.tag(n, WIRE_FIXED64).double(v);
      return;
    default:
      fail(path, `unknown scalar kind ${kind}`);
  }
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

function parseTime(s: string, path: string): { seconds: bigint; nanos: number } {
  const m = RFC3339.exec(s);
  if (!m) fail(path, `invalid RFC 3339 time ${JSON.stringify(s)}`);
  const d = new Date(Date.UTC(2000, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  d.setUTCFullYear(Number(m[1]));
  const ms = d.getTime();
  let seconds = Math.floor(ms / 1000);
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    seconds -= sign * (Number(m[8].slice(1, 3)) * 3600 + Number(m[8].slice(4, 6)) * 60);
  }
  const nanos = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  return { seconds: BigInt(seconds), nanos };
}
