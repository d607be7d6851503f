import { describe, expect, it } from 'vitest';
import { EventSubscription } from './event-subscription.js';

const recovered = { name: 'CUSTOM', subclass: 'sofia::recovery_recovered' };
const h = (uuid: string): Array<[string, string]> => [
  ['Event-Name', 'CHANNEL_ANSWER'],
  ['Unique-ID', uuid],
];

describe('EventSubscription (mod_event_socket listener rules)', () => {
  it('CUSTOM needs the subclass; plain names match; subscriptions add up; format follows the last event command', () => {
    const s = new EventSubscription();
    expect(s.wants({ name: 'CHANNEL_ANSWER' }, h('u1'))).toBe(false);
    expect(s.subscribe(['json', 'CHANNEL_ANSWER'])).toBe('+OK event listener enabled json');
    expect(s.subscribe(['plain', 'CUSTOM'])).toBe('+OK event listener enabled plain');
    expect(s.format).toBe('plain');
    expect(s.wants({ name: 'CHANNEL_ANSWER' }, h('u1'))).toBe(true);
    expect(s.wants(recovered, [])).toBe(false);
    s.subscribe(['CUSTOM', 'sofia::recovery_recovered']);
    expect(s.wants(recovered, [])).toBe(true);
    expect(s.subscribe(['json'])).toBe('-ERR no keywords supplied');
  });

  it('nixevent, noevents, ALL', () => {
    const s = new EventSubscription();
    s.subscribe(['ALL']);
    expect(s.wants(recovered, [])).toBe(true);
    expect(s.unsubscribe(['ALL'])).toBe('+OK events nixed');
    expect(s.wants({ name: 'CHANNEL_ANSWER' }, h('u1'))).toBe(false);
    expect(s.clear()).toBe('-ERR not listening for events');
    s.subscribe(['CHANNEL_ANSWER']);
    expect(s.clear()).toBe('+OK no longer listening for events');
  });

  it('allow filters: exact (case-insensitive) or /regex/, deletable', () => {
    const s = new EventSubscription();
    s.subscribe(['CHANNEL_ANSWER']);
    expect(s.filter(['Unique-ID', 'u1'])).toBe('+OK filter added. [Unique-ID]=[u1]');
    expect(s.wants({ name: 'CHANNEL_ANSWER' }, h('U1'))).toBe(true);
    expect(s.wants({ name: 'CHANNEL_ANSWER' }, h('u2'))).toBe(false);
    s.filter(['Unique-ID', '/^u[0-9]$/']);
    expect(s.wants({ name: 'CHANNEL_ANSWER' }, h('u2'))).toBe(true);
    expect(s.filter(['delete', 'Unique-ID'])).toBe('+OK filter deleted. [Unique-ID][]');
    expect(s.wants({ name: 'CHANNEL_ANSWER' }, h('zz'))).toBe(true);
    expect(s.filter(['Unique-ID'])).toBe('-ERR invalid syntax');
  });
});
