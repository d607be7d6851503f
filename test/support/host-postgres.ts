// A throwaway PostgreSQL 15 cluster on the host (initdb in a temp dir, 127.0.0.1, free port) for tests and benches.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const PG_BIN = process.env.ZERODROP_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Options of startHostPostgres. */
export interface HostPostgresOptions {
  /** Extra `-c name=value` server settings, e.g. { fsync: 'off' }. */
  settings?: Readonly<Record<string, string>>;
}

/** A running cluster; superuser `postgres`, trust auth on 127.0.0.1 only. */
export interface HostPostgres extends AsyncDisposable {
  host: string;
  port: number;
  dataDir: string;
  /** Connection config for a role and database (password ignored: trust auth). */
  config(user?: string, database?: string): pg.ClientConfig;
  /** Runs one (multi-statement) SQL text as superuser in database. */
  exec(sql: string, database?: string): Promise<void>;
  /** Creates a fresh database and returns its name. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function uidGid(user: string): Promise<[number, number]> {
  const { stdout } = await run('id', ['-u', user]);
  const { stdout: g } = await run('id', ['-g', user]);
  return [Number(stdout.trim()), Number(g.trim())];
}

// root cannot run postgres: everything runs as the postgres user when we are root
const asPostgres = (cmd: string, args: string[]) =>
  process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);

/** Initialises and starts a cluster; stop() (or await using) removes it. */
export async function startHostPostgres(opts: HostPostgresOptions = {}): Promise<HostPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'zerodrop-pg-'));
  if (process.getuid?.() === 0) {
    const [uid, gid] = await uidGid('postgres');
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  const port = await freePort();
  await asPostgres(`${PG_BIN}/initdb`, [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const settings = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    ...opts.settings,
  };
  const o = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  try {
    await asPostgres(`${PG_BIN}/pg_ctl`, [
      '-D',
      dataDir,
      '-l',
      join(dir, 'log'),
      '-o',
      o,
      '-w',
      '-t',
      '60',
      'start',
    ]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let stopped = false;
  // a test run that dies or calls process.exit must not leave a cluster behind
  const stopOnExit = () => {
    if (stopped) return;
    const args = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
    const cmd = `${PG_BIN}/pg_ctl`;
    try {
      if (process.getuid?.() === 0)
        execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'ignore' });
      else execFileSync(cmd, args, { stdio: 'ignore' });
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopOnExit);
  const config = (user = 'postgres', database = 'postgres'): pg.ClientConfig => ({
    host: '127.0.0.1',
    port,
    user,
    database,
    password: user,
  });
  const exec = async (sql: string, database = 'postgres') => {
    const client = new pg.Client(config('postgres', database));
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stopOnExit);
    await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(
      () => undefined,
    );
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    host: '127.0.0.1',
    port,
    dataDir,
    config,
    exec,
    createDatabase: async (name) => {
      await exec(`CREATE DATABASE ${name}`);
      return name;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
