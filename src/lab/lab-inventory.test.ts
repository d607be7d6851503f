import { describe, expect, it } from 'vitest';
import { demuxDockerLog } from './docker-container.js';
import { formatLabs, summarizeLabs } from './lab-inventory.js';

describe('summarizeLabs', () => {
  it('groups containers and networks by lab id, hosts in address order', () => {
    const labels = (lab: string, host: string, role: string) => ({
      'zerodrop.lab': lab,
      'zerodrop.host': host,
      'zerodrop.role': role,
    });
    const labs = summarizeLabs(
      [
        {
          id: '1',
          name: 'zd-b-proxy',
          labels: labels('b', 'proxy', 'proxy'),
          status: 'running',
          ip: '198.19.2.20',
        },
        {
          id: '2',
          name: 'zd-b-pg',
          labels: labels('b', 'pg', 'postgres'),
          status: 'exited',
          ip: '198.19.2.10',
        },
        { id: '3', name: 'zd-a-pg', labels: labels('a', 'pg', 'postgres'), status: 'running' },
      ],
      [
        {
          id: 'n',
          name: 'zd-b',
          labels: { 'zerodrop.lab': 'b', 'zerodrop.topology': 'farm' },
          subnet: '198.19.2.0/24',
          internal: true,
        },
      ],
    );
    expect(labs.map((l) => l.id)).toEqual(['a', 'b']);
    expect(labs[1]).toMatchObject({ topology: 'farm', subnet: '198.19.2.0/24' });
    expect(labs[1]?.hosts.map((h) => `${h.name}:${h.status}`)).toEqual(['pg:exited', 'proxy:running']);
    expect(formatLabs(labs)).toContain('lab b  farm  zd-b 198.19.2.0/24');
    expect(formatLabs([])).toBe('no zerodrop labs');
  });
});

describe('demuxDockerLog', () => {
  it('joins stdout and stderr frames and passes TTY output through', () => {
    const frame = (kind: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = kind;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    expect(demuxDockerLog(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]))).toBe('out\nerr\n');
    expect(demuxDockerLog(Buffer.from('plain tty text\n'))).toBe('plain tty text\n');
  });
});
