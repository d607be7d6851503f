// One running fs-sim node: SIP endpoint, media, core DB rows, ESL server, wired from its config.
import { randomUUID } from 'node:crypto';
import { SipEndpoint } from '../../src/sip/sip-endpoint.js';
import { CallControl } from './call-control.js';
import { ChannelRegistry } from './channel-registry.js';
import type { FsSimConfig } from './config.js';
import { EslServer } from './esl/esl-server.js';
import { eslCommands } from './esl-commands.js';
import { Recoverer } from './recoverer.js';
import { PgRecoveryStore, type RecoveryStore } from './recovery-store.js';
import { RowWriter } from './row-writer.js';
import type { SimContext } from './sim-context.js';
import { SqlQueue } from './sql-queue.js';
import { SqliteRecoveryStore } from './sqlite-recovery-store.js';

/** Options of FsSimNode.start. */
export interface FsSimNodeOptions {
  log?: (line: string) => void;
  /** What `fsctl crash` does; default: SIGKILL this process (no BYE, nothing flushed). */
  crash?: () => void;
  /** What `fsctl shutdown` does after the graceful stop; default: exit 0. */
  exit?: () => void;
}

/** A started node. */
export class FsSimNode {
  private constructor(
    readonly ctx: SimContext,
    private readonly esl: EslServer,
    readonly calls: CallControl,
    readonly eslAddress: { host: string; port: number },
  ) {}

  /** Opens the core DB, binds SIP and ESL, and is ready for calls (nothing is recovered at start). */
  static async start(config: FsSimConfig, opts: FsSimNodeOptions = {}): Promise<FsSimNode> {
    const log = opts.log ?? (() => {});
    const store: RecoveryStore = await FsSimNode.openStore(config);
    await store.ensureSchema();
    const node = {
      coreUuid: randomUUID(),
      switchname: config.switchname,
      profile: config.sip.profile,
      sipIp: config.sip.ip,
      sipPort: config.sip.port,
    };
    // sofia retransmits an unanswered INVITE at 0,1,3,7,15,31 s: T1 = 1 s doubling
    const endpoint = await SipEndpoint.listen({
      address: config.sip.ip,
      port: config.sip.port,
      timers: { T1: 1000 },
      log: (l) => log(`sip: ${l}`),
    });
    const queue = new SqlQueue((e) => log(`sql error: ${String(e)}`));
    let esl: EslServer | undefined;
    const ctx: SimContext = {
      config,
      node,
      hostIp: config.hostIp ?? config.sip.ip,
      endpoint,
      channels: new ChannelRegistry(),
      rows: new RowWriter(store, queue, node, config.timing),
      store,
      queue,
      standby: false,
      sessionCount: 0,
      startedMs: performance.now(),
      log,
      publish: (e) => void esl?.publish(e),
    };
    const calls = new CallControl(ctx);
    const recoverer = new Recoverer(ctx, calls);
    endpoint.onRequest((inc) => calls.handle(inc));
    let self: FsSimNode | undefined;
    esl = new EslServer({
      password: config.esl.password,
      identity: {
        coreUuid: node.coreUuid,
        hostname: config.switchname,
        switchname: config.switchname,
        ipv4: config.sip.ip,
      },
      handler: eslCommands(ctx, {
        recover: (scope) => recoverer.recover(scope),
        crash: opts.crash ?? (() => process.kill(process.pid, 'SIGKILL')),
        shutdown: () => void self?.stop().then(opts.exit ?? (() => process.exit(0))),
        hangup: (c) => {
          calls.hangup(c, 'NORMAL_CLEARING', true);
          if (c.partner) calls.hangup(c.partner, 'NORMAL_CLEARING', true);
        },
      }),
    });
    const eslAddress = await esl.listen(config.esl.port, config.esl.ip);
    self = new FsSimNode(ctx, esl, calls, eslAddress);
    log(
      `fs-sim ${config.switchname} core-uuid ${node.coreUuid} sip ${config.sip.ip}:${config.sip.port} esl ${eslAddress.host}:${eslAddress.port}`,
    );
    return self;
  }

  private static async openStore(config: FsSimConfig): Promise<RecoveryStore> {
    if ('pg' in config.db) return new PgRecoveryStore(config.db.pg);
    return SqliteRecoveryStore.open(config.db.sqlite);
  }

  /** Graceful stop (SIGTERM, fsctl shutdown): BYE on every channel, rows deleted, sockets closed. */
  async stop(): Promise<void> {
    const chans = this.ctx.channels.all();
    for (const c of chans) this.calls.hangup(c, 'SYSTEM_SHUTDOWN', true);
    await new Promise((r) => setTimeout(r, chans.length > 0 ? 300 : 0));
    await this.ctx.queue.drain();
    await this.esl.close();
    await this.ctx.endpoint.close();
    await this.ctx.store.close();
  }
}
