// FreeSWITCH node config: lab/freeswitch/freeswitch.xml filled per node (switch.conf with the node's own
// PostgreSQL role, one tracked sofia profile, ESL, disjoint RTP range, the lab dialplan).
import { ScenarioConfigError } from '../common/errors.js';
import { renderLabTemplate } from '../lab/render-template.js';

/** One dialplan entry; the same shape fs-sim's config uses, so both run the same scenarios. */
export interface DialplanEntry {
  /** Destination number, matched exactly (`^N$`). */
  number: string;
  app: 'echo' | 'bridge' | 'conference' | 'tone';
  /** bridge only: the callee, `user@host:port` (channel variables such as `${destination_number}` allowed). */
  target?: string;
}

/** Everything that differs between two nodes' configs. */
export interface FreeswitchXmlParams {
  switchname: string;
  /** Where SIP and RTP bind and what they advertise (the node IP, or the keepalived VIP). */
  serviceIp: string;
  sipPort: number;
  profile: string;
  rtpPorts: { min: number; max: number };
  /** ESL listens here (the node's own lab address). */
  eslIp: string;
  eslPort: number;
  eslPassword: string;
  db: { host: string; port: number; database: string; user: string; password: string };
  dialplan: readonly DialplanEntry[];
  /** `ip:port` of the proxy bridged B-legs are routed through (`;fs_path=sip:…`); none = direct. */
  proxy?: string;
  /** Core log level (default 'debug', as in the fixture config). */
  logLevel?: string;
  /** Default 1000. */
  maxSessions?: number;
}

const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const IPV4_RE = /^\d{1,3}(\.\d{1,3}){3}$/;
const IDENT_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/** XML attribute escaping; `$` is left alone (FreeSWITCH expands `${var}` at call time on purpose). */
export function xmlAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A libpq keyword value: quoted when it holds spaces, quotes or backslashes. */
function libpqValue(v: string): string {
  return /^[^\s'\\]+$/.test(v) ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The core-db-dsn mod_pgsql understands: `pgsql://hostaddr=… port=… dbname=… user=… password=…`. */
export function coreDbDsn(db: FreeswitchXmlParams['db']): string {
  const kv = {
    hostaddr: db.host,
    port: String(db.port),
    dbname: db.database,
    user: db.user,
    password: db.password,
  };
  return `pgsql://${Object.entries(kv)
    .map(([k, v]) => `${k}=${libpqValue(v)}`)
    .join(' ')}`;
}

/** Checks what goes into the XML; throws ScenarioConfigError naming the field. */
export function validateFreeswitchParams(p: FreeswitchXmlParams, where = 'freeswitch'): void {
  const bad = (field: string, problem: string): never => {
    throw new ScenarioConfigError(`${where}.${field}`, problem);
  };
  if (!NAME_RE.test(p.switchname)) bad('switchname', `'${p.switchname}' must match ${NAME_RE}`);
  if (!NAME_RE.test(p.profile)) bad('profile', `'${p.profile}' must match ${NAME_RE}`);
  for (const [field, ip] of [
    ['serviceIp', p.serviceIp],
    ['eslIp', p.eslIp],
    ['db.host', p.db.host],
  ] as const)
    if (!IPV4_RE.test(ip)) bad(field, `'${ip}' is not an IPv4 address (mod_pgsql's hostaddr needs one)`);
  if (!IDENT_RE.test(p.db.user)) bad('db.user', `'${p.db.user}' is not a plain role name`);
  if (!IDENT_RE.test(p.db.database)) bad('db.database', `'${p.db.database}' is not a plain database name`);
  if (p.eslPassword === '' || /[\s]/.test(p.eslPassword))
    bad('eslPassword', 'must be non-empty without spaces');
  const { min, max } = p.rtpPorts;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1024 || max > 65535 || max <= min)
    bad('rtpPorts', `${min}..${max} is not a port range inside 1024..65535`);
  if (p.dialplan.length === 0) bad('dialplan', 'needs at least one entry');
  const seen = new Set<string>();
  p.dialplan.forEach((d, i) => {
    if (!/^[0-9A-Za-z*#+_-]{1,32}$/.test(d.number))
      bad(`dialplan.${i}.number`, `'${d.number}' is not a plain number`);
    if (seen.has(d.number)) bad(`dialplan.${i}.number`, `'${d.number}' appears twice`);
    seen.add(d.number);
    if (d.app === 'bridge' && !/^[^@\s;]+@[^@\s;]+$/.test(d.target ?? ''))
      bad(`dialplan.${i}.target`, `bridge needs a target user@host[:port], got '${d.target ?? ''}'`);
  });
  if (p.proxy !== undefined && !/^[^:\s;]+(:\d+)?$/.test(p.proxy))
    bad('proxy', `'${p.proxy}' must be ip[:port]`);
}

/** The dialplan actions of one entry (fixture config: echo 1000, tone 1001, bridge 2000). */
function actions(d: DialplanEntry, profile: string, proxy: string | undefined): string[] {
  switch (d.app) {
    case 'echo':
      return ['answer', 'echo'].map((a) => `<action application="${a}"/>`);
    case 'tone':
      return [
        '<action application="answer"/>',
        '<action application="playback" data="tone_stream://%(1000,0,440);loops=-1"/>',
      ];
    case 'conference':
      return [
        '<action application="answer"/>',
        `<action application="conference" data="zd-${xmlAttr(d.number)}@default"/>`,
      ];
    case 'bridge': {
      // Through the proxy as in the proxy-tier fixtures: sofia/internal/uas@H:P;fs_path=sip:PROXY
      const path = proxy ? `;fs_path=sip:${proxy}` : '';
      return [`<action application="bridge" data="${xmlAttr(`sofia/${profile}/${d.target}${path}`)}"/>`];
    }
  }
}

/** The `<extension>` elements of the public context. */
export function renderExtensions(p: Pick<FreeswitchXmlParams, 'dialplan' | 'profile' | 'proxy'>): string {
  return p.dialplan
    .map((d) => {
      const body = actions(d, p.profile, p.proxy)
        .map((a) => `          ${a}`)
        .join('\n');
      return [
        `      <extension name="${d.app}-${xmlAttr(d.number)}">`,
        `        <condition field="destination_number" expression="^${xmlAttr(d.number.replace(/[*+#]/g, '\\$&'))}$">`,
        body,
        '        </condition>',
        '      </extension>',
      ].join('\n');
    })
    .join('\n');
}

/** Renders freeswitch.xml for one node. */
export function renderFreeswitchXml(p: FreeswitchXmlParams): string {
  validateFreeswitchParams(p);
  return renderLabTemplate('freeswitch/freeswitch.xml', {
    SWITCHNAME: p.switchname,
    CORE_DB_DSN: xmlAttr(coreDbDsn(p.db)),
    MAX_SESSIONS: p.maxSessions ?? 1000,
    SESSIONS_PER_SECOND: 200,
    LOG_LEVEL: p.logLevel ?? 'debug',
    RTP_START: p.rtpPorts.min,
    RTP_END: p.rtpPorts.max,
    ESL_IP: p.eslIp,
    ESL_PORT: p.eslPort,
    ESL_PASSWORD: xmlAttr(p.eslPassword),
    PROFILE: p.profile,
    SIP_IP: p.serviceIp,
    RTP_IP: p.serviceIp,
    SIP_PORT: p.sipPort,
    EXTENSIONS: renderExtensions(p),
  });
}
