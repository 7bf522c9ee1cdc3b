/**
 * The Logs page's structured records on the server (log-records.ts) over the receiver's real LogStore: numbered so a
 * record's detail can be asked for while memory holds it, filtered by tiers, least severity, text and attributes,
 * each answer bounded by its limit however many the store holds, attribute values that may be secret masked.
 */
import { describe, expect, it } from 'vitest';
import { maskedBody } from '../../src/config/masked-values.js';
import { ApiFailure } from '../../src/control/http-util.js';
import { recordPlaces } from '../../src/control/record-lines.js';
import { recordDetail, recordQuery, searchRecords } from '../../src/dashboard/log-records.js';
import { SECRET_MASK } from '../../src/dashboard/wire.js';
import type { StoredLogRecord } from '../../src/receiver/model/types.js';
import { LogStore } from '../../src/receiver/store/log-store.js';
import type { TierSnapshot } from '../../src/supervisor/types.js';

function record(n: number, fields: Partial<StoredLogRecord> = {}): StoredLogRecord {
  return { tier: n % 2 === 0 ? 'api' : 'web', service: 'shop', timeMs: n, severityNumber: 9, severityText: 'INFO', body: `record ${n}`, attributes: { n }, resource: { 'deployment.environment': 'test' }, ...fields };
}

const query = (text: string) => recordQuery(new URLSearchParams(text));
/** api and web, one instance each: a record listed under its tier, as the dashboard lists it (control/record-lines.ts). */
const STACK = ['api', 'web'].map((name) => ({ name, tier: name }) as TierSnapshot);
const search = (store: LogStore, text: string) => {
  const asked = query(text);
  return searchRecords(store, asked, recordPlaces(STACK, asked.tiers));
};
const owner = recordPlaces(STACK, []);
const refusal = (text: string) => {
  try {
    query(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiFailure);
    return (error as Error).message;
  }
  throw new Error(`${text} was accepted`);
};

describe('structured records on the server', () => {
  it('numbers the records memory holds: a number keeps naming its record after older ones are evicted', () => {
    const store = new LogStore({ perBoot: 1_000, inMemory: 3 });
    store.add([record(0), record(1), record(2)]);
    const seen: number[] = [];
    store.newestFirst((item, id) => void seen.push(id, item.timeMs));
    expect(seen).toEqual([2, 2, 1, 1, 0, 0]);
    // Each tier (api: even, web: odd) holds its newest 3: api's 0 and 2 and web's 1 go, from among the others.
    store.add([3, 4, 5, 6, 7, 8].map((n) => record(n)));
    expect([0, 1, 2].map((n) => store.numbered(n))).toEqual([undefined, undefined, undefined]);
    expect(store.numbered(3)?.body).toBe('record 3');
    expect(store.numbered(4)?.body).toBe('record 4');
    expect(store.numbered(8)?.body).toBe('record 8');
    expect(store.numbered(9)).toBeUndefined();
    expect(store.held).toBe(6);
  });

  it('filters by tiers, least severity, text and attributes (record or resource), every part at once', () => {
    const store = new LogStore({ perBoot: 1_000, inMemory: 100 });
    store.add([
      record(1, { severityNumber: 13, severityText: 'WARN', body: 'Checkout slow', attributes: { 'user.id': 42 } }),
      record(2, { severityNumber: 17, severityText: 'ERROR', body: 'checkout failed', attributes: { 'user.id': 7 } }),
      record(3, { severityNumber: 0, severityText: 'WARN', body: 'named only' }),
      record(4, { body: 'checkout started', attributes: { 'user.id': 42 } }),
    ]);
    const bodies = (text: string) => search(store, text).records.map((one) => one.body);
    expect(bodies('')).toEqual(['Checkout slow', 'checkout failed', 'named only', 'checkout started']);
    expect(bodies('tier=web&tier=api&severity=warn')).toEqual(['Checkout slow', 'checkout failed', 'named only']);
    expect(bodies('tier=api')).toEqual(['checkout failed', 'checkout started']);
    expect(bodies('q=CHECKOUT&attr=user.id=42')).toEqual(['Checkout slow', 'checkout started']);
    expect(bodies('attr=deployment.environment=test&severity=ERROR')).toEqual(['checkout failed']);
    expect(bodies('attr=user.id=42&attr=user.id=7')).toEqual([]);
  });

  it('matches what the page shows, never what it masks: a search cannot confirm a secret it cannot see', () => {
    const store = new LogStore({ perBoot: 1_000, inMemory: 100 });
    store.add([
      record(1, { body: JSON.stringify({ msg: 'login', password: 'hunter2-body' }), attributes: { authorization: 'Basic dXNlcjpwdw', api_key: 'k-123' } }),
      record(2, { body: 'login hunter2 ok', attributes: { 'user.id': 'k-123' } }),
    ]);
    const bodies = (text: string) => search(store, text).records.map((one) => one.body);
    expect(bodies('q=hunter2-body')).toEqual([]);
    expect(bodies('q=login')).toHaveLength(2);
    expect(bodies('attr=api_key=k-123')).toEqual([]);
    expect(bodies('attr=authorization=Basic%20dXNlcjpwdw')).toEqual([]);
    expect(bodies(`attr=api_key=${encodeURIComponent(SECRET_MASK)}`)).toHaveLength(1);
    expect(bodies('attr=user.id=k-123')).toEqual(['login hunter2 ok']);
    const detail = JSON.stringify(recordDetail(store, search(store, `attr=api_key=${encodeURIComponent(SECRET_MASK)}`).records[0]!.id, owner));
    expect(detail).not.toContain('dXNlcjpwdw');
    expect(detail).not.toContain('hunter2-body');
  });

  it('shows a structured body with nothing to mask as it was sent: a large id and its spacing kept, and found', () => {
    const store = new LogStore({ perBoot: 1_000, inMemory: 100 });
    const sent = '{"id": 12345678901234567890,  "msg": "paid"}';
    store.add([record(1, { body: sent }), record(2, { body: '{"id": 12345678901234567890, "token": "t-secret"}' })]);
    const bodies = (text: string) => search(store, text).records.map((one) => one.body);
    expect(bodies('q=12345678901234567890')).toEqual([sent]);
    // Masked, it is written again (the secret gone), as before.
    const masked = bodies('q=id')[1]!;
    expect(masked).not.toContain('t-secret');
    expect(JSON.parse(masked)).toEqual({ id: 12345678901234567890, token: SECRET_MASK });
    expect(maskedBody(sent)).toBe(sent);
    expect(maskedBody('[1, 2,  3]')).toBe('[1, 2,  3]');
  });

  it("masks a plain body's secret-named `key=value` and `key: value` in place, the rest as sent", () => {
    expect(maskedBody('GET /x?token=abc123&a=1 | bare token=abc123 | password=hunter22')).toBe('GET /x?token=***&a=1 | bare token=*** | password=***');
    expect(maskedBody('retrying: password: hunter22, tokenizer=fast')).toBe('retrying: password: ***, tokenizer=fast');
    expect(maskedBody('{"msg":"bare token=abc123"}')).not.toContain('abc123');
  });

  it('answers at most `limit` records, the newest, whatever the store holds, and counts every match', () => {
    const store = new LogStore({ perBoot: 100_000, inMemory: 10_000 });
    store.add(Array.from({ length: 10_000 }, (_, n) => record(n)));
    const answer = search(store, 'limit=3&tier=api');
    expect(answer).toMatchObject({ held: 10_000, matched: 5_000 });
    expect(answer.records.map((one) => one.body)).toEqual(['record 9994', 'record 9996', 'record 9998']);
    // Past LOG_RECORDS_MAX the limit is the bound.
    expect(search(store, 'limit=999999').records).toHaveLength(2_000);
  });

  it("shows a record whole, its attributes' and resource's values masked where they may be secret", () => {
    const store = new LogStore({ perBoot: 10, inMemory: 10 });
    store.add([record(1, { attributes: { 'auth.token': 'sekret-987654', url: 'https://bob:hunter2222@db.example/x', count: 3 }, traceId: 'a'.repeat(32), eventName: 'cart.add' })]);
    const detail = recordDetail(store, 0, owner)!;
    expect(detail).toMatchObject({ id: 0, body: 'record 1', tier: 'web', service: 'shop', severityNumber: 9, eventName: 'cart.add', traceId: 'a'.repeat(32), masked: 2 });
    expect(detail.attributes).toEqual([
      ['auth.token', SECRET_MASK],
      ['count', '3'],
      ['url', 'https://bob:***@db.example/x'],
    ]);
    expect(detail.resource).toEqual([['deployment.environment', 'test']]);
    expect(JSON.stringify(detail)).not.toMatch(/sekret|hunter2222/);
    expect(recordDetail(store, 1, owner)).toBeUndefined();
  });

  it("lists a replica's records under it, as `land logs` does: a replica asked for shows its own and those no replica can be told to own", () => {
    const stack = [
      { name: 'api', tier: 'api' },
      { name: 'web.1', tier: 'web', group: 'web', replica: 1 },
      { name: 'web.2', tier: 'web', group: 'web', replica: 2 },
    ] as TierSnapshot[];
    const store = new LogStore({ perBoot: 1_000, inMemory: 100 });
    const from = (instance: string | undefined, body: string): Partial<StoredLogRecord> => ({ tier: 'web', body, resource: instance === undefined ? {} : { 'service.instance.id': instance } });
    store.add([record(1, from('web.1', 'one says')), record(3, from('web.2', 'two says')), record(5, from('own-id', 'untold')), record(2, { body: 'api says' })]);
    const listed = (text: string) => {
      const asked = query(text);
      return searchRecords(store, asked, recordPlaces(stack, asked.tiers)).records.map((one) => `${one.tier}: ${one.body}`);
    };
    expect(listed('tier=web.2')).toEqual(['web.2: two says', 'web: untold']);
    expect(listed('tier=web.1&tier=api')).toEqual(['web.1: one says', 'web: untold', 'api: api says']);
    expect(listed('tier=web')).toEqual(['web.1: one says', 'web.2: two says', 'web: untold']);
    expect(listed('')).toEqual(['web.1: one says', 'web.2: two says', 'web: untold', 'api: api says']);
    expect(listed('tier=gone.3')).toEqual([]);
    const twoSays = searchRecords(store, query('q=two'), recordPlaces(stack, [])).records[0]!.id;
    expect(recordDetail(store, twoSays, recordPlaces(stack, []))).toMatchObject({ tier: 'web.2', body: 'two says' });
  });

  it('refuses a bad parameter in one line naming it and what was expected', () => {
    expect(refusal('severity=LOUD')).toBe('severity: expected one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, got "LOUD"');
    expect(refusal('attr=novalue')).toBe('attr: expected key=value, got "novalue"');
    expect(refusal('attr==x')).toBe('attr: expected key=value, got "=x"');
    expect(refusal('limit=0')).toBe('limit: expected a whole number ≥ 1, got "0"');
    expect(refusal(Array.from({ length: 33 }, (_, i) => `tier=t${i}`).join('&'))).toBe('tier: expected at most 32 values, got 33');
    expect(refusal(`q=${'x'.repeat(201)}`)).toBe('q: expected at most 200 characters, got 201');
  });
});
