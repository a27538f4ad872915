/**
 * Key helpers shared by the backends. Keys are compared in UTF-8 byte order, which equals Unicode
 * code point order (and differs from JavaScript's UTF-16 `<` only for characters above U+FFFF).
 */

/** Orders keys by code point, i.e. by their UTF-8 bytes, like etcd and SQLite's BINARY collation. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800..U+DFFF) encode code points above U+FFFF, which sort after U+E000..U+FFFF.
    if (x >= 0xd800 && x <= 0xdfff && y >= 0xe000) return 1;
    if (y >= 0xd800 && y <= 0xdfff && x >= 0xe000) return -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The smallest string greater than every string that starts with `prefix`, in code point order;
 * undefined when there is none (empty prefix, or a prefix made only of U+10FFFF).
 */
export function prefixEnd(prefix: string): string | undefined {
  const cps = Array.from(prefix);
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return cps.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** The byte-wise etcd range end for a prefix: the prefix with its last byte below 0xff incremented. */
export function prefixEndBytes(prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  // Every byte is 0xff (or the prefix is empty): "\0" means "to the end of the keyspace" to etcd.
  return Uint8Array.of(0);
}
