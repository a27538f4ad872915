import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as packet from 'dns-packet';
import { DnsMetrics, questionType, rcodeOf } from './metrics.js';

const query = (name: string, type: packet.RecordType) => packet.encode({ type: 'query', id: 7, flags: packet.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] });

test('question type and rcode come from the wire bytes', () => {
  assert.equal(questionType(query('web.default.svc.cluster.local', 'A')), 'A');
  assert.equal(questionType(query('_http._tcp.web.default.svc.cluster.local', 'SRV')), 'SRV');
  assert.equal(questionType(query('x', 'AAAA')), 'AAAA');
  assert.equal(questionType(query('x', 'HINFO')), 'other');
  assert.equal(questionType(Buffer.alloc(5)), 'other');
  const nx = packet.encode({ type: 'response', id: 7, flags: packet.AUTHORITATIVE_ANSWER | 3, questions: [{ name: 'x', type: 'A', class: 'IN' }] }); // rcode 3
  assert.equal(rcodeOf(nx), 'NXDOMAIN');
  const ok = packet.encode({ type: 'response', id: 7, flags: 0, questions: [{ name: 'x', type: 'A', class: 'IN' }] });
  assert.equal(rcodeOf(ok), 'NOERROR');
});

test('requests, responses and durations are counted under CoreDNS names', async () => {
  const m = new DnsMetrics('dns://10.43.0.10:53');
  const reply = packet.encode({ type: 'response', id: 7, flags: 0, questions: [{ name: 'x', type: 'A', class: 'IN' }] });
  m.observe('udp', query('x', 'A'), reply, 0.0004);
  m.observe('tcp', query('x', 'SRV'), reply, 0.002);
  const text = await m.registry.metrics();
  assert.match(text, /^coredns_dns_requests_total\{server="dns:\/\/10.43.0.10:53",zone=".",proto="udp",family="1",type="A"\} 1$/m);
  assert.match(text, /^coredns_dns_requests_total\{[^}]*proto="tcp"[^}]*type="SRV"\} 1$/m);
  assert.match(text, /^coredns_dns_responses_total\{server="dns:\/\/10.43.0.10:53",zone=".",rcode="NOERROR"\} 2$/m);
  assert.match(text, /^coredns_dns_request_duration_seconds_count\{server="dns:\/\/10.43.0.10:53",zone=".",type="A"\} 1$/m);
});
