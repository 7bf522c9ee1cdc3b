/**
 * The Traces page's span detail masks what may be secret as a log record's detail does: a real `land up` whose child
 * sends a span over OTLP/JSON (test/fixtures/otlp-json-child.mjs) with `auth.token`, a URL with a password and an
 * event attribute named secret; `/api/spans` answers them masked, and a plain attribute as it was sent.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp } from '../control/helpers.js';
import { ROOT, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { SECRET_MASK, type SpanView } from '../../src/dashboard/wire.js';
import { call, login, upWithDashboard } from './helpers.js';

const OTLP_CHILD = join(ROOT, 'test', 'fixtures', 'otlp-json-child.mjs');
const runs: LandRun[] = [];
afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

describe("a child's span on the dashboard", () => {
  it('answers its attributes and event attributes masked where they may be secret', async () => {
    const dir = makeProject({ config: { app: 'spans', tiers: { web: { command: ['node', OTLP_CHILD], ready: { log: 'otlp posted' } } } } });
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/otlp posted/);
    const cookie = await login(port, url);
    const answer = await call(port, '/api/spans', { headers: { cookie } });
    expect(answer.status).toBe(200);
    expect(answer.body).not.toMatch(/span-token-value-654|span-pw-321|event-secret-value-111/);
    const { spans } = JSON.parse(answer.body) as { spans: SpanView[] };
    const request = spans.find((span) => span.name === 'request 1');
    expect(request?.attributes).toMatchObject({ 'auth.token': SECRET_MASK, 'http.route': '/checkout' });
    expect(String(request?.attributes['db.url'])).toMatch(/^postgres:\/\/app:.+@db\.local\/shop$/);
    expect(request?.events?.[0]?.attributes).toEqual({ 'session.secret': SECRET_MASK });
  });
});
