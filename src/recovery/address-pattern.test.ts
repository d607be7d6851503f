import { describe, expect, it } from 'vitest';
import { boundedIpPattern, countIpOccurrences, enclosingElement } from './address-pattern.js';

describe('boundedIpPattern', () => {
  const hits = (text: string, ip = '1.2.3.4') => text.match(boundedIpPattern([ip])) ?? [];

  it('matches the address after markup, a space, or a %XX escape', () => {
    expect(hits('<ip>1.2.3.4</ip>')).toHaveLength(1);
    expect(hits('sipp%401.2.3.4%3A5060')).toHaveLength(1);
    expect(hits('IN%20IP4%201.2.3.4%0D%0A')).toHaveLength(1);
    expect(hits('1.2.3.4')).toHaveLength(1);
  });

  it('never matches a longer address that contains it', () => {
    expect(hits('<ip>1.2.3.40</ip>')).toHaveLength(0);
    expect(hits('<ip>11.2.3.4</ip>')).toHaveLength(0);
    expect(hits('<ip>1.2.3.4.5</ip>')).toHaveLength(0);
    expect(hits('%4011.2.3.4')).toHaveLength(0);
  });

  it('tells the escape digits apart from the address digits', () => {
    expect(hits('%20198.18.0.1', '198.18.0.1')).toHaveLength(1);
    expect(hits('%201198.18.0.1', '198.18.0.1')).toHaveLength(0);
    expect(countIpOccurrences('a%40127.0.0.2%3A b 127.0.0.20 >127.0.0.2<', '127.0.0.2')).toBe(2);
  });

  it('finds the element a position is in', () => {
    const xml = '<a><local_media_ip>1.2.3.4</local_media_ip><b x="1.2.3.4"/></a>';
    expect(enclosingElement(xml, xml.indexOf('1.2.3.4'))).toBe('local_media_ip');
    expect(enclosingElement(xml, xml.lastIndexOf('1.2.3.4'))).toBe('b');
  });
});
