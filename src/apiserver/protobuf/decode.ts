/**
 * Decodes Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) into the JSON
 * objects the rest of the server handles.
 *
 * Body layout (upstream's protobuf serializer): the 4-byte magic `k8s\0`, then a runtime.Unknown
 * envelope { typeMeta { apiVersion, kind }, raw, contentEncoding, contentType } whose `raw` is the
 * object's own message, laid out as in MESSAGES (schemas.ts).
 *
 * JSON mapping, as the Go JSON encoding of the decoded struct: bytes → base64, int64 → number,
 * maps → objects, repeated → arrays, zero scalars omitted unless the field keeps zeros (Go pointer
 * fields), nested messages → objects, plus the special forms listed at JsonForm.
 *
 * Errors: a kind without a schema is a 415 UnsupportedMediaType; malformed bytes are a 400 BadRequest.
 */
import { ApiError, badRequest } from '../../machinery/errors.js';
import { MESSAGES, SCALAR_KINDS, messageForKind } from './schemas.js';
import type { FieldSchema, MessageSchema } from './schemas.js';
import { WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, WireError, WireReader } from './wire.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** The 4-byte prefix of every Kubernetes protobuf body: "k8s\0". */
export const PROTOBUF_MAGIC: Readonly<Uint8Array> = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

/** Nesting limit for messages (upstream objects nest far less). */
const MAX_DEPTH = 64;

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  /** The object as JSON, with apiVersion and kind set. */
  object: Record<string, unknown>;
}

/** True when `body` starts with the Kubernetes protobuf magic. */
export function hasProtobufMagic(body: Uint8Array): boolean {
  return body.length >= 4 && body[0] === 0x6b && body[1] === 0x38 && body[2] === 0x73 && body[3] === 0x00;
}

/**
 * Decodes a `k8s\0`-framed protobuf body. Throws ApiError 415 when the envelope's kind has no
 * schema, ApiError 400 for any malformed input.
 */
export function decodeProtobufObject(body: Buffer): DecodedObject {
  try {
    return decodeFramed(body, 0);
  } catch (e) {
    throw asApiError(e);
  }
}

/**
 * Decodes one message's bytes (no magic, no envelope) by its schema name into its JSON value.
 * Throws ApiError 400 for malformed input.
 */
export function decodeMessage(messageName: string, bytes: Uint8Array): unknown {
  const schema = MESSAGES[messageName];
  if (!schema) throw new Error(`protobuf: no schema for message ${messageName}`);
  try {
    return readValue(schema, new WireReader(bytes), 0);
  } catch (e) {
    throw asApiError(e);
  }
}

function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  return badRequest(`unable to decode the protobuf request body: ${reason}`);
}

function decodeFramed(body: Uint8Array, depth: number): DecodedObject {
  if (!hasProtobufMagic(body)) {
    throw badRequest('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array(0);
  let contentEncoding = '';
  let contentType = '';
  const r = new WireReader(body, 4);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field >= 1 && field <= 4 && wire !== WIRE_LEN) throw new WireError(`proto: wrong wireType = ${wire} for field ${field} of Unknown`);
    switch (field) {
      case 1: {
        const tm = r.sub();
        while (!tm.done) {
          const t = tm.tag();
          if ((t.field === 1 || t.field === 2) && t.wire !== WIRE_LEN) throw new WireError(`proto: wrong wireType = ${t.wire} for field ${t.field} of TypeMeta`);
          if (t.field === 1) apiVersion = utf8(tm.bytes());
          else if (t.field === 2) kind = utf8(tm.bytes());
          else tm.skip(t.wire);
        }
        break;
      }
      case 2:
        raw = r.bytes();
        break;
      case 3:
        contentEncoding = utf8(r.bytes());
        break;
      case 4:
        contentType = utf8(r.bytes());
        break;
      default:
        r.skip(wire);
    }
  }
  if (contentEncoding !== '') throw badRequest(`unsupported contentEncoding ${JSON.stringify(contentEncoding)} in the protobuf envelope`);
  if (contentType !== '' && contentType !== PROTOBUF_MEDIA_TYPE) {
    throw badRequest(`unsupported contentType ${JSON.stringify(contentType)} in the protobuf envelope`);
  }
  if (kind === '') throw badRequest("Object 'Kind' is missing in the protobuf envelope");
  const messageName = messageForKind(apiVersion, kind);
  if (!messageName) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - protobuf is not supported for ${apiVersion || '(no apiVersion)'}, Kind=${kind}; send application/json or application/yaml`,
    );
  }
  const decoded = readObject(MESSAGES[messageName], new WireReader(raw), depth, {});
  delete decoded.apiVersion;
  delete decoded.kind;
  const object: Record<string, unknown> = { apiVersion, kind, ...decoded };
  return { apiVersion, kind, object };
}

function utf8(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

function schemaOf(name: string): MessageSchema {
  const s = MESSAGES[name];
  if (!s) throw new Error(`protobuf: no schema for message ${name}`);
  return s;
}

function expectedWire(kind: string): number {
  if (kind === 'string' || kind === 'bytes') return WIRE_LEN;
  if (kind === 'double') return WIRE_FIXED64;
  return WIRE_VARINT;
}

function readScalar(kind: string, r: WireReader): unknown {
  switch (kind) {
    case 'string':
      return utf8(r.bytes());
    case 'bytes': {
      const b = r.bytes();
      return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
    }
    case 'int32':
      return Number(BigInt.asIntN(32, r.varint()));
    case 'int64':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'bool':
      return r.varint() !== 0n;
    case 'double': {
      const b = r.fixed64();
      const v = Buffer.from(b.buffer, b.byteOffset, 8).readDoubleLE(0);
      if (!Number.isFinite(v)) throw new WireError(`json: unsupported value: ${v}`);
      return v;
    }
    default:
      throw new Error(`protobuf: unknown scalar kind ${kind}`);
  }
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

/** Reads a message's fields into `out` (a plain object message). */
function readObject(schema: MessageSchema, r: WireReader, depth: number, out: Record<string, unknown>): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new WireError('proto: message nested too deeply');
  while (!r.done) {
    const { field, wire } = r.tag();
    const fs = schema.fields[field];
    if (!fs) {
      r.skip(wire);
      continue;
    }
    readField(fs, wire, r, depth, out);
  }
  return out;
}

function wrongWire(fs: FieldSchema, wire: number): WireError {
  return new WireError(`proto: wrong wireType = ${wire} for field ${fs.name}`);
}

function readField(fs: FieldSchema, wire: number, r: WireReader, depth: number, out: Record<string, unknown>): void {
  if (fs.map) {
    if (wire !== WIRE_LEN) throw wrongWire(fs, wire);
    const [key, value] = readMapEntry(fs, r.sub(), depth + 1);
    const target = (isPlainObject(out[fs.name]) ? out[fs.name] : (out[fs.name] = {})) as Record<string, unknown>;
    if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    else target[key] = value;
    return;
  }
  if (SCALAR_KINDS.has(fs.kind)) {
    const want = expectedWire(fs.kind);
    if (fs.repeated) {
      const list = (Array.isArray(out[fs.name]) ? out[fs.name] : (out[fs.name] = [])) as unknown[];
      if (wire === WIRE_LEN && want !== WIRE_LEN) {
        const packed = r.sub();
        while (!packed.done) list.push(readScalar(fs.kind, packed));
        return;
      }
      if (wire !== want) throw wrongWire(fs, wire);
      list.push(readScalar(fs.kind, r));
      return;
    }
    if (wire !== want) throw wrongWire(fs, wire);
    const v = readScalar(fs.kind, r);
    if (isZero(v) && !fs.keepZero) delete out[fs.name];
    else out[fs.name] = v;
    return;
  }
  // A message.
  if (wire !== WIRE_LEN) throw wrongWire(fs, wire);
  const schema = schemaOf(fs.kind);
  const sub = r.sub();
  if (fs.inline) {
    readObject(schema, sub, depth + 1, out);
    return;
  }
  if (fs.repeated) {
    const list = (Array.isArray(out[fs.name]) ? out[fs.name] : (out[fs.name] = [])) as unknown[];
    const v = readValue(schema, sub, depth + 1);
    list.push(v === undefined ? null : v);
    return;
  }
  if (schema.json) {
    const v = readValue(schema, sub, depth + 1);
    if (v === undefined || (!fs.keepZero && isZero(v))) delete out[fs.name];
    else out[fs.name] = v;
    return;
  }
  // Repeated occurrences of a singular message merge, as protobuf specifies.
  const existing = isPlainObject(out[fs.name]) ? (out[fs.name] as Record<string, unknown>) : {};
  out[fs.name] = readObject(schema, sub, depth + 1, existing);
}

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function zeroOf(kind: string): unknown {
  switch (kind) {
    case 'string':
    case 'bytes':
      return '';
    case 'bool':
      return false;
    case 'int32':
    case 'int64':
    case 'double':
      return 0;
    default: {
      const s = schemaOf(kind);
      switch (s.json) {
        case 'time':
        case 'microtime':
        case 'rawjson':
          return null;
        case 'quantity':
          return '0';
        case 'intorstring':
          return 0;
        case 'stringlist':
          return [];
        default:
          return {};
      }
    }
  }
}

function readMapEntry(fs: FieldSchema, r: WireReader, depth: number): [string, unknown] {
  const { key: keyKind, value: valueKind } = fs.map!;
  let key: unknown = zeroOf(keyKind);
  let value: unknown = zeroOf(valueKind);
  const valueIsScalar = SCALAR_KINDS.has(valueKind);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      if (wire !== expectedWire(keyKind)) throw wrongWire(fs, wire);
      key = readScalar(keyKind, r);
    } else if (field === 2) {
      if (valueIsScalar) {
        if (wire !== expectedWire(valueKind)) throw wrongWire(fs, wire);
        value = readScalar(valueKind, r);
      } else {
        if (wire !== WIRE_LEN) throw wrongWire(fs, wire);
        const v = readValue(schemaOf(valueKind), r.sub(), depth + 1);
        value = v === undefined ? null : v;
      }
    } else {
      r.skip(wire);
    }
  }
  return [String(key), value];
}

/** Reads a whole message into its JSON value; undefined for a zero Time or an empty raw JSON. */
function readValue(schema: MessageSchema, r: WireReader, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new WireError('proto: message nested too deeply');
  const fields = readObject(schema, r, depth, {});
  switch (schema.json) {
    case undefined:
      return fields;
    case 'time':
    case 'microtime':
      if (fields.seconds === undefined && fields.nanos === undefined) return undefined;
      return formatTime(Number(fields.seconds ?? 0), Number(fields.nanos ?? 0), schema.json === 'microtime');
    case 'quantity':
      return typeof fields.string === 'string' && fields.string !== '' ? fields.string : '0';
    case 'intorstring':
      return Number(fields.type ?? 0) === 1 ? String(fields.strVal ?? '') : Number(fields.intVal ?? 0);
    case 'rawjson': {
      const b64 = Object.values(fields)[0];
      if (typeof b64 !== 'string' || b64 === '') return undefined;
      const raw = Buffer.from(b64, 'base64');
      if (hasProtobufMagic(raw)) return decodeFramed(raw, depth + 1).object;
      try {
        return JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        throw new WireError('embedded raw JSON is not valid JSON');
      }
    }
    case 'stringlist': {
      const items = Object.values(fields)[0];
      return Array.isArray(items) ? items : [];
    }
  }
}

// Year 0 and year 9999, the range Go's Time.MarshalJSON accepts.
const MIN_SECONDS = -62167219200;
const MAX_SECONDS = 253402300799;

/** Go's `time.Unix(seconds, nanos).UTC()` formatted as RFC 3339, with 6 fractional digits when micro. */
export function formatTime(seconds: number, nanos: number, micro: boolean): string {
  const s = seconds + Math.floor(nanos / 1e9);
  const ns = ((nanos % 1e9) + 1e9) % 1e9;
  if (!Number.isSafeInteger(s) || s < MIN_SECONDS || s > MAX_SECONDS) {
    throw new WireError('Time.MarshalJSON: year outside of range [0,9999]');
  }
  const base = new Date(s * 1000).toISOString().slice(0, 19);
  return micro ? `${base}.${String(Math.floor(ns / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}
