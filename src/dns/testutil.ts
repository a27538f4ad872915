/** Helpers for the DNS tests and benchmark: encode a query, decode a reply, and exchange over UDP/TCP. */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { DecodedPacket, RecordType } from 'dns-packet';

export type Decoded = DecodedPacket & { rcode: string };

let nextId = 1;
export function query(name: string, type: RecordType | 'ANY', o: { id?: number; edns?: boolean } = {}): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: o.id ?? (nextId = (nextId + 1) & 0xffff),
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: type as RecordType, name }],
    additionals: o.edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
  });
}

export function decode(b: Buffer): Decoded {
  return dnsPacket.decode(b) as Decoded;
}

/** One UDP round trip to host:port (rejects after timeoutMs). */
export function udpQuery(q: Buffer, port: number, host = '127.0.0.1', timeoutMs = 2000): Promise<Decoded> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      reject(new Error('UDP DNS timeout'));
    }, timeoutMs);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(decode(m));
    });
    s.send(q, port, host);
  });
}

/** One TCP round trip (length-prefixed) to host:port. */
export function tcpQuery(q: Buffer, port: number, host = '127.0.0.1', timeoutMs = 2000): Promise<Decoded> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let buf = Buffer.alloc(0);
    const t = setTimeout(() => {
      sock.destroy();
      reject(new Error('TCP DNS timeout'));
    }, timeoutMs);
    sock.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(t);
        sock.destroy();
        resolve(decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      }
    });
    const frame = Buffer.alloc(2 + q.length);
    frame.writeUInt16BE(q.length, 0);
    q.copy(frame, 2);
    sock.write(frame);
  });
}
