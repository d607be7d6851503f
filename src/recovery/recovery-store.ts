// PostgreSQL access for recovery storage: hosts, a node's recovery rows, and the atomic unit move.
import pg from 'pg';
import { ScenarioConfigError } from '../common/errors.js';
import { encodeMoveParams } from './move-params.js';
import type { NodeHost, NodeState } from './node-host.js';
import type { RecoveryRow } from './recovery-row.js';
import type { Recipe } from './rewrite-recipe.js';

/** What happened to one leg in a move (see zerodrop.move_units in lab/postgres/zerodrop-schema.sql). */
export const LegOutcome = {
  moved: 'moved',
  already: 'already',
  missing: 'missing',
  changed: 'changed',
  duplicate: 'duplicate',
  conflict: 'conflict',
  split: 'split',
  held: 'held',
} as const;
export type LegOutcome = (typeof LegOutcome)[keyof typeof LegOutcome];

/** One leg handed to moveUnits, its metadata already rewritten for its target. */
export interface MoveLeg {
  /** Target node; every leg of a unit has the same. */
  to: string;
  unit: string;
  uuid: string;
  /** Row version (xmin) as read; undefined skips the unchanged-since-read check. */
  version: string | undefined;
  /** Bridge partner uuid, so the database refuses to leave it behind outside the unit. */
  partner: string | undefined;
  metadata: string;
  /**
   * The same rewrite as literal replacements of the row read at `version` (see rewrite-recipe.ts): when
   * given with a version, the database applies it to its own row and `metadata` is not shipped.
   */
  recipe?: Recipe;
}

/** The database's verdict on one leg. */
export interface MoveOutcome {
  unit: string;
  uuid: string;
  outcome: LegOutcome;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

interface HostRow {
  node: string;
  switchname: string;
  sip_ip: string;
  media_ip: string;
  profile: string;
  rtp_port_min: number;
  rtp_port_max: number;
  state: NodeState;
  schema_name: string;
}

/** Recovery storage of one lab or deployment, reached as the controller role. */
export class RecoveryStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Opens a pool with the controller role's connection config. */
  static connect(config: pg.PoolConfig): RecoveryStore {
    const pool = new pg.Pool({ max: 4, ...config });
    // an idle connection the server drops (restart, pg_terminate_backend) must not crash the process;
    // the pool discards it and the next query opens a new one
    pool.on('error', () => undefined);
    return new RecoveryStore(pool);
  }

  /** Every host, ordered by node id. */
  async listHosts(): Promise<NodeHost[]> {
    return (await this.hostRows()).map(toHost);
  }

  /** One host; ScenarioConfigError if the node is unknown. */
  async host(node: string): Promise<NodeHost> {
    return toHost(await this.hostRow(node));
  }

  /** Records a node's state (e.g. 'fenced' before its calls are moved). */
  async setHostState(node: string, state: NodeState): Promise<void> {
    const r = await this.pool.query(
      'UPDATE zerodrop.hosts SET state = $2, updated_at = now() WHERE node = $1',
      [node, state],
    );
    if (r.rowCount !== 1) throw new ScenarioConfigError(`hosts.${node}`, 'no such node in zerodrop.hosts');
  }

  /** The node's recovery rows (with their xmin version), ordered by uuid. */
  async listRows(node: string): Promise<RecoveryRow[]> {
    const hosts = await this.hostRows();
    const h = hosts.find((x) => x.node === node);
    if (!h) throw new ScenarioConfigError(`hosts.${node}`, 'no such node in zerodrop.hosts');
    if (!SCHEMA_RE.test(h.schema_name))
      throw new ScenarioConfigError(
        `hosts.${node}.schema_name`,
        `'${h.schema_name}' is not a plain schema name`,
      );
    // shared layout: the table holds every node's rows; FreeSWITCH writes its switchname into hostname
    const shared = hosts.some((x) => x.node !== node && x.schema_name === h.schema_name);
    const r = await this.pool.query<{
      runtime_uuid: string | null;
      technology: string | null;
      profile_name: string | null;
      hostname: string | null;
      uuid: string | null;
      metadata: string | null;
      version: string;
    }>(
      `SELECT runtime_uuid, technology, profile_name, hostname, uuid, metadata, xmin::text AS version
         FROM "${h.schema_name}".recovery ${shared ? 'WHERE hostname = $1' : ''} ORDER BY uuid`,
      shared ? [h.switchname] : [],
    );
    return r.rows.map((x) => ({
      runtimeUuid: x.runtime_uuid ?? '',
      technology: x.technology ?? '',
      profileName: x.profile_name ?? '',
      hostname: x.hostname ?? '',
      uuid: x.uuid ?? '',
      metadata: x.metadata ?? '',
      version: x.version,
    }));
  }

  /** Moves whole units from one node to their targets (one, or several) in one transaction; each leg's outcome. */
  async moveUnits(from: string, legs: readonly MoveLeg[]): Promise<MoveOutcome[]> {
    if (legs.length === 0) return [];
    const p = encodeMoveParams(legs);
    const client = await this.pool.connect();
    let lost: Error | undefined;
    // a connection killed mid-move is reported on the client as well as on the query: keep it from crashing
    const onError = (e: Error) => {
      lost = e;
    };
    client.on('error', onError);
    try {
      const r = await client.query<MoveOutcome>(
        'SELECT unit, uuid, outcome FROM zerodrop.move_units($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [from, p.to, p.unit, p.uuid, p.version, p.partner, p.metadata, p.recipe, p.recipes],
      );
      return r.rows;
    } catch (e) {
      lost ??= e as Error;
      throw e;
    } finally {
      if (lost === undefined) client.off('error', onError); // a dead client may still report its end
      client.release(lost);
    }
  }

  /** Closes the pool. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  private async hostRows(): Promise<HostRow[]> {
    const r = await this.pool.query<HostRow>(
      `SELECT node, switchname, sip_ip, media_ip, profile, rtp_port_min, rtp_port_max, state, schema_name
         FROM zerodrop.hosts ORDER BY node`,
    );
    return r.rows;
  }

  private async hostRow(node: string): Promise<HostRow> {
    const h = (await this.hostRows()).find((x) => x.node === node);
    if (!h) throw new ScenarioConfigError(`hosts.${node}`, 'no such node in zerodrop.hosts');
    return h;
  }
}

function toHost(h: HostRow): NodeHost {
  return {
    node: h.node,
    switchname: h.switchname,
    sipIp: h.sip_ip,
    mediaIp: h.media_ip,
    profile: h.profile,
    rtpPortMin: h.rtp_port_min,
    rtpPortMax: h.rtp_port_max,
    state: h.state,
  };
}
