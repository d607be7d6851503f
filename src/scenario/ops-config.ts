// The operations config: how `zerodrop calls|migrate|controller|notify` reach a deployment that is not a lab.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { errorMessage, ScenarioConfigError } from '../common/errors.js';
import { describeIssues } from './define-scenario.js';

const NODE_RE = /^[a-z][a-z0-9_-]{0,39}$/;

const EslSchema = z.strictObject({
  host: z.string().min(1),
  /** Default 8021. */
  port: z.number().int().min(1).max(65_535).default(8021),
  password: z.string().min(1),
});

const NodeSchema = z.strictObject({
  /** Node id as in zerodrop.hosts. */
  name: z.string().regex(NODE_RE, `must match ${NODE_RE}`),
  esl: EslSchema,
  /** Shell command that fences the node; must exit 0 only once the node can no longer send SIP or RTP.
   * Runs with ZERODROP_NODE and ZERODROP_ESL_HOST set. */
  fence: z.string().min(1).optional(),
  /** Fence command timeout in ms (default 10 000). */
  fenceTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
});

/** The config file: controller role DSN and the FreeSWITCH nodes. */
export const OpsConfigSchema = z.strictObject({
  /** postgres://USER:PASSWORD@HOST:PORT/DB of the controller role (owner of zerodrop.hosts and move_units). */
  pg: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// connection string'),
  nodes: z
    .array(NodeSchema)
    .min(1)
    .refine((ns) => new Set(ns.map((n) => n.name)).size === ns.length, 'node names must be distinct'),
});

export type OpsConfig = z.infer<typeof OpsConfigSchema>;
export type OpsConfigNode = OpsConfig['nodes'][number];

/** Validates a parsed config value; errors name the source and the field. */
export function parseOpsConfig(value: unknown, source = '<config>'): OpsConfig {
  const parsed = OpsConfigSchema.safeParse(value);
  if (!parsed.success) throw new ScenarioConfigError(source, describeIssues(parsed.error.issues));
  return parsed.data;
}

/** Reads and validates a JSON config file. */
export function loadOpsConfig(file: string): OpsConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioConfigError(file, `cannot read: ${errorMessage(e)}`, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ScenarioConfigError(file, `not JSON: ${errorMessage(e)}`, { cause: e });
  }
  return parseOpsConfig(value, file);
}
