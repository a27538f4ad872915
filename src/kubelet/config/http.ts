/**
 * The manifest-URL pod source (upstream pkg/kubelet/config/http.go): static pods from a URL
 * polled periodically.
 */
import type { Logger } from '../../util/logger.js';
import { DEFAULT_SOURCE_PERIOD_MS } from './file.js';
import { PodSet, type SourceUpdate } from './podset.js';
import { MAX_MANIFEST_BYTES, staticPodsFromText } from './staticpod.js';

/** Upstream's HTTP client timeout for the manifest URL. */
const FETCH_TIMEOUT_MS = 10_000;

export interface HttpSourceOptions {
  url: string;
  /** Sent with every request (upstream --manifest-url-header). */
  headers?: Record<string, string>;
  /** Poll period; 0 or less means DEFAULT_SOURCE_PERIOD_MS. */
  periodMs: number;
  nodeName: string;
  onUpdate(u: SourceUpdate): void;
  log: Logger;
  signal: AbortSignal;
}

async function readLimited(body: ReadableStream<Uint8Array> | null, max: number): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new Error(`response is larger than ${max} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/**
 * Starts the URL source: GETs `url` now and every `periodMs`. A 200 answer whose body is a Pod or
 * PodList/List (JSON or YAML, one or more documents) replaces the source's set; an empty 200 body
 * means no pods. A failed request, a non-200 status or a body that does not decode is logged and
 * keeps the last set. `onUpdate` is called after the first good answer and whenever the set changes.
 * Stops when `signal` aborts; no update is delivered after that.
 */
export function startHttpSource(o: HttpSourceOptions): void {
  const period = o.periodMs > 0 ? o.periodMs : DEFAULT_SOURCE_PERIOD_MS;
  const set = new PodSet(o.log);
  let lastBody: Buffer | undefined;
  let timer: NodeJS.Timeout | undefined;

  const poll = async (): Promise<void> => {
    let body: Buffer;
    try {
      const res = await fetch(o.url, {
        headers: o.headers ?? {},
        signal: AbortSignal.any([o.signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]),
        redirect: 'follow',
      });
      body = await readLimited(res.body, MAX_MANIFEST_BYTES);
      if (res.status !== 200) throw new Error(`${o.url}: ${res.status} ${res.statusText}`);
    } catch (err) {
      if (!o.signal.aborted) o.log.warn({ url: o.url, err: (err as Error).message }, 'failed to read pods from URL');
      return;
    }
    if (o.signal.aborted) return;
    if (lastBody && lastBody.equals(body)) return;
    lastBody = body;
    let pods;
    try {
      pods = body.length === 0 ? [] : staticPodsFromText(body.toString('utf8'), 'http', o.nodeName, o.url);
    } catch (err) {
      o.log.warn({ url: o.url, err: (err as Error).message }, 'could not decode pods from URL');
      return;
    }
    const changed = set.next(pods);
    if (changed) o.onUpdate({ source: 'http', pods: changed });
  };

  const tick = () => {
    void poll().finally(() => {
      if (!o.signal.aborted) timer = setTimeout(tick, period);
    });
  };
  o.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  if (!o.signal.aborted) tick();
}
