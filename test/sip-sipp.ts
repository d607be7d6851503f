// Test support: run sipp (Debian sip-tester) as a real SIP peer on loopback, and kill it on purpose or at the end.
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from '../src/common/wait.js';

export const SIPP_SCENARIOS = join(import.meta.dirname, 'data', 'sipp');

/** How to start one sipp process. */
export interface SippOptions {
  /** Scenario file name in test/data/sipp. */
  scenario: string;
  /** Loopback IP sipp binds (SIP and media). */
  ip: string;
  port: number;
  mediaPort: number;
  /** ip:port of the peer (UAC scenarios, and where a UAS scenario would send first). */
  remote?: string;
  /** -key NAME VALUE pairs used as [NAME] in the scenario. */
  keys?: Record<string, string>;
  /** Unique Call-ID pattern part, so concurrent runs never share Call-IDs. */
  cid: string;
  /** A literal Call-ID for the one call (joining an existing dialog); overrides cid. */
  callId?: string;
  /** Fail when an expected message does not come within this time (ms). Default 20_000. */
  recvTimeoutMs?: number;
}

/** A running sipp. */
export interface SippProcess {
  readonly proc: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The tail of what sipp printed (for failure messages). */
  output(): string;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts sipp with -rtp_echo, one call (-m 1), bound to opts.ip only. */
export function startSipp(opts: SippOptions): SippProcess {
  const args = [
    '-sf',
    join(SIPP_SCENARIOS, opts.scenario),
    '-i',
    opts.ip,
    '-bind_local',
    '-p',
    String(opts.port),
    '-mi',
    opts.ip,
    '-mp',
    String(opts.mediaPort),
    '-rtp_echo',
    '-m',
    '1',
    '-l',
    '1',
    '-cid_str',
    opts.callId ?? `%u-${opts.cid}-%p@%s`,
    '-recv_timeout',
    String(opts.recvTimeoutMs ?? 20_000),
    '-timeout',
    '120s',
    '-timeout_error',
    '-nostdin',
    '-trace_err',
  ];
  for (const [k, v] of Object.entries(opts.keys ?? {})) args.push('-key', k, v);
  if (opts.remote) args.push(opts.remote);
  const cwd = mkdtempSync(join(tmpdir(), 'zerodrop-sipp-'));
  const proc = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    exited,
    output: () => `${tail}\n(cwd ${cwd})`,
    kill: (signal = 'SIGKILL') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
}

/** Waits until something is bound to ip:port/udp (sipp is listening). */
export async function udpPortBound(ip: string, port: number, timeoutMs = 5000): Promise<boolean> {
  const bound = await pollUntil(
    () =>
      new Promise<true | undefined>((resolve) => {
        const s = dgram.createSocket('udp4');
        s.once('error', () => {
          s.close();
          resolve(true); // EADDRINUSE: sipp has it
        });
        s.bind(port, ip, () => s.close(() => resolve(undefined)));
      }),
    { timeoutMs, intervalMs: 25 },
  );
  return bound === true;
}
