// The scenario: a plain typed value (topology, workload, steps, bounds, expected verdict), validated by zod.
import { z } from 'zod';
import { CHECK_NAMES, type CheckName as RegistryCheckName } from '../checks/check-registry.js';

/** Which hosts a fault hits; chosen by the seed when not explicit. */
export const TargetSchema = z.union([
  z.enum(['one', 'primary', 'all', 'standby', 'proxy', 'rtpengine', 'postgres']),
  z.array(z.string().min(1)).min(1),
]);

export const TopologySchema = z
  .object({
    kind: z.enum(['farm', 'single', 'keepalived']).default('farm'),
    freeswitchNodes: z.number().int().min(1).max(8).default(3),
    proxy: z.enum(['kamailio', 'opensips']).default('kamailio'),
    /** per-node: each node its own role+schema (safe); shared: the seed's one table (the hazard). */
    storage: z.enum(['per-node', 'shared']).default('per-node'),
    /** Where the core DB (and so the recovery table) lives. */
    coreDb: z.enum(['postgres', 'sqlite']).default('postgres'),
    keepalived: z
      .object({
        /** keepalived's default: a returning higher-priority node takes the VIP back (and recovers again). */
        preempt: z.boolean().default(false),
        /** A node takes over only as the calls' confirmed only owner: peer heard, or its lease gone at the witness. */
        selfFence: z.boolean().default(false),
      })
      .strict()
      .default({ preempt: false, selfFence: false }),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.kind !== 'keepalived' && (t.keepalived.preempt || t.keepalived.selfFence))
      ctx.addIssue({
        code: 'custom',
        path: ['keepalived'],
        message: `only the keepalived topology runs keepalived (kind is ${t.kind})`,
      });
    if (t.keepalived.preempt && t.keepalived.selfFence)
      ctx.addIssue({
        code: 'custom',
        path: ['keepalived', 'selfFence'],
        message:
          'the self-fence trusts a peer it can reach, so a preempting node would still steal the calls: use it with preempt: false',
      });
  });

export const CallsSchema = z
  .object({
    count: z.number().int().min(0).max(5000).default(20),
    ratePerSec: z.number().positive().max(500).default(20),
    /** What the FreeSWITCH dialplan does with each call; a mix picks by weight with the seed. */
    kind: z
      .union([
        z.enum(['echo', 'bridge', 'conference']),
        z.partialRecord(z.enum(['echo', 'bridge', 'conference']), z.number().nonnegative()),
      ])
      .default('bridge'),
    /** Members per conference room: a conference pick places a whole room (its members count as calls). */
    conferenceSize: z.number().int().min(2).max(32).default(3),
  })
  .strict();

const FaultName = z.enum(['crash', 'kill', 'stop', 'pause', 'partition', 'loss', 'delay']);

export const StepSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('place-calls'), count: z.number().int().min(1).optional() }).strict(),
  z.object({ step: z.literal('wait'), ms: z.number().int().min(0).max(600_000) }).strict(),
  z
    .object({
      step: z.literal('fault'),
      fault: FaultName,
      target: TargetSchema.default('one'),
      /** For partition: the other side; for loss: probability 0..1; for delay: ms and jitter. */
      peer: TargetSchema.optional(),
      probability: z.number().min(0).max(1).optional(),
      delayMs: z.number().int().min(0).optional(),
      jitterMs: z.number().int().min(0).optional(),
      /** Heal automatically after this many ms (else at the heal step or the end). */
      durationMs: z.number().int().min(0).optional(),
    })
    .strict(),
  z.object({ step: z.literal('heal') }).strict(),
  z
    .object({
      step: z.literal('failover'),
      /** controller: the automatic controller; migrate: a manual move; restart-recover: same node. */
      action: z.enum(['controller', 'migrate', 'restart-recover', 'none']),
      /** Whose calls move (migrate): default the nodes the last fault hit; e.g. 'one' for planned maintenance. */
      from: TargetSchema.optional(),
      to: z.union([z.enum(['one', 'spread']), z.array(z.string())]).default('one'),
      /**
       * migrate only, a demonstration of the hazard: split every bridge and conference on purpose, half of each
       * unit's legs to one survivor and the rest to another (needs two targets). Never what the controller does.
       */
      splitUnits: z.boolean().optional(),
    })
    .strict(),
  z
    .object({ step: z.literal('await-recovery'), timeoutMs: z.number().int().min(100).default(10_000) })
    .strict(),
  z
    .object({ step: z.literal('place-calls-during-failover'), count: z.number().int().min(1).default(5) })
    .strict(),
  z.object({ step: z.literal('hold'), ms: z.number().int().min(0).max(600_000) }).strict(),
  z.object({ step: z.literal('hangup') }).strict(),
]);

export const CheckNameSchema = z.enum(CHECK_NAMES as [RegistryCheckName, ...RegistryCheckName[]]);

/** A predicted failure of one check (a demonstration scenario). */
export const ExpectationSchema = z
  .object({
    valid: z.union([z.literal(false), z.literal('unknown')]).default(false),
    why: z.string().min(1),
    failingCalls: z.union([z.number().int().min(0), z.array(z.string())]).optional(),
    matching: z.string().optional(),
  })
  .strict();

export const ScenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    description: z.string().default(''),
    topology: TopologySchema.default(TopologySchema.parse({})),
    calls: CallsSchema.default(CallsSchema.parse({})),
    steps: z.array(StepSchema).min(1),
    bounds: z
      .object({
        /** Every call answered before the fault must have two-way media again within this many ms of the fault. */
        mediaResumeMs: z.number().int().positive().default(5_000),
      })
      .strict()
      .default({ mediaResumeMs: 5_000 }),
    checks: z.array(CheckNameSchema).optional(),
    /** A demonstration scenario passes when exactly these checks fail as predicted; the rest must pass. */
    expectFailures: z.partialRecord(CheckNameSchema, ExpectationSchema).default({}),
    seed: z.number().int().nonnegative().optional(),
  })
  .strict();

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Step = z.infer<typeof StepSchema>;
export type Topology = z.infer<typeof TopologySchema>;
export type CheckName = z.infer<typeof CheckNameSchema>;
