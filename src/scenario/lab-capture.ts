// A pcap of the lab network's signalling (SIP, ESL, VRRP) for the run folder; RTP is left out to keep it small.
import { type ChildProcess, spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import type { StartedLab } from '../lab/started-lab.js';

/** A running capture; stop() flushes and closes the file. */
export interface Capture {
  readonly path: string | undefined;
  readonly problem?: string;
  stop(): Promise<void>;
}

const FILTER = 'udp port 5060 or udp port 5080 or tcp port 8021 or vrrp';

/** The host interface holding the lab's gateway address (the bridge of its Docker network). */
export function bridgeInterface(gateway: string): string | undefined {
  for (const [name, addrs] of Object.entries(networkInterfaces()))
    if (addrs?.some((a) => a.family === 'IPv4' && a.address === gateway)) return name;
  return undefined;
}

/** Starts tcpdump on the lab bridge; without tcpdump or the bridge, says why and captures nothing. */
export async function startCapture(lab: StartedLab, path: string): Promise<Capture> {
  const iface = bridgeInterface(lab.addresses.gateway);
  if (!iface) return { path: undefined, problem: 'lab bridge not found', stop: async () => {} };
  let child: ChildProcess;
  try {
    child = spawn('tcpdump', ['-i', iface, '-n', '-s', '0', '-U', '-w', path, FILTER], { stdio: 'ignore' });
  } catch (e) {
    return { path: undefined, problem: String(e), stop: async () => {} };
  }
  const failed = new Promise<string>((r) => child.once('error', (e) => r(e.message)));
  // tcpdump needs a moment to open the interface; packets before that are simply not in the file.
  const problem = await Promise.race([
    failed,
    new Promise<undefined>((r) => setTimeout(() => r(undefined), 300)),
  ]);
  if (problem) return { path: undefined, problem, stop: async () => {} };
  return {
    path,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 2_000).unref();
      }),
  };
}
