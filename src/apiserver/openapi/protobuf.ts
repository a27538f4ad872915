/**
 * Encodes a swagger 2.0 document as the gnostic `openapi.v2.Document` protobuf message, the form
 * kubectl and Helm (client-go's DiscoveryClient.OpenAPISchema) request from /openapi/v2 with
 * `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and accept exclusively.
 *
 * Field numbers are those of gnostic's openapiv2/OpenAPIv2.proto. Maps become repeated Named*
 * (name, value) pairs in the JSON key order; vendor extensions (x-*), `default`, `enum` and `example`
 * values become `Any{yaml}` carrying the value as JSON text (a JSON document is valid YAML, and
 * kube-openapi reads these with a YAML parser).
 */

type J = { [key: string]: unknown };

/** Append-only protobuf writer. Nested messages are encoded into their own writer and copied in. */
class Writer {
  private chunks: Buffer[] = [];
  private cur: number[] = [];
  private size = 0;

  private flush(): void {
    if (this.cur.length > 0) {
      this.chunks.push(Buffer.from(this.cur));
      this.size += this.cur.length;
      this.cur = [];
    }
  }

  private varint(n: number): void {
    // Non-negative integers up to 2^53 only (lengths, field tags, int64 limits, booleans).
    let v = n;
    while (v >= 0x80) {
      this.cur.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.cur.push(v);
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  private bytes(field: number, b: Buffer): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.flush();
    this.chunks.push(b);
    this.size += b.length;
  }

  string(field: number, s: unknown): void {
    if (typeof s !== 'string' || s === '') return;
    this.bytes(field, Buffer.from(s, 'utf8'));
  }

  strings(field: number, list: unknown): void {
    if (typeof list === 'string') return this.string(field, list);
    if (!Array.isArray(list)) return;
    for (const s of list) if (typeof s === 'string') this.bytes(field, Buffer.from(s, 'utf8'));
  }

  bool(field: number, b: unknown): void {
    if (b !== true) return;
    this.tag(field, 0);
    this.varint(1);
  }

  int64(field: number, n: unknown): void {
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) return;
    this.tag(field, 0);
    this.varint(n);
  }

  double(field: number, n: unknown): void {
    if (typeof n !== 'number' || n === 0) return;
    this.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(n);
    this.cur.push(...b);
  }

  message(field: number, encode: (w: Writer) => void): void {
    const sub = new Writer();
    encode(sub);
    this.bytes(field, sub.finish());
  }

  finish(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks, this.size);
  }
}

const isObj = (v: unknown): v is J => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Any { string yaml = 2 } */
function any(w: Writer, field: number, value: unknown): void {
  w.message(field, (a) => a.string(2, JSON.stringify(value)));
}

/** repeated NamedAny vendor_extension: every x-* key of `o`. */
function vendorExtensions(w: Writer, field: number, o: J): void {
  for (const [k, v] of Object.entries(o)) {
    if (!k.startsWith('x-')) continue;
    w.message(field, (na) => {
      na.string(1, k);
      any(na, 2, v);
    });
  }
}

function schema(w: Writer, s: J): void {
  w.string(1, s.$ref);
  w.string(2, s.format);
  w.string(3, s.title);
  w.string(4, s.description);
  if (s.default !== undefined) any(w, 5, s.default);
  w.double(6, s.multipleOf);
  w.double(7, s.maximum);
  w.bool(8, s.exclusiveMaximum);
  w.double(9, s.minimum);
  w.bool(10, s.exclusiveMinimum);
  w.int64(11, s.maxLength);
  w.int64(12, s.minLength);
  w.string(13, s.pattern);
  w.int64(14, s.maxItems);
  w.int64(15, s.minItems);
  w.bool(16, s.uniqueItems);
  w.int64(17, s.maxProperties);
  w.int64(18, s.minProperties);
  w.strings(19, s.required);
  if (Array.isArray(s.enum)) for (const e of s.enum) any(w, 20, e);
  const ap = s.additionalProperties;
  if (isObj(ap)) w.message(21, (m) => m.message(1, (x) => schema(x, ap)));
  else if (typeof ap === 'boolean') w.message(21, (m) => { if (ap) m.bool(2, true); });
  if (s.type !== undefined) w.message(22, (t) => t.strings(1, Array.isArray(s.type) ? s.type : [s.type]));
  const items = s.items;
  if (isObj(items)) w.message(23, (m) => m.message(1, (x) => schema(x, items)));
  else if (Array.isArray(items)) w.message(23, (m) => { for (const it of items) if (isObj(it)) m.message(1, (x) => schema(x, it)); });
  if (Array.isArray(s.allOf)) for (const sub of s.allOf) if (isObj(sub)) w.message(24, (x) => schema(x, sub));
  const props = s.properties;
  if (isObj(props)) {
    w.message(25, (m) => {
      for (const [name, ps] of Object.entries(props)) {
        if (!isObj(ps)) continue;
        m.message(1, (ns) => {
          ns.string(1, name);
          ns.message(2, (x) => schema(x, ps));
        });
      }
    });
  }
  w.string(26, s.discriminator);
  w.bool(27, s.readOnly);
  if (s.example !== undefined) any(w, 30, s.example);
  vendorExtensions(w, 31, s);
}

/** Query/path/header parameter sub-schemas share this layout from field 1 to 4; the rest is offset. */
function nonBodyParameter(w: Writer, p: J): void {
  const where = p.in;
  if (where === 'query' || where === 'formData') {
    // QueryParameterSubSchema / FormDataParameterSubSchema: allow_empty_value = 5, then type = 6 ...
    w.message(where === 'query' ? 3 : 2, (m) => {
      m.bool(1, p.required);
      m.string(2, p.in);
      m.string(3, p.description);
      m.string(4, p.name);
      m.bool(5, p.allowEmptyValue);
      m.string(6, p.type);
      m.string(7, p.format);
      m.string(9, p.collectionFormat);
      if (p.default !== undefined) any(m, 10, p.default);
      m.bool(20, p.uniqueItems);
      if (Array.isArray(p.enum)) for (const e of p.enum) any(m, 21, e);
      vendorExtensions(m, 23, p);
    });
  } else {
    // HeaderParameterSubSchema (1) / PathParameterSubSchema (4): type = 5 ...
    w.message(where === 'header' ? 1 : 4, (m) => {
      m.bool(1, p.required);
      m.string(2, p.in);
      m.string(3, p.description);
      m.string(4, p.name);
      m.string(5, p.type);
      m.string(6, p.format);
      m.string(8, p.collectionFormat);
      if (p.default !== undefined) any(m, 9, p.default);
      m.bool(19, p.uniqueItems);
      if (Array.isArray(p.enum)) for (const e of p.enum) any(m, 20, e);
      vendorExtensions(m, 22, p);
    });
  }
}

/** Parameter { oneof: BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2 } */
function parameter(w: Writer, p: J): void {
  if (p.in === 'body') {
    w.message(1, (b) => {
      b.string(1, p.description);
      b.string(2, p.name);
      b.string(3, p.in);
      b.bool(4, p.required);
      if (isObj(p.schema)) b.message(5, (x) => schema(x, p.schema as J));
      vendorExtensions(b, 6, p);
    });
  } else {
    w.message(2, (nb) => nonBodyParameter(nb, p));
  }
}

/** ParametersItem { oneof: Parameter parameter = 1; JsonReference json_reference = 2 } */
function parametersItem(w: Writer, field: number, p: J): void {
  w.message(field, (pi) => {
    if (typeof p.$ref === 'string') {
      pi.message(2, (r) => {
        r.string(1, p.$ref);
        r.string(2, p.description);
      });
    } else {
      pi.message(1, (x) => parameter(x, p));
    }
  });
}

function responses(w: Writer, rs: J): void {
  for (const [code, r] of Object.entries(rs)) {
    if (!isObj(r)) continue;
    if (code.startsWith('x-')) continue;
    w.message(1, (nr) => {
      nr.string(1, code);
      nr.message(2, (rv) => {
        if (typeof r.$ref === 'string') {
          rv.message(2, (ref) => ref.string(1, r.$ref));
          return;
        }
        rv.message(1, (resp) => {
          resp.string(1, r.description);
          if (isObj(r.schema)) resp.message(2, (si) => si.message(1, (x) => schema(x, r.schema as J)));
          vendorExtensions(resp, 5, r);
        });
      });
    });
  }
  vendorExtensions(w, 2, rs);
}

function operation(w: Writer, op: J): void {
  w.strings(1, op.tags);
  w.string(2, op.summary);
  w.string(3, op.description);
  w.string(5, op.operationId);
  w.strings(6, op.produces);
  w.strings(7, op.consumes);
  if (Array.isArray(op.parameters)) for (const p of op.parameters) if (isObj(p)) parametersItem(w, 8, p);
  if (isObj(op.responses)) w.message(9, (r) => responses(r, op.responses as J));
  w.strings(10, op.schemes);
  w.bool(11, op.deprecated);
  vendorExtensions(w, 13, op);
}

const METHOD_FIELDS: Array<[string, number]> = [
  ['get', 2],
  ['put', 3],
  ['post', 4],
  ['delete', 5],
  ['options', 6],
  ['head', 7],
  ['patch', 8],
];

function pathItem(w: Writer, item: J): void {
  w.string(1, item.$ref);
  for (const [method, field] of METHOD_FIELDS) {
    const op = item[method];
    if (isObj(op)) w.message(field, (o) => operation(o, op));
  }
  if (Array.isArray(item.parameters)) for (const p of item.parameters) if (isObj(p)) parametersItem(w, 9, p);
  vendorExtensions(w, 10, item);
}

/** The protobuf encoding (gnostic openapi.v2.Document) of a swagger 2.0 JSON document. */
export function encodeOpenApiV2(doc: J): Buffer {
  const w = new Writer();
  w.string(1, doc.swagger);
  if (isObj(doc.info)) {
    const info = doc.info;
    w.message(2, (i) => {
      i.string(1, info.title);
      i.string(2, info.version);
      i.string(3, info.description);
      vendorExtensions(i, 7, info);
    });
  }
  w.string(3, doc.host);
  w.string(4, doc.basePath);
  w.strings(5, doc.schemes);
  w.strings(6, doc.consumes);
  w.strings(7, doc.produces);
  if (isObj(doc.paths)) {
    const paths = doc.paths;
    w.message(8, (ps) => {
      vendorExtensions(ps, 1, paths);
      for (const [path, item] of Object.entries(paths)) {
        if (path.startsWith('x-') || !isObj(item)) continue;
        ps.message(2, (np) => {
          np.string(1, path);
          np.message(2, (x) => pathItem(x, item));
        });
      }
    });
  }
  if (isObj(doc.definitions)) {
    const defs = doc.definitions;
    w.message(9, (d) => {
      for (const [name, s] of Object.entries(defs)) {
        if (!isObj(s)) continue;
        d.message(1, (ns) => {
          ns.string(1, name);
          ns.message(2, (x) => schema(x, s));
        });
      }
    });
  }
  if (isObj(doc.parameters)) {
    const params = doc.parameters;
    w.message(10, (pd) => {
      for (const [name, p] of Object.entries(params)) {
        if (!isObj(p)) continue;
        pd.message(1, (np) => {
          np.string(1, name);
          np.message(2, (x) => parameter(x, p));
        });
      }
    });
  }
  if (Array.isArray(doc.security)) {
    for (const req of doc.security) {
      if (!isObj(req)) continue;
      w.message(12, (sr) => {
        for (const [name, scopes] of Object.entries(req)) {
          sr.message(1, (nsa) => {
            nsa.string(1, name);
            nsa.message(2, (sa) => sa.strings(1, scopes));
          });
        }
      });
    }
  }
  if (isObj(doc.securityDefinitions)) {
    const sd = doc.securityDefinitions;
    w.message(13, (m) => {
      for (const [name, def] of Object.entries(sd)) {
        if (!isObj(def) || def.type !== 'apiKey') continue;
        m.message(1, (nsd) => {
          nsd.string(1, name);
          // SecurityDefinitionsItem.api_key_security = 2: ApiKeySecurity { type, name, in, description }
          nsd.message(2, (item) =>
            item.message(2, (k) => {
              k.string(1, def.type);
              k.string(2, def.name);
              k.string(3, def.in);
              k.string(4, def.description);
            }),
          );
        });
      }
    });
  }
  vendorExtensions(w, 16, doc);
  return w.finish();
}
