// fs-sim's config file: one node's identity, SIP/media/ESL addresses, core DB and dialplan.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ScenarioConfigError } from '../../src/common/errors.js';

const ipv4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'an IPv4 address');
const port = z.number().int().min(1).max(65_535);

const dialplanEntry = z.object({
  /** Destination number, matched exactly (FreeSWITCH's ^N$). */
  number: z.string().min(1),
  app: z.enum(['echo', 'bridge', 'conference', 'tone']),
  /** For bridge: the callee, "user@host:port"; sent through the proxy (fs_path) when one is set. */
  target: z.string().optional(),
});

export const fsSimConfigSchema = z
  .object({
    /** switchname: the recovery row's hostname and the CDR's switchname. */
    switchname: z.string().min(1),
    sip: z.object({ ip: ipv4, port: port.default(5060), profile: z.string().min(1).default('internal') }),
    media: z
      .object({ ip: ipv4, rtpStart: port, rtpEnd: port })
      .refine((m) => m.rtpStart <= m.rtpEnd, 'rtpStart must be <= rtpEnd'),
    /** The host's primary IP for SDP o= (FreeSWITCH uses it whatever the media IP); default sip.ip. */
    hostIp: ipv4.optional(),
    esl: z.object({ ip: ipv4.default('0.0.0.0'), port: port.default(8021), password: z.string().min(1) }),
    db: z.union([
      z.object({ pg: z.string().min(1) }).strict(),
      z.object({ sqlite: z.string().min(1) }).strict(),
    ]),
    /** Proxy for bridged B-legs, "ip:port" (fs_path=sip:ip:port). */
    proxy: z
      .string()
      .regex(/^[^:\s]+(:\d+)?$/, 'ip[:port]')
      .optional(),
    dialplan: z.array(dialplanEntry).min(1),
    timing: z
      .object({
        /** Row written this long after answer (FreeSWITCH's SQL queue, measured ~0.3 s). */
        insertDelayMs: z.number().int().min(0).default(300),
        /** Row deleted this long after hangup (~0.1 s). */
        deleteDelayMs: z.number().int().min(0).default(100),
        /** A recovered bridged leg waits this long for its partner before sitting without media. */
        partnerWaitMs: z.number().int().min(0).default(2_000),
        /** Last retransmission of an unanswered recovery re-INVITE is answered-or-dropped at this time. */
        reinviteTimeoutMs: z.number().int().min(1).default(32_000),
      })
      .default({ insertDelayMs: 300, deleteDelayMs: 100, partnerWaitMs: 2_000, reinviteTimeoutMs: 32_000 }),
  })
  .superRefine((c, ctx) => {
    c.dialplan.forEach((d, i) => {
      if (d.app === 'bridge' && !d.target) {
        ctx.addIssue({ code: 'custom', path: ['dialplan', i, 'target'], message: 'bridge needs a target' });
      }
    });
  });

/** A validated fs-sim config. */
export type FsSimConfig = z.infer<typeof fsSimConfigSchema>;
export type DialplanEntry = FsSimConfig['dialplan'][number];

/** Validates parsed JSON; errors name the file and the field. */
export function parseFsSimConfig(value: unknown, source: string): FsSimConfig {
  const r = fsSimConfigSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new ScenarioConfigError(source, `${where}: ${issue?.message ?? 'invalid'}`);
}

/** Reads and validates a config file. */
export async function loadFsSimConfig(path: string): Promise<FsSimConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ScenarioConfigError(path, 'cannot read config file', { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioConfigError(path, `not JSON: ${(e as Error).message}`, { cause: e });
  }
  return parseFsSimConfig(json, path);
}

/** The dialplan entry for a destination number, if any. */
export function routeNumber(config: FsSimConfig, number: string): DialplanEntry | undefined {
  return config.dialplan.find((d) => d.number === number);
}
