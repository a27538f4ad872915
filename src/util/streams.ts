/** Stream plumbing shared by the API server's proxies and the kubelet's relays. */
import type { Duplex } from 'node:stream';

/** Pipes `a` and `b` both ways; when one closes or fails, both are closed. */
export function splice(a: Duplex, b: Duplex): void {
  const kill = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', kill);
  b.on('error', kill);
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
  a.pipe(b);
  b.pipe(a);
}
