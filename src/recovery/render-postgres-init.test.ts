import { describe, expect, it } from 'vitest';
import { fixtureHosts } from '../../test/support/recovery-fixtures.js';
import { fillTemplate, renderPostgresInit } from './render-postgres-init.js';

describe('renderPostgresInit', () => {
  it('renders a role and a schema per node, the controller as member of each, and the hosts', () => {
    const init = renderPostgresInit({ nodes: fixtureHosts(), layout: 'per-node' });
    expect(init.sql).not.toMatch(/\{\{/);
    expect(init.sql).toContain('CREATE SCHEMA IF NOT EXISTS fs_a AUTHORIZATION fs_a;');
    expect(init.sql).toContain('ALTER ROLE fs_b SET search_path = fs_b;');
    expect(init.sql).toContain('GRANT fs_a TO zerodrop;');
    expect(init.sql).toContain('CREATE TABLE IF NOT EXISTS fs_b.recovery');
    expect(init.sql).toContain('REVOKE ALL ON SCHEMA public FROM PUBLIC;');
    expect(init.sql).toContain(
      "('b', 'fs-b', '127.0.0.3', '127.0.0.3', 'internal', 40000, 49999, 'up', 'fs_b')",
    );
    expect(init.nodeLogins).toEqual({
      a: { user: 'fs_a', password: 'fs_a', schema: 'fs_a' },
      b: { user: 'fs_b', password: 'fs_b', schema: 'fs_b' },
    });
  });

  it('renders the shared layout: one public.recovery for every node', () => {
    const init = renderPostgresInit({ nodes: fixtureHosts(), layout: 'shared', passwords: { fs: "it's" } });
    expect(init.sql).toContain('CREATE TABLE IF NOT EXISTS public.recovery');
    expect(init.sql).not.toContain('fs_a');
    expect(init.sql).toContain("PASSWORD 'it''s'");
    expect(init.nodeLogins.a).toEqual({ user: 'fs', password: "it's", schema: 'public' });
  });

  it('rejects bad node lists, naming the field', () => {
    const [a, b] = fixtureHosts();
    expect(() =>
      renderPostgresInit({ nodes: [a!, { ...b!, rtpPortMin: 39_000 }], layout: 'per-node' }),
    ).toThrow(/hosts\.b\.rtpPortMin: RTP range 39000-49999 overlaps node a/);
    expect(() => renderPostgresInit({ nodes: [{ ...a!, node: 'A; DROP' }], layout: 'per-node' })).toThrow(
      /hosts\.A; DROP\.node/,
    );
    expect(() => renderPostgresInit({ nodes: [a!, { ...b!, sipIp: a!.sipIp }], layout: 'shared' })).toThrow(
      /hosts\.b\.sipIp: '127\.0\.0\.2' is also used by node a/,
    );
  });

  it('fails on a template key it has no value for', () => {
    expect(() => fillTemplate('x {{nope}}', {}, 't.sql')).toThrow(
      /lab\/postgres\/t\.sql: no value for \{\{nope\}\}/,
    );
  });
});
