/**
 * Finds duplicate keys in a JSON document (which JSON.parse silently resolves to the last one),
 * for field validation: Strict refuses them, Warn reports them. Paths are dotted like unknown
 * fields (`spec.replicas`, `spec.containers[0].name`). Assumes `text` is valid JSON.
 */
export function duplicateFields(text: string): string[] {
  type Frame = { kind: 'object'; keys: Set<string>; key: string | undefined; path: string } | { kind: 'array'; index: number; path: string };
  const out: string[] = [];
  const stack: Frame[] = [];
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (top.kind === 'array') return `${top.path}[${top.index}]`;
    return top.path ? `${top.path}.${top.key}` : (top.key ?? '');
  };
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      let s = '';
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\') {
          j++;
          s += text[j] === 'u' ? String.fromCharCode(parseInt(text.slice(j + 1, j + 5), 16)) : text[j];
          if (text[j] === 'u') j += 4;
        } else s += text[j];
      }
      i = j;
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'object') {
        const path = top.path ? `${top.path}.${s}` : s;
        if (top.keys.has(s)) out.push(path);
        top.keys.add(s);
        top.key = s;
        expectKey = false;
      }
      continue;
    }
    if (ch === '{') {
      stack.push({ kind: 'object', keys: new Set(), key: undefined, path: childPath() });
      expectKey = true;
    } else if (ch === '[') {
      stack.push({ kind: 'array', index: 0, path: childPath() });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.index++;
      else expectKey = true;
    }
  }
  return out;
}
