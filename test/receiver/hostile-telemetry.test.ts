/**
 * What a child sends is shown safely on every surface of a real stack: a child posts OTLP/JSON with span names that
 * carry terminal control sequences, attributes and log bodies that hold secrets, and one span twice (a retrying
 * exporter). `land trace` and `land logs` print no control character of the child's; `--json` masks secrets as the
 * dashboard does; the span sent twice counts once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, status } from '../control/helpers.js';
import { call, login, upWithDashboard } from '../dashboard/helpers.js';
import { E2E_TIMEOUT } from '../devloop/helpers.js';
import { SECRET_MASK, type LogRecordDetail, type LogRecordList } from '../../src/dashboard/wire.js';

const HOSTILE = join(ROOT, 'test', 'fixtures', 'otlp-hostile-child.mjs');
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

const runs: LandRun[] = [];
let dir = '';
let traceId = '';
let port = 0;
let cookie = '';

beforeAll(async () => {
  dir = makeProject({ config: { app: 'shop', tiers: { hostile: { command: ['node', HOSTILE], ready: { log: 'hostile posted' } } } } });
  const up = await upWithDashboard(dir);
  runs.push(up.run);
  port = up.port;
  await up.run.waitFor(/hostile posted ([0-9a-f]{32})/, 60_000);
  traceId = /hostile posted ([0-9a-f]{32})/.exec(up.run.stdout)![1]!;
  cookie = await login(port, up.url);
}, E2E_TIMEOUT);

const SECRETS = /ak-live-1234567890|hunter2-hunter2|abcdef0123456789|kv-secret-pw-77/;
const api = async <T>(path: string): Promise<T> => {
  const answer = await call(port, path, { headers: { cookie } });
  expect(answer.status, answer.body).toBe(200);
  expect(answer.body).not.toMatch(SECRETS);
  return JSON.parse(answer.body) as T;
};

afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

describe("a child's hostile telemetry", () => {
  it('land trace escapes control characters in span names; land logs in record bodies, not in the tier own lines', async () => {
    const tree = await landDone(['trace'], dir, { COLUMNS: '120' });
    expect(tree.code).toBe(0);
    expect(tree.stdout).not.toMatch(CONTROL);
    expect(tree.stdout).toContain('esc \\x1b]0;TITLE\\x07 \\x1b[2J x');
    expect(tree.stdout).toMatch(/child\\nwith newline +hostile /);

    const logs = await landDone(['logs', 'hostile'], dir);
    expect(logs.code).toBe(0);
    const record = logs.stdout.split('\n').find((line) => line.includes('[otlp INFO]'))!;
    expect(record).toContain('painted \\x1b[31mred\\x1b[0m \\x1b]0;TITLE\\x07 end');
    expect(record).not.toMatch(CONTROL);
    expect(logs.stdout).toContain('\u001b[32mgreen own line\u001b[0m');
  });
});

describe("a child's secrets", () => {
  it('land trace --json, land logs and --json, the dashboard: the same masking, a structured body masked by its keys', async () => {
    const traced = await landDone(['trace', '--trace', traceId, '--json'], dir);
    expect(traced.code).toBe(0);
    expect(traced.stdout).not.toMatch(SECRETS);
    const spans = traced.stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; attributes: Record<string, unknown> });
    const painted = spans.find((span) => span.name.startsWith('esc '))!;
    // `authorization` is a secret name (whatever its scheme): masked whole, as api_key is.
    expect(painted.attributes).toMatchObject({ api_key: SECRET_MASK, password: SECRET_MASK, authorization: SECRET_MASK, 'http.route': '/orders' });

    for (const args of [['logs', 'hostile'], ['logs', 'hostile', '--json']]) {
      const logs = await landDone(args, dir);
      expect(logs.code).toBe(0);
      expect(logs.stdout).not.toMatch(SECRETS);
      expect(logs.stdout).toContain('login attempt');
    }
    const lines = (await landDone(['logs', 'hostile', '--json'], dir)).stdout.trim().split('\n').map((line) => JSON.parse(line) as { record?: { body: string; attributes: Record<string, unknown> } });
    const warned = lines.find((line) => line.record?.body.includes('login attempt'))!.record!;
    expect(JSON.parse(warned.body)).toEqual({ msg: 'login attempt', password: SECRET_MASK, user: 'bob' });
    expect(warned.attributes).toEqual({ api_key: SECRET_MASK });

    const list = await api<LogRecordList>('/api/log-records?tier=hostile');
    const listed = list.records.find((record) => record.body.includes('login attempt'))!;
    expect(JSON.parse(listed.body)).toEqual({ msg: 'login attempt', password: SECRET_MASK, user: 'bob' });
    const detail = await api<LogRecordDetail>(`/api/log-records/${listed.id}`);
    expect(JSON.parse(detail.body)).toMatchObject({ password: SECRET_MASK });
    await api('/api/spans');
  });
});

describe('a span sent twice', () => {
  it('is counted once: in status, in land trace, on the dashboard', async () => {
    expect((await status(dir)).receiver!.tiers.hostile).toMatchObject({ spans: 3, dropped: 0 });
    const traced = (await landDone(['trace', '--trace', traceId, '--json'], dir)).stdout.trim().split('\n');
    expect(traced.filter((line) => line.includes('"retried.span"'))).toHaveLength(1);
    const { spans } = await api<{ spans: Array<{ name: string }> }>(`/api/spans?trace=${traceId}`);
    expect(spans.filter((span) => span.name === 'retried.span')).toHaveLength(1);
  });
});
