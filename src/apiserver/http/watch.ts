/**
 * Watch streaming: a chunked JSON stream of `{"type":…,"object":…}` lines fed by the watch cache.
 * Too-old resource versions become an ERROR event carrying a 410 Expired Status (what client-go's
 * reflectors expect); bookmarks go out when asked for; the stream ends at `timeoutSeconds`
 * (default: a random time between 30 and 60 minutes, as upstream) or when the client leaves.
 * A consumer that falls more than 16 MiB behind is disconnected.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceInfo } from '../../api/resources.js';
import { apiVersionOf } from '../../api/resources.js';
import { ApiError, internalError } from '../../machinery/errors.js';
import type { CachedObject, WatchEventType } from '../registry/cacher.js';
import type { RegistryStore } from '../registry/store.js';
import type { Representation } from './negotiation.js';
import type { RequestQuery } from './query.js';

const MAX_BACKLOG = 16 * 1024 * 1024;
const BOOKMARK_EVERY_MS = 30_000;

export interface WatchParams {
  req: IncomingMessage;
  res: ServerResponse;
  signal: AbortSignal;
  registry: RegistryStore;
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  matches: (o: CachedObject) => boolean;
  query: RequestQuery;
  rep: Representation;
  encode: (type: WatchEventType, o: CachedObject) => string;
  /** Identifies the representation `encode` produces; equal keys give equal bytes. */
  representationKey: string;
}

/**
 * The encoded line of the event being fanned out. The cache delivers one event to all its
 * watchers synchronously, so a single-entry memo serializes it once per representation.
 */
let lastLine: { o: CachedObject; type: WatchEventType; key: string; buf: Buffer } | undefined;

function eventLine(o: CachedObject, type: WatchEventType, key: string, encode: () => string): Buffer {
  if (lastLine && lastLine.o === o && lastLine.type === type && lastLine.key === key) return lastLine.buf;
  const buf = Buffer.from(`{"type":"${type}","object":${encode()}}\n`);
  lastLine = { o, type, key, buf };
  return buf;
}

export async function watchStream(p: WatchParams): Promise<void> {
  const { res, query: q } = p;
  let ended = false;
  let stop: (() => void) | undefined;
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    if (ended) return;
    ended = true;
    stop?.();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  const write = (line: string | Buffer): boolean => {
    if (ended) return false;
    res.write(line);
    if (res.writableLength > MAX_BACKLOG) {
      finish();
      return false;
    }
    return true;
  };
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  const name = p.name;
  const matches = name ? (o: CachedObject) => o.name === name && p.matches(o) : p.matches;
  let lastRv = 0;
  const bookmark = (rv: number, initialEnd = false) => {
    const meta: Record<string, unknown> = { resourceVersion: String(rv) };
    if (initialEnd) meta.annotations = { 'k8s.io/initial-events-end': 'true' };
    write(`{"type":"BOOKMARK","object":${JSON.stringify({ kind: p.info.kind, apiVersion: apiVersionOf(p.info), metadata: meta })}}\n`);
  };
  const sink = {
    event: (type: WatchEventType, o: CachedObject): boolean => {
      if (ended) return false;
      lastRv = Math.max(lastRv, o.rv);
      return write(eventLine(o, type, p.representationKey, () => p.encode(type, o)));
    },
    progress: (rv: number) => {
      if (q.allowWatchBookmarks && rv > lastRv) {
        lastRv = rv;
        bookmark(rv);
      }
    },
    close: () => finish(),
  };
  p.signal.addEventListener('abort', finish, { once: true });
  res.on('close', finish);
  const initial = q.sendInitialEvents === true;
  try {
    const w = await p.registry.watch(p.namespace, { matches }, q.resourceVersion, initial, sink);
    stop = w.stop;
    if (ended) {
      w.stop();
      return;
    }
    lastRv = Math.max(lastRv, w.startRv);
    if (initial && q.allowWatchBookmarks) bookmark(w.startRv, true);
  } catch (err) {
    const e = err instanceof ApiError ? err : internalError(String(err));
    write(`{"type":"ERROR","object":${JSON.stringify(e.toStatus())}}\n`);
    finish();
    return;
  }
  const timeoutMs = q.timeoutSeconds !== undefined && q.timeoutSeconds > 0 ? q.timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
  // Before a timeout closes the stream, a bookmark tells the client where to resume.
  timers.push(
    setTimeout(() => {
      if (q.allowWatchBookmarks && !ended) bookmark(Math.max(lastRv, p.registry.cacher.rv));
      finish();
    }, timeoutMs),
  );
  if (q.allowWatchBookmarks) {
    const tick = () => {
      if (ended) return;
      const rv = p.registry.cacher.rv;
      if (rv > lastRv) {
        lastRv = rv;
        bookmark(rv);
      }
      timers.push(setTimeout(tick, BOOKMARK_EVERY_MS));
    };
    timers.push(setTimeout(tick, BOOKMARK_EVERY_MS));
  }
}
