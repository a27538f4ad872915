import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESOURCES } from './resources.js';
import { defaultPrinter, printerFor } from './printers.js';
import { CREATION_TIMESTAMP_DESCRIPTION, NAME_DESCRIPTION } from './core/v1/printers.js';

const NOW = new Date('2024-05-01T12:00:00Z');

/** Resources upstream prints with the default table convertor. */
const DEFAULT_PRINTED = new Set(['/bindings', '/limitranges']);

describe('printerFor', () => {
  it('has a printer for every served resource upstream prints', () => {
    for (const r of RESOURCES) {
      const key = `${r.group}/${r.resource}`;
      const p = printerFor(r.group, r.resource);
      if (DEFAULT_PRINTED.has(key)) {
        assert.equal(p, undefined, key);
      } else {
        assert.ok(p, `printer for ${key}`);
      }
    }
  });

  it('returns undefined for unknown resources', () => {
    assert.equal(printerFor('', 'widgets'), undefined);
    assert.equal(printerFor('example.com', 'pods'), undefined);
    assert.equal(printerFor('', 'constructor'), undefined);
    assert.equal(printerFor('toString', 'x'), undefined);
  });

  it('every printer has well-formed columns and survives an almost empty object', () => {
    for (const r of RESOURCES) {
      const p = printerFor(r.group, r.resource);
      if (!p) continue;
      const key = `${r.group}/${r.resource}`;
      for (const c of p.columns) {
        assert.ok(c.priority === 0 || c.priority === 1, key);
        assert.ok(c.name.length > 0 && c.description.length > 0, key);
      }
      const nameCols = p.columns.filter((c) => c.format === 'name');
      assert.equal(nameCols.length, 1, `${key} has one name column`);
      assert.equal(nameCols[0]!.name, 'Name');
      assert.equal(nameCols[0]!.description, NAME_DESCRIPTION);
      const cells = p.cells({ metadata: { name: 'x' } }, NOW);
      assert.equal(cells.length, p.columns.length, key);
      for (const cell of cells) assert.ok(['string', 'number', 'boolean'].includes(typeof cell), `${key}: ${String(cell)}`);
    }
  });

  it('prints the same for core and events.k8s.io events', () => {
    assert.deepEqual(printerFor('events.k8s.io', 'events')!.columns, printerFor('', 'events')!.columns);
  });
});

describe('defaultPrinter', () => {
  it('has upstream default columns', () => {
    assert.deepEqual(defaultPrinter.columns, [
      { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
      { name: 'Created At', type: 'date', description: CREATION_TIMESTAMP_DESCRIPTION, priority: 0 },
    ]);
  });

  it('prints the name and RFC 3339 creation time', () => {
    assert.deepEqual(defaultPrinter.cells({ metadata: { name: 'limits', creationTimestamp: '2024-04-30T10:11:12Z' } }, NOW), [
      'limits',
      '2024-04-30T10:11:12Z',
    ]);
    assert.deepEqual(defaultPrinter.cells({ metadata: { name: 'x', creationTimestamp: '2024-04-30T10:11:12.789+02:00' } }, NOW), [
      'x',
      '2024-04-30T08:11:12Z',
    ]);
    assert.deepEqual(defaultPrinter.cells({ metadata: {} }, NOW), ['', '0001-01-01T00:00:00Z']);
  });
});
