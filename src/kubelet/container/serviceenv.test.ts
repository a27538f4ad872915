import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envVarNameFor, serviceEnvironment, serviceEnvVars } from './serviceenv.js';
import type { Service } from '../types.js';

function svc(name: string, namespace: string, clusterIP: string, port: number, protocol = 'TCP'): Service {
  return { metadata: { name, namespace }, spec: { clusterIP, ports: [{ port, protocol }] } };
}

// The service list of upstream's TestMakeEnvironmentVariables.
const services: Service[] = [
  svc('kubernetes', 'default', '1.2.3.1', 8081),
  svc('test', 'test1', '1.2.3.3', 8083),
  svc('kubernetes', 'test2', '1.2.3.4', 8084),
  svc('test', 'test2', '1.2.3.5', 8085),
  svc('test', 'test2', 'None', 8085),
  svc('test', 'test2', '', 8085),
  svc('not-special', 'default', '1.2.3.8', 8088),
  svc('not-special', 'default', 'None', 8088),
  svc('not-special', 'default', '', 8088),
];

function links(prefix: string, ip: string, port: number): Record<string, string> {
  return {
    [`${prefix}_SERVICE_HOST`]: ip,
    [`${prefix}_SERVICE_PORT`]: String(port),
    [`${prefix}_PORT`]: `tcp://${ip}:${port}`,
    [`${prefix}_PORT_${port}_TCP`]: `tcp://${ip}:${port}`,
    [`${prefix}_PORT_${port}_TCP_PROTO`]: 'tcp',
    [`${prefix}_PORT_${port}_TCP_PORT`]: String(port),
    [`${prefix}_PORT_${port}_TCP_ADDR`]: ip,
  };
}

const asObject = (l: { name: string; value: string }[]) => Object.fromEntries(l.map((e) => [e.name, e.value]));

test('serviceEnvironment: links disabled gives only the master service', () => {
  assert.deepEqual(asObject(serviceEnvironment(services, 'test1', false)), links('KUBERNETES', '1.2.3.1', 8081));
  assert.deepEqual(asObject(serviceEnvironment(services, 'test2', false)), links('KUBERNETES', '1.2.3.1', 8081));
  assert.deepEqual(asObject(serviceEnvironment(services, 'default', false)), links('KUBERNETES', '1.2.3.1', 8081));
});

test('serviceEnvironment: links enabled (the default) add the namespace services', () => {
  assert.deepEqual(asObject(serviceEnvironment(services, 'test1')), { ...links('TEST', '1.2.3.3', 8083), ...links('KUBERNETES', '1.2.3.1', 8081) });
  assert.deepEqual(asObject(serviceEnvironment(services, 'default', true)), {
    ...links('NOT_SPECIAL', '1.2.3.8', 8088),
    ...links('KUBERNETES', '1.2.3.1', 8081),
  });
});

test('serviceEnvironment: a namespace service named kubernetes replaces the master one', () => {
  assert.deepEqual(asObject(serviceEnvironment(services, 'test2', true)), { ...links('TEST', '1.2.3.5', 8085), ...links('KUBERNETES', '1.2.3.4', 8084) });
});

test('serviceEnvironment: master namespace is configurable and order is deterministic', () => {
  assert.deepEqual(asObject(serviceEnvironment(services, 'other', false, 'test2')), links('KUBERNETES', '1.2.3.4', 8084));
  const a = serviceEnvironment(services, 'default', true);
  const b = serviceEnvironment([...services].reverse(), 'default', true);
  assert.deepEqual(a, b);
  assert.equal(a[0]!.name, 'KUBERNETES_SERVICE_HOST');
  assert.equal(new Set(a.map((e) => e.name)).size, a.length);
});

test('serviceEnvVars: named ports, protocols and IPv6 (upstream envvars FromServices)', () => {
  const s: Service = {
    metadata: { name: 'super-ipv6', namespace: 'x' },
    spec: {
      clusterIP: '2001:db8::1',
      ports: [
        { name: 'u-d-p', port: 8084, protocol: 'UDP' },
        { name: 't-c-p', port: 8084, protocol: 'TCP' },
        { port: 9000 },
      ],
    },
  };
  assert.deepEqual(serviceEnvVars(s), [
    { name: 'SUPER_IPV6_SERVICE_HOST', value: '2001:db8::1' },
    { name: 'SUPER_IPV6_SERVICE_PORT', value: '8084' },
    { name: 'SUPER_IPV6_SERVICE_PORT_U_D_P', value: '8084' },
    { name: 'SUPER_IPV6_SERVICE_PORT_T_C_P', value: '8084' },
    { name: 'SUPER_IPV6_PORT', value: 'udp://[2001:db8::1]:8084' },
    { name: 'SUPER_IPV6_PORT_8084_UDP', value: 'udp://[2001:db8::1]:8084' },
    { name: 'SUPER_IPV6_PORT_8084_UDP_PROTO', value: 'udp' },
    { name: 'SUPER_IPV6_PORT_8084_UDP_PORT', value: '8084' },
    { name: 'SUPER_IPV6_PORT_8084_UDP_ADDR', value: '2001:db8::1' },
    { name: 'SUPER_IPV6_PORT_8084_TCP', value: 'tcp://[2001:db8::1]:8084' },
    { name: 'SUPER_IPV6_PORT_8084_TCP_PROTO', value: 'tcp' },
    { name: 'SUPER_IPV6_PORT_8084_TCP_PORT', value: '8084' },
    { name: 'SUPER_IPV6_PORT_8084_TCP_ADDR', value: '2001:db8::1' },
    { name: 'SUPER_IPV6_PORT_9000_TCP', value: 'tcp://[2001:db8::1]:9000' },
    { name: 'SUPER_IPV6_PORT_9000_TCP_PROTO', value: 'tcp' },
    { name: 'SUPER_IPV6_PORT_9000_TCP_PORT', value: '9000' },
    { name: 'SUPER_IPV6_PORT_9000_TCP_ADDR', value: '2001:db8::1' },
  ]);
  assert.deepEqual(serviceEnvVars(svc('headless', 'x', 'None', 80)), []);
  assert.deepEqual(serviceEnvVars({ metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } }), []);
  assert.equal(envVarNameFor('my-svc-1'), 'MY_SVC_1');
});
