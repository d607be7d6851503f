import { describe, expect, it } from 'vitest';
import { assignMediaPorts } from './assign-media-ports.js';

const source = { rtpPortMin: 16_384, rtpPortMax: 16_399 };

describe('assignMediaPorts', () => {
  it('keeps ports that are free on the target', () => {
    const out = assignMediaPorts([{ uuid: 'x', port: 16_390 }], [20_000], source);
    expect(out.get('x')).toBe(16_390);
  });

  it('moves a port that collides with the target or its RTCP neighbour to a free one of the source range', () => {
    const out = assignMediaPorts(
      [
        { uuid: 'x', port: 16_390 },
        { uuid: 'y', port: 16_392 },
      ],
      [16_390, 16_393, 16_384],
      source,
    );
    expect(out.get('x')).toBe(16_386);
    expect(out.get('y')).toBe(16_388);
  });

  it('never gives two moved legs the same port', () => {
    const out = assignMediaPorts(
      [
        { uuid: 'x', port: 16_390 },
        { uuid: 'y', port: 16_390 },
      ],
      [],
      source,
    );
    expect(new Set(out.values()).size).toBe(2);
  });

  it('says so when the range is exhausted', () => {
    const busy = Array.from({ length: 8 }, (_, i) => 16_384 + 2 * i);
    const out = assignMediaPorts([{ uuid: 'x', port: 16_384 }], busy, source);
    expect(out.get('x')).toBeUndefined();
  });
});
