// An inbound event-socket server (what FreeSWITCH's mod_event_socket is to fs_cli), for fs-sim.
// Wire behaviour follows mod_event_socket.c: auth/request greeting, `auth`, `api`, `bgapi` + BACKGROUND_JOB,
// `event plain|json|xml`, `nixevent`, `noevents`, `filter`, `exit`, disconnect notices. node: built-ins only.
import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { CommandReader } from './command-reader.js';
import {
  AUTH_REQUEST,
  apiResponse,
  commandReply,
  disconnectNotice,
  type EslEvent,
  type EslPacket,
  eventPacket,
} from './esl-wire.js';
import { EventSubscription } from './event-subscription.js';

/** Runs one API command (`status`, `fsctl recover`, …) and returns its text output, FreeSWITCH style. */
export type EslCommandHandler = (cmd: string, args: string) => Promise<string>;

/** Who the events say they come from (the headers every FreeSWITCH event carries). */
export interface EslIdentity {
  coreUuid: string;
  hostname: string;
  switchname: string;
  ipv4: string;
}

export interface EslServerOptions {
  /** The password `auth` must carry (event_socket.conf `password`). */
  password: string;
  handler: EslCommandHandler;
  identity: EslIdentity;
  /** Close a connection that has not authenticated after this many ms (FreeSWITCH: 25 s). */
  authTimeoutMs?: number;
}

interface Listener {
  socket: Socket;
  authed: boolean;
  events: EventSubscription;
  queue: Promise<void>;
  authTimer?: NodeJS.Timeout;
}

/** The event-socket server of one fs-sim node. */
export class EslServer {
  private readonly server: Server;
  private readonly listeners = new Set<Listener>();
  private sequence = 0;

  constructor(private readonly opts: EslServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host = '0.0.0.0'): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const a = this.server.address() as AddressInfo;
        resolve({ host: a.address, port: a.port });
      });
    });
  }

  /** Number of open client connections. */
  get connectionCount(): number {
    return this.listeners.size;
  }

  /** Fires an event to every subscribed, authenticated connection; returns how many got it. */
  publish(event: EslEvent): number {
    const headers = this.eventHeaders(event);
    let sent = 0;
    for (const l of this.listeners) {
      if (!l.authed || !l.events.wants(event, headers)) continue;
      l.socket.write(eventPacket(l.events.format, headers, event.body));
      sent++;
    }
    return sent;
  }

  /** Graceful stop: disconnect notice to every client, then close. */
  async close(): Promise<void> {
    for (const l of this.listeners) this.hangUp(l);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Abrupt stop, as a crashed FreeSWITCH: sockets destroyed without a word. */
  async destroy(): Promise<void> {
    for (const l of this.listeners) l.socket.destroy();
    this.listeners.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const l: Listener = {
      socket,
      authed: false,
      events: new EventSubscription(),
      queue: Promise.resolve(),
    };
    this.listeners.add(l);
    const reader = new CommandReader();
    l.authTimer = setTimeout(() => this.hangUp(l), this.opts.authTimeoutMs ?? 25_000);
    socket.on('data', (data) => {
      let packets: EslPacket[];
      try {
        packets = reader.push(data);
      } catch {
        socket.destroy();
        return;
      }
      for (const p of packets) {
        // One command at a time per connection: api runs inline in FreeSWITCH's listener thread.
        l.queue = l.queue
          .then(() => this.dispatch(l, p))
          .catch(() => {
            socket.destroy();
          });
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(l.authTimer);
      this.listeners.delete(l);
    });
    socket.write(AUTH_REQUEST);
  }

  private async dispatch(l: Listener, p: EslPacket): Promise<void> {
    if (l.socket.destroyed) return;
    const cmd = p.command.trim();
    const lower = cmd.toLowerCase();
    if (lower.startsWith('exit') || lower.startsWith('...')) {
      l.socket.write(commandReply('+OK bye'));
      this.hangUp(l);
      return;
    }
    if (!l.authed) {
      if (!lower.startsWith('auth ')) return void l.socket.write(commandReply('-ERR command not found'));
      if (cmd.slice(5) === this.opts.password) {
        l.authed = true;
        clearTimeout(l.authTimer);
        l.socket.write(commandReply('+OK accepted'));
      } else {
        l.socket.write(commandReply('-ERR invalid'));
        this.hangUp(l);
      }
      return;
    }
    if (lower.startsWith('api ')) {
      const [name, args] = splitCommand(cmd.slice(4));
      const reply = await this.run(name, args);
      if (!l.socket.destroyed) l.socket.write(apiResponse(reply));
      return;
    }
    if (lower.startsWith('bgapi ')) return this.bgapi(l, cmd.slice(6), p.headers['job-uuid']);
    l.socket.write(commandReply(this.control(l, cmd)));
  }

  private bgapi(l: Listener, line: string, jobUuid: string = randomUUID()): void {
    const [name, args] = splitCommand(line);
    l.socket.write(commandReply(`+OK Job-UUID: ${jobUuid}`, { 'Job-UUID': jobUuid }));
    void this.run(name, args).then((reply) => {
      const headers: Record<string, string> = { 'Job-UUID': jobUuid, 'Job-Command': name };
      if (args !== '') headers['Job-Command-Arg'] = args;
      this.publish({ name: 'BACKGROUND_JOB', headers, body: reply });
    });
  }

  private async run(name: string, args: string): Promise<string> {
    try {
      return await this.opts.handler(name, args);
    } catch (e) {
      return `-ERR ${e instanceof Error ? e.message : String(e)}\n`;
    }
  }

  // event / nixevent / noevents / filter / log / nolog: state changes with a one-line reply.
  private control(l: Listener, cmd: string): string {
    const words = cmd.split(/\s+/);
    const verb = (words[0] ?? '').toLowerCase();
    if (verb === 'event') return l.events.subscribe(words.slice(1));
    if (verb === 'nixevent') return l.events.unsubscribe(words.slice(1));
    if (verb === 'noevents') return l.events.clear();
    if (verb === 'filter') return l.events.filter(words.slice(1));
    if (verb === 'log') return `+OK log level ${words[1] ?? 'debug'} [7]`;
    if (verb === 'nolog') return '-ERR not loging';
    return '-ERR command not found';
  }

  private hangUp(l: Listener): void {
    if (l.socket.destroyed || l.socket.writableEnded) return;
    l.socket.write(disconnectNotice());
    l.socket.end();
  }

  private eventHeaders(event: EslEvent): Array<[string, string]> {
    const now = new Date();
    const id = this.opts.identity;
    const h: Array<[string, string]> = [['Event-Name', event.name]];
    if (event.subclass !== undefined) h.push(['Event-Subclass', event.subclass]);
    h.push(
      ['Core-UUID', id.coreUuid],
      ['FreeSWITCH-Hostname', id.hostname],
      ['FreeSWITCH-Switchname', id.switchname],
      ['FreeSWITCH-IPv4', id.ipv4],
      ['FreeSWITCH-IPv6', '::1'],
      ['Event-Date-Local', now.toISOString().slice(0, 19).replace('T', ' ')],
      ['Event-Date-GMT', now.toUTCString()],
      ['Event-Date-Timestamp', String(now.getTime() * 1000)],
      ['Event-Calling-File', 'fs-sim'],
      ['Event-Calling-Function', 'fs-sim'],
      ['Event-Calling-Line-Number', '0'],
      ['Event-Sequence', String(++this.sequence)],
    );
    for (const [k, v] of Object.entries(event.headers ?? {})) h.push([k, v]);
    return h;
  }
}

/** `name rest…` → [name, rest] (api_exec splits at the first space). */
function splitCommand(line: string): [string, string] {
  const sp = line.indexOf(' ');
  return sp < 0 ? [line, ''] : [line.slice(0, sp), line.slice(sp + 1)];
}
