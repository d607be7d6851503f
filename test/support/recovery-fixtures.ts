// Real FreeSWITCH 1.10.12 recovery rows from ../shared/fixtures, the lab hosts they were recorded on, and
// synthetic copies (distinct uuids, Call-IDs and media ports, bridges kept paired) for scale tests.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { NodeHost } from '../../src/recovery/node-host.js';
import { parseRecoveryTsv } from '../../src/recovery/parse-recovery-tsv.js';
import type { RecoveryRow } from '../../src/recovery/recovery-row.js';

/** Copies of ../shared/fixtures/freeswitch-1.10.12 recovery dumps (see test/data/recovery/README.md). */
export const FIXTURES = new URL('../data/recovery/', import.meta.url);

/** Rows of one TSV dump in test/data/recovery, e.g. 'exp2-recovery-before-fs_a.tsv'. */
export function fixtureRows(name: string): RecoveryRow[] {
  return parseRecoveryTsv(readFileSync(new URL(name, FIXTURES), 'utf8'), name);
}

/** Every dump of rows written by fs-a before any move (the rows a migration starts from). */
export const SOURCE_DUMPS = [
  'exp2-recovery-before-fs_a.tsv',
  'recovery-migrate2-before.tsv',
  'recovery-crash2-before.tsv',
] as const;

/** Each source dump with the reference rows after it was moved to fs-b (verified on real FreeSWITCH). */
export const REFERENCE_MOVES = [
  { before: 'exp2-recovery-before-fs_a.tsv', after: 'exp2-recovery-after-sql-fs_b.tsv' },
  { before: 'recovery-migrate2-before.tsv', after: 'recovery-migrate2-after-sql.tsv' },
] as const;

/** The two nodes of the fixture experiments: fs-a on 127.0.0.2, fs-b on 127.0.0.3, profile internal. */
export function fixtureHosts(extra: readonly NodeHost[] = []): NodeHost[] {
  return [
    {
      node: 'a',
      switchname: 'fs-a',
      sipIp: '127.0.0.2',
      mediaIp: '127.0.0.2',
      profile: 'internal',
      rtpPortMin: 10_000,
      rtpPortMax: 39_999,
      state: 'up',
    },
    {
      node: 'b',
      switchname: 'fs-b',
      sipIp: '127.0.0.3',
      mediaIp: '127.0.0.3',
      profile: 'internal',
      rtpPortMin: 40_000,
      rtpPortMax: 49_999,
      state: 'up',
    },
    ...extra,
  ];
}

const uuidIn = (metadata: string, name: string) =>
  new RegExp(`<${name}>([0-9a-f-]{36})<`).exec(metadata)?.[1];

/**
 * Copies the template rows into `legs` rows: each copy of a call gets new uuids (partners renamed alike),
 * a new Call-ID and a distinct local media port from portBase upwards. Bridged pairs stay complete.
 */
export function synthesizeRows(
  template: readonly RecoveryRow[],
  legs: number,
  portBase = 10_000,
): RecoveryRow[] {
  const byUuid = new Map(template.map((r) => [r.uuid, r]));
  const groups: RecoveryRow[][] = [];
  const seen = new Set<string>();
  for (const r of template) {
    if (seen.has(r.uuid)) continue;
    const partner = uuidIn(r.metadata, 'signal_bond') ?? uuidIn(r.metadata, 'bridge_to');
    const p = partner !== undefined ? byUuid.get(partner) : undefined;
    const g = p && !seen.has(p.uuid) ? [r, p] : [r];
    for (const x of g) seen.add(x.uuid);
    groups.push(g);
  }
  const singles = groups.filter((g) => g.length === 1);
  const out: RecoveryRow[] = [];
  let port = portBase;
  for (let copy = 0; out.length < legs; copy++) {
    for (const g0 of groups) {
      if (out.length >= legs) break;
      const g = g0.length > legs - out.length ? singles[0] : g0;
      if (!g) break;
      const prefix = (copy * 1000 + groups.indexOf(g0)).toString(16).padStart(8, '0');
      const rename = (u: string) => `${prefix}${u.slice(8)}`;
      for (const row of g) {
        let m = row.metadata;
        for (const x of g) m = m.split(x.uuid).join(rename(x.uuid));
        const callId = /<sip_call_id>([^<]+)<\/sip_call_id>/.exec(m)?.[1];
        if (callId) m = m.split(callId).join(`z${prefix}-${callId}`);
        const oldPort = /<local_media_port>(\d+)</.exec(m)?.[1];
        if (oldPort) {
          m = m.replace(`<local_media_port>${oldPort}<`, `<local_media_port>${port}<`);
          m = m.replace(`m%3Daudio%20${oldPort}%20`, `m%3Daudio%20${port}%20`);
        }
        port += 2;
        out.push({ ...row, uuid: rename(row.uuid), metadata: m });
      }
    }
  }
  return out;
}

/** Inserts rows into schema.recovery (as the connected role). */
export async function insertRows(
  client: pg.ClientBase,
  schema: string,
  rows: readonly RecoveryRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    await client.query(
      `INSERT INTO "${schema}".recovery (runtime_uuid, technology, profile_name, hostname, uuid, metadata)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      [
        chunk.map((r) => r.runtimeUuid),
        chunk.map((r) => r.technology),
        chunk.map((r) => r.profileName),
        chunk.map((r) => r.hostname),
        chunk.map((r) => r.uuid),
        chunk.map((r) => r.metadata),
      ],
    );
  }
}

/** Opens a client, runs fn, closes it. */
export async function withClient<T>(config: pg.ClientConfig, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(config);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Every row of schema.recovery (as superuser), ordered by uuid. */
export async function tableRows(config: pg.ClientConfig, schema: string): Promise<RecoveryRow[]> {
  return withClient(config, async (c) => {
    const r = await c.query<{
      runtime_uuid: string;
      technology: string;
      profile_name: string;
      hostname: string;
      uuid: string;
      metadata: string;
    }>(`SELECT * FROM "${schema}".recovery ORDER BY uuid`);
    return r.rows.map((x) => ({
      runtimeUuid: x.runtime_uuid,
      technology: x.technology,
      profileName: x.profile_name,
      hostname: x.hostname,
      uuid: x.uuid,
      metadata: x.metadata,
    }));
  });
}

/**
 * What `fsctl recover` does to the table (switch_core_recovery_recover, FreeSWITCH 1.10.12): select every
 * sofia row whose runtime_uuid is not the node's own, then delete them all. Runs as the node's role with the
 * node's search_path, so it sees exactly what that FreeSWITCH would. Returns the rows it took.
 */
export async function simulateFreeswitchRecover(
  client: pg.ClientBase,
  ownRuntimeUuid: string,
): Promise<string[]> {
  await client.query('BEGIN');
  const r = await client.query<{ uuid: string }>(
    "SELECT uuid FROM recovery WHERE technology = 'sofia' AND runtime_uuid != $1 ORDER BY uuid",
    [ownRuntimeUuid],
  );
  await client.query("DELETE FROM recovery WHERE technology = 'sofia' AND runtime_uuid != $1", [
    ownRuntimeUuid,
  ]);
  await client.query('COMMIT');
  return r.rows.map((x) => x.uuid);
}
