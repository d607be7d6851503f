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
  type EslEventFormat,
  type EslPacket,
  eventPacket,
} from './esl-wire.js';

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
  format: EslEventFormat;
  all: boolean;
  names: Set<string>;
  subclasses: Set<string>;
  filters: Array<[string, string]>;
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
      if (!l.authed || !wants(l, event, headers)) continue;
      l.socket.write(eventPacket(l.format, headers, event.body));
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
      format: 'plain',
      all: false,
      names: new Set(),
      subclasses: new Set(),
      filters: [],
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
    if (verb === 'event') return subscribe(l, words.slice(1));
    if (verb === 'nixevent') return unsubscribe(l, words.slice(1));
    if (verb === 'noevents') {
      const had = l.all || l.names.size > 0 || l.subclasses.size > 0;
      l.all = false;
      l.names.clear();
      l.subclasses.clear();
      return had ? '+OK no longer listening for events' : '-ERR not listening for events';
    }
    if (verb === 'filter') return filter(l, words.slice(1));
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

// `event [plain|json|xml] NAME… [CUSTOM sub…]`: cumulative; words after CUSTOM are subclasses.
function subscribe(l: Listener, words: string[]): string {
  let keys = 0;
  let custom = false;
  for (const [i, w] of words.entries()) {
    const lw = w.toLowerCase();
    if (i === 0 && (lw === 'plain' || lw === 'json' || lw === 'xml')) {
      l.format = lw;
      continue;
    }
    if (custom) {
      l.subclasses.add(w);
      continue;
    }
    if (!/^[A-Z_]+$/.test(w)) continue;
    keys++;
    if (w === 'ALL') l.all = true;
    else l.names.add(w);
    if (w === 'CUSTOM') custom = true;
  }
  if (keys === 0) return '-ERR no keywords supplied';
  return `+OK event listener enabled ${l.format}`;
}

function unsubscribe(l: Listener, words: string[]): string {
  let keys = 0;
  let custom = false;
  for (const w of words) {
    if (custom) {
      l.subclasses.delete(w);
      continue;
    }
    if (!/^[A-Z_]+$/.test(w)) continue;
    keys++;
    if (w === 'ALL') {
      l.all = false;
      l.names.clear();
    } else l.names.delete(w);
    if (w === 'CUSTOM') custom = true;
  }
  return keys === 0 ? '-ERR no keywords supplied' : '+OK events nixed';
}

// `filter Header value` adds an allow filter, `filter delete Header [value]` removes.
function filter(l: Listener, words: string[]): string {
  if ((words[0] ?? '').toLowerCase() === 'delete') {
    const [, name = '', value] = words;
    l.filters = l.filters.filter(([n, v]) => !(n === name && (value === undefined || v === value)));
    return `+OK filter deleted. [${name}][${value ?? ''}]`;
  }
  const [name, ...rest] = words;
  if (!name || rest.length === 0) return '-ERR invalid syntax';
  l.filters.push([name, rest.join(' ')]);
  return `+OK filter added. [${name}]=[${rest.join(' ')}]`;
}

// event_handler(): ALL, or the event id, and for CUSTOM a subscribed subclass; then the allow filters.
function wants(l: Listener, event: EslEvent, headers: Array<[string, string]>): boolean {
  const named =
    l.all ||
    (l.names.has(event.name) &&
      (event.name !== 'CUSTOM' || event.subclass === undefined || l.subclasses.has(event.subclass)));
  if (!named) return false;
  if (l.filters.length === 0) return true;
  return l.filters.some(([name, value]) => {
    const v = headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
    if (v === undefined) return false;
    if (value.startsWith('/') && value.endsWith('/')) return new RegExp(value.slice(1, -1)).test(v);
    return v.toLowerCase() === value.toLowerCase();
  });
}
