// fs-sim in the lab image: the esbuild bundle on Debian's Node 18, SQLite core DB, a sipp call, ESL.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFsSim } from '../lab/fs-sim/build.js';

/** Newest local lab image, if the lab build has run on this machine. */
function labImage(): string | undefined {
  try {
    const out = execFileSync('docker', ['images', 'zerodrop/lab', '--format', '{{.Repository}}:{{.Tag}}'], {
      encoding: 'utf8',
    });
    return out.split('\n').find((l) => l.startsWith('zerodrop/lab:'));
  } catch {
    return undefined;
  }
}

const image = labImage();

/** A minimal ESL client for inside the container: `node esl.mjs "show calls"` prints the api body. */
const ESL = `import net from 'node:net';
const cmd = process.argv[2];
const s = net.connect(8021, '127.0.0.1');
let buf = '';
let stage = 0;
s.on('data', (d) => {
  buf += d;
  if (stage === 0 && buf.includes('auth/request')) { stage = 1; buf = ''; s.write('auth ClueCon\\n\\n'); }
  else if (stage === 1 && buf.includes('Reply-Text: +OK')) { stage = 2; buf = ''; s.write('api ' + cmd + '\\n\\n'); }
  else if (stage === 2) {
    const m = /Content-Length: (\\d+)\\n\\n/.exec(buf);
    if (m && buf.length >= m.index + m[0].length + Number(m[1])) {
      process.stdout.write(buf.slice(m.index + m[0].length, m.index + m[0].length + Number(m[1])));
      process.exit(0);
    }
  }
});
setTimeout(() => process.exit(3), 5000);
`;

const CONFIG = JSON.stringify({
  switchname: 'fs-img',
  sip: { ip: '127.0.0.1' },
  media: { ip: '127.0.0.1', rtpStart: 16384, rtpEnd: 16999 },
  esl: { ip: '127.0.0.1', port: 8021, password: 'ClueCon' },
  db: { sqlite: '/tmp/core.db' },
  dialplan: [{ number: '1000', app: 'echo' }],
});

const SCRIPT = [
  'set -u',
  'node --version',
  'node /opt/fs-sim/fs-sim.mjs --config /t/config.json > /tmp/fs.log 2>&1 &',
  "for i in $(seq 100); do grep -q 'fs-sim ready' /tmp/fs.log && break; sleep 0.1; done",
  'echo "STATUS: $(node /t/esl.mjs status | sed -n 2p)"',
  'sipp -sn uac -s 1000 127.0.0.1:5060 -i 127.0.0.1 -p 5070 -m 1 -d 3000 -timeout 20 -nostdin >/dev/null 2>&1 &',
  'SIPP=$!',
  'sleep 1.5',
  'echo "DURING: $(node /t/esl.mjs "show calls" | tail -1)"',
  'echo "ROWFILE: $(grep -c "switchname=\\"fs-img\\"" /tmp/core.db)"',
  'wait $SIPP',
  'echo "SIPP_RC=$?"',
  'sleep 0.5',
  'echo "AFTER: $(node /t/esl.mjs "show calls" | tail -1)"',
  'cat /tmp/fs.log | tail -5',
  '',
].join('\n');

describe('fs-sim in the lab image', () => {
  it.skipIf(!image)(
    'fidelity: the bundle runs on Node 18 in the lab image with a SQLite core DB; a sipp echo call is tracked and untracked',
    async () => {
      const bundle = await buildFsSim();
      const dir = mkdtempSync(join(tmpdir(), 'fs-sim-img-'));
      writeFileSync(join(dir, 'esl.mjs'), ESL);
      writeFileSync(join(dir, 'config.json'), CONFIG);
      writeFileSync(join(dir, 'run.sh'), SCRIPT);
      const r = spawnSync(
        'docker',
        [
          'run',
          '--rm',
          '--network',
          'none',
          '-v',
          `${dirname(bundle)}:/opt/fs-sim:ro`,
          '-v',
          `${dir}:/t:ro`,
          image as string,
          'bash',
          '/t/run.sh',
        ],
        { encoding: 'utf8', timeout: 120_000 },
      );
      const out = `${r.stdout}\n${r.stderr}`;
      expect(out).toMatch(/^v18\./m);
      expect(out).toMatch(/STATUS: fs-sim \(emulating FreeSWITCH Version 1\.10\.12/);
      expect(out).toMatch(/DURING: 1 total\./);
      expect(out).toMatch(/ROWFILE: 1/);
      expect(out).toMatch(/SIPP_RC=0/);
      expect(out).toMatch(/AFTER: 0 total\./);
    },
  );
});
