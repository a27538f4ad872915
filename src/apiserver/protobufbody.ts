/**
 * Decodes Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), which
 * kubectl's and Helm's typed clients send, into the JSON form the rest of the server handles.
 *
 * The wire format is upstream's: the magic `k8s\0`, then a runtime.Unknown envelope
 * (typeMeta, raw, contentEncoding, contentType) whose `raw` is the object's message. Message
 * layouts come from upstream's descriptors, extracted at build time into
 * dist/protobuf/descriptors.json (scripts/gen-protobuf.mjs). Field names equal the JSON names.
 *
 * JSON mapping (as upstream's JSON encoding of the same Go structs): Time and MicroTime → RFC 3339
 * strings (zero time → absent), Quantity → string, IntOrString → number or string, RawExtension
 * and FieldsV1 → embedded JSON, bytes → base64, maps → objects, empty strings → absent.
 * Malformed input is a 400; a kind without a descriptor is a 415.
 */
import { readFileSync } from 'node:fs';
import { ApiError, badRequest } from '../machinery/errors.js';

interface FieldDesc {
  name: string;
  number: number;
  type: string;
  typeName?: string;
  repeated: boolean;
}

interface MessageDesc {
  fields: FieldDesc[];
  mapEntry: boolean;
  byNumber?: Map<number, FieldDesc>;
}

interface Descriptors {
  messages: Record<string, MessageDesc>;
}

let descriptors: Descriptors | undefined;

function load(): Descriptors {
  if (!descriptors) {
    const path = new URL('../../protobuf/descriptors.json', import.meta.url);
    descriptors = JSON.parse(readFileSync(path, 'utf8')) as Descriptors;
  }
  return descriptors;
}

function message(name: string): MessageDesc | undefined {
  const m = load().messages[name];
  if (m && !m.byNumber) m.byNumber = new Map(m.fields.map((f) => [f.number, f]));
  return m;
}

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const MAX_DEPTH = 100;

class Reader {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly end: number = buf.length,
    start = 0,
  ) {
    this.pos = start;
  }

  /** A varint as a BigInt (64-bit two's complement preserved). */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw badRequest('protobuf: truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    throw badRequest('protobuf: varint too long');
  }

  length(): number {
    const n = this.varint();
    if (n > BigInt(this.end - this.pos)) throw badRequest('protobuf: length past the end of the message');
    return Number(n);
  }

  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.varint();
        return;
      case 1:
        this.take(8);
        return;
      case 2:
        this.take(this.length());
        return;
      case 5:
        this.take(4);
        return;
      default:
        throw badRequest(`protobuf: unsupported wire type ${wire}`);
    }
  }

  take(n: number): Buffer {
    if (this.pos + n > this.end) throw badRequest('protobuf: truncated field');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

function rfc3339(seconds: number, nanos: number, micro: boolean): string | undefined {
  if (seconds === 0 && nanos === 0) return undefined;
  const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  if (!micro) return `${iso}Z`;
  return `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

function scalarFromVarint(type: string, v: bigint): unknown {
  switch (type) {
    case 'bool':
      return v !== 0n;
    case 'int32':
    case 'enum':
      return Number(BigInt.asIntN(32, v));
    case 'uint32':
      return Number(BigInt.asUintN(32, v));
    case 'int64':
      return Number(BigInt.asIntN(64, v));
    case 'uint64':
      return Number(BigInt.asUintN(64, v));
    case 'sint32':
    case 'sint64': {
      const u = BigInt.asUintN(64, v);
      return Number((u >> 1n) ^ -(u & 1n));
    }
    default:
      throw badRequest(`protobuf: field of type ${type} cannot be a varint`);
  }
}

function decodeMessage(name: string, r: Reader, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw badRequest('protobuf: message nested too deeply');
  const desc = message(name);
  if (!desc) throw badRequest(`protobuf: unknown message ${name}`);
  const out: Record<string, unknown> = {};
  while (r.pos < r.end) {
    const tag = r.varint();
    const num = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    const f = desc.byNumber!.get(num);
    if (!f) {
      r.skip(wire);
      continue;
    }
    const values: unknown[] = [];
    if (wire === 2 && (f.type === 'message' || f.type === 'string' || f.type === 'bytes')) {
      const len = r.length();
      const sub = new Reader(r.buf, r.pos + len, r.pos);
      r.pos += len;
      if (f.type === 'string') values.push(sub.buf.toString('utf8', sub.pos, sub.end));
      else if (f.type === 'bytes') values.push(sub.buf.subarray(sub.pos, sub.end));
      else values.push(convert(f.typeName!, decodeMessage(f.typeName!, sub, depth + 1)));
    } else if (wire === 2) {
      // Packed repeated scalars.
      const len = r.length();
      const sub = new Reader(r.buf, r.pos + len, r.pos);
      r.pos += len;
      while (sub.pos < sub.end) values.push(readScalar(f.type, sub, scalarWire(f.type)));
    } else {
      values.push(readScalar(f.type, r, wire));
    }
    for (const v of values) put(out, f, v);
  }
  return out;
}

function scalarWire(type: string): number {
  if (type === 'double' || type === 'fixed64' || type === 'sfixed64') return 1;
  if (type === 'float' || type === 'fixed32' || type === 'sfixed32') return 5;
  return 0;
}

function readScalar(type: string, r: Reader, wire: number): unknown {
  if (wire === 0) return scalarFromVarint(type, r.varint());
  if (wire === 1) {
    const b = r.take(8);
    if (type === 'double') return b.readDoubleLE(0);
    if (type === 'sfixed64') return Number(b.readBigInt64LE(0));
    return Number(b.readBigUInt64LE(0));
  }
  if (wire === 5) {
    const b = r.take(4);
    if (type === 'float') return b.readFloatLE(0);
    if (type === 'sfixed32') return b.readInt32LE(0);
    return b.readUInt32LE(0);
  }
  throw badRequest(`protobuf: unexpected wire type ${wire} for a ${type} field`);
}

function put(out: Record<string, unknown>, f: FieldDesc, raw: unknown): void {
  const v = Buffer.isBuffer(raw) ? raw.toString('base64') : raw;
  const entryDesc = f.type === 'message' ? message(f.typeName!) : undefined;
  if (entryDesc?.mapEntry) {
    const e = raw as { key?: unknown; value?: unknown };
    const map = (out[f.name] ??= {}) as Record<string, unknown>;
    map[String(e.key ?? '')] = e.value ?? defaultFor(entryDesc.fields.find((x) => x.name === 'value'));
    return;
  }
  if (f.repeated) {
    ((out[f.name] ??= []) as unknown[]).push(v);
    return;
  }
  if (v === undefined || v === '') return;
  out[f.name] = v;
}

function defaultFor(f: FieldDesc | undefined): unknown {
  if (!f) return '';
  if (f.type === 'string' || f.type === 'bytes') return '';
  if (f.type === 'bool') return false;
  if (f.type === 'message') return {};
  return 0;
}

/** Maps messages with a special JSON form; others pass through. */
function convert(typeName: string, m: Record<string, unknown>): unknown {
  switch (typeName) {
    case `${META}.Time`:
      return rfc3339(Number(m.seconds ?? 0), Number(m.nanos ?? 0), false);
    case `${META}.MicroTime`:
      return rfc3339(Number(m.seconds ?? 0), Number(m.nanos ?? 0), true);
    case '.k8s.io.apimachinery.pkg.api.resource.Quantity':
      return m.string ?? '0';
    case '.k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return Number(m.type ?? 0) === 1 ? (m.strVal ?? '') : Number(m.intVal ?? 0);
    case '.k8s.io.apimachinery.pkg.runtime.RawExtension':
    case `${META}.FieldsV1`: {
      const raw = (m.raw ?? m.Raw) as string | undefined;
      if (!raw) return undefined;
      try {
        return JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
      } catch {
        throw badRequest('protobuf: embedded object is not JSON');
      }
    }
    case `${META}.Duration`: {
      const ns = Number(m.duration ?? 0);
      return `${ns / 1e9}s`;
    }
    default:
      return m;
  }
}

/** The protobuf message name of an API kind (`apps/v1` `Deployment` → `.k8s.io.api.apps.v1.Deployment`). */
export function messageNameOf(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  if (group === 'meta.k8s.io' || (kind === 'DeleteOptions' && group === '')) return `${META}.${kind}`;
  return `.k8s.io.api.${group === '' ? 'core' : group.split('.')[0]}.${version}.${kind}`;
}

/** Decodes a `k8s\0`-framed protobuf body into its JSON object (apiVersion and kind set). */
export function decodeProtobufBody(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw badRequest('protobuf: the body does not start with the Kubernetes protobuf prefix');
  }
  const env = decodeMessage('.k8s.io.apimachinery.pkg.runtime.Unknown', new Reader(body, body.length, 4), 0) as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: string;
    contentEncoding?: string;
  };
  if (env.contentEncoding) throw badRequest(`protobuf: unsupported content encoding ${env.contentEncoding}`);
  const apiVersion = env.typeMeta?.apiVersion ?? '';
  const kind = env.typeMeta?.kind ?? '';
  if (!kind) throw badRequest("Object 'Kind' is missing in protobuf body");
  const name = messageNameOf(apiVersion, kind);
  if (!message(name)) {
    throw new ApiError(415, 'UnsupportedMediaType', `protobuf is not supported for ${kind} in ${apiVersion || 'v1'}; send JSON or YAML`);
  }
  const raw = env.raw ? Buffer.from(env.raw, 'base64') : Buffer.alloc(0);
  const obj = decodeMessage(name, new Reader(raw), 0);
  return { apiVersion, kind, ...obj };
}
