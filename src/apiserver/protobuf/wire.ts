/**
 * Protocol buffers wire format (https://protobuf.dev/programming-guides/encoding/): a bounds-checked
 * reader and a writer. Wire types: 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit; groups (3, 4)
 * are not supported. Every malformed input makes the reader throw a WireError; it never reads past
 * the end of its window and never allocates more than the input's size.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** Malformed protobuf input. The message mirrors gogo/protobuf's error texts where one exists. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

const MAX_FIELD_NUMBER = 0x1fffffff;

/** Reads fields from `buf[start, end)`. */
export class WireReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    if (start < 0 || end > buf.length || start > end) throw new WireError('proto: invalid window');
    this.pos = start;
  }

  /** True when every byte of the window has been consumed. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const v = this.length53();
    const wire = v % 8;
    const field = Math.floor(v / 8);
    if (field <= 0 || field > MAX_FIELD_NUMBER) throw new WireError(`proto: illegal tag ${field} (wire type ${wire})`);
    if (wire === 3 || wire === 4) throw new WireError(`proto: group wire types are not supported (field ${field})`);
    if (wire !== WIRE_VARINT && wire !== WIRE_FIXED64 && wire !== WIRE_LEN && wire !== WIRE_FIXED32) {
      throw new WireError(`proto: illegal wireType ${wire}`);
    }
    return { field, wire };
  }

  /** A varint as a number; values above 2^53 (never valid tags or lengths here) saturate to Infinity. */
  private length53(): number {
    if (this.pos < this.end) {
      const b = this.buf[this.pos];
      if (b < 0x80) {
        this.pos++;
        return b;
      }
    }
    const v = this.varint();
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v);
  }

  /** An unsigned varint of at most 10 bytes, as a 64-bit unsigned BigInt. */
  varint(): bigint {
    // Fast path: up to 4 bytes fit in a small integer.
    let low = 0;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.end) throw new WireError('unexpected EOF');
      const b = this.buf[this.pos++];
      low |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return BigInt(low >>> 0);
    }
    let result = BigInt(low >>> 0);
    let shift = 28n;
    for (let i = 4; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('unexpected EOF');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new WireError('proto: integer overflow');
  }

  /** Eight little-endian bytes. */
  fixed64(): Uint8Array {
    return this.take(8);
  }

  /** Four little-endian bytes. */
  fixed32(): Uint8Array {
    return this.take(4);
  }

  /** A length-delimited payload (a view, not a copy). */
  bytes(): Uint8Array {
    const n = this.length53();
    if (n > this.end - this.pos) throw new WireError('unexpected EOF');
    return this.take(n);
  }

  /** A reader over the next length-delimited payload; the payload is consumed from this reader. */
  sub(): WireReader {
    const n = this.length53();
    if (n > this.end - this.pos) throw new WireError('unexpected EOF');
    const start = this.pos;
    this.pos += n;
    return new WireReader(this.buf, start, this.pos);
  }

  /** Skips a field's payload of the given wire type. */
  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.take(8);
        return;
      case WIRE_LEN:
        this.bytes();
        return;
      case WIRE_FIXED32:
        this.take(4);
        return;
      default:
        throw new WireError(`proto: illegal wireType ${wire}`);
    }
  }

  private take(n: number): Uint8Array {
    if (n > this.end - this.pos) throw new WireError('unexpected EOF');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Appends fields; `finish()` returns the bytes written. */
export class WireWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];

  /** Writes a field key. */
  tag(field: number, wire: number): this {
    if (!Number.isInteger(field) || field <= 0 || field > MAX_FIELD_NUMBER) throw new WireError(`proto: illegal field number ${field}`);
    return this.varint(BigInt(field) * 8n + BigInt(wire));
  }

  /** Writes a varint; negative values are written as 64-bit two's complement (10 bytes). */
  varint(value: bigint | number): this {
    let v = BigInt.asUintN(64, typeof value === 'bigint' ? value : BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
    return this;
  }

  /** Writes a little-endian IEEE-754 double (the payload of a wire type 1 field). */
  double(value: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value, 0);
    return this.raw(b);
  }

  /** Writes a length prefix and the payload. */
  bytes(payload: Uint8Array): this {
    this.varint(payload.length);
    return this.raw(payload);
  }

  /** Writes bytes as they are. */
  raw(payload: Uint8Array): this {
    this.flush();
    this.chunks.push(payload);
    return this;
  }

  finish(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks);
  }

  private flush(): void {
    if (this.scratch.length) {
      this.chunks.push(Uint8Array.from(this.scratch));
      this.scratch = [];
    }
  }
}
