import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { ManualClock } from '../common/clock.js';
import { History } from './history.js';
import { HistoryStore, parseHistory, readHistory } from './history-store.js';

const tempDir = tempDirs();

const tmp = () => tempDir('zd-hist-');

describe('HistoryStore', () => {
  it('writes each event as a line the moment it is appended, and reads them back', () => {
    const path = join(tmp(), 'history.jsonl');
    const clock = new ManualClock();
    const h = new History(clock);
    h.record('c1', 'invoke', 'call.invite', { callId: 'c1' });
    const store = HistoryStore.open(path).follow(h);
    clock.advance(20);
    h.record('c1', 'ok', 'call.answered', { callId: 'c1', node: 'fs1' });
    // on disk before close: a crash here keeps both events
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
    store.close();
    h.record('c1', 'info', 'media.started', {});
    const back = readHistory(path);
    expect(back.events.map((e) => e.kind)).toEqual(['call.invite', 'call.answered']);
    expect(back.events[1]).toEqual(h.events[1]);
    expect(back.truncatedTail).toBeUndefined();
    expect(() => store.write(h.events[2]!)).toThrow(/closed/);
  });

  it('keeps every complete line when the last one was cut short by a crash', () => {
    const path = join(tmp(), 'history.jsonl');
    const h = new History(new ManualClock());
    const store = HistoryStore.open(path).follow(h);
    h.record('nemesis', 'invoke', 'fault', { fault: 'crash' });
    store.close();
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"index":1,"timeMs":5,"wal`);
    const back = readHistory(path);
    expect(back.events).toHaveLength(1);
    expect(back.truncatedTail).toBe('{"index":1,"timeMs":5,"wal');
  });

  it('names file and line of a broken event in the middle', () => {
    const good = '{"index":0,"timeMs":0,"wallTime":"x","process":"p","type":"info","kind":"k","value":{}}';
    expect(() => parseHistory(`${good}\nnot json\n${good}\n`, 'run/history.jsonl')).toThrow(
      'run/history.jsonl:2: not valid JSON',
    );
    const badType = good.replace('"info"', '"done"').replace('"index":0', '"index":1');
    expect(() => parseHistory(`${good}\n${badType}\n`)).toThrow(/history.jsonl:2: type done is not one of/);
    expect(() => parseHistory(`${good}\n${good}\n`)).toThrow(/:2: index is 0, expected 1/);
  });
});
