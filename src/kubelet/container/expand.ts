/**
 * `$(VAR)` expansion as upstream (third_party/forked/golang/expansion).
 *
 * Contract: `$(NAME)` becomes the value of NAME when defined and stays as written otherwise;
 * `$$` is an escaped `$`; a `$` not followed by `(` or `$`, and an unclosed `$(`, stay as written.
 */

/** Expands `input` against the maps in order (the first map defining a name wins). */
export function expand(input: string, ...maps: ReadonlyMap<string, string>[]): string {
  const lookup = (name: string): string => {
    for (const m of maps) {
      const v = m.get(name);
      if (v !== undefined) return v;
    }
    return `$(${name})`;
  };
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    if (next === '$') {
      out += '$';
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close >= 0) {
        out += lookup(input.slice(cursor + 2, close));
        cursor = close - 1;
      } else {
        out += '$(';
      }
    } else {
      out += '$' + next;
    }
    cursor += 1;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}
