/// <reference lib="dom" />
/**
 * A line a child leaves without its newline is shown at once (a quiet fragment, `Password: …`); when the rest comes,
 * the dashboard joins it to that line in place: in its ring (`/api/logs`), in the live stream (`updated`), on a page
 * that reconnects (`updatedAfter`), and in the Logs page a browser shows.
 */
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { child, makeProject } from '../helpers/land.js';
import type { LogPage, StreamMessage } from '../../src/dashboard/wire.js';
import { browserSession, call, login, upWithDashboard } from './helpers.js';

const { runs, openPage } = browserSession();

/** The live stream's messages, as they come, until `done` says so. */
function streamUntil(port: number, cookie: string, done: (messages: StreamMessage[]) => boolean): Promise<StreamMessage[]> {
  return new Promise((resolve, reject) => {
    const messages: StreamMessage[] = [];
    const req = request({ host: '127.0.0.1', port, path: '/api/stream', headers: { host: `127.0.0.1:${port}`, cookie }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n')) {
          const data = text.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
          text = text.slice(end + 2);
          if (data) messages.push(JSON.parse(data.slice('data: '.length)) as StreamMessage);
        }
        if (done(messages)) {
          res.destroy();
          resolve(messages);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard and a line in fragments', () => {
  it('joins the rest of a quiet fragment to it in place: ring, live stream, catch-up and the Logs page', async () => {
    const dir = makeProject({
      config: { tiers: { prompt: { command: child('--partial', 'Password: ', '--rest-after', 'go'), ready: { log: 'Password: ' } } } },
    });
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/prompt: starting → ready/);
    const cookie = await login(port, url);
    const logs = async (query = '') => JSON.parse((await call(port, `/api/logs${query}`, { headers: { cookie } })).body) as LogPage;

    const before = await logs();
    const seq = before.lines.find((line) => line[4] === 'Password: …')![0];
    const revision = before.revision!;
    const { page, pageErrors } = await openPage();
    await page.goto(url);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Logs' }).click();
    await page.locator('.log-row .text', { hasText: 'Password: …' }).waitFor();

    const live = streamUntil(port, cookie, (messages) => messages.some((message) => message.kind === 'logs' && message.updated?.length));
    writeFileSync(join(dir, 'go'), '');
    const messages = await live;
    const update = messages.flatMap((message) => (message.kind === 'logs' ? (message.updated ?? []) : []));
    expect(update).toEqual([[seq, expect.any(Number), 'Password:  and the rest']]);

    // The ring holds the line joined; a page that was away asks for what changed among the lines it holds.
    await page.locator('.log-row .text', { hasText: 'partial done' }).waitFor();
    const after = await logs();
    expect(after.lines.filter((line) => line[1] === 'prompt').map((line) => line[4])).toEqual(['Password:  and the rest', 'partial done']);
    const caughtUp = await logs(`?since=${seq + 1}&updatedAfter=${revision}`);
    expect(caughtUp.updated).toEqual([[seq, expect.any(Number), 'Password:  and the rest']]);
    expect((await logs(`?since=${seq + 1}&updatedAfter=${after.revision}`)).updated).toEqual([]);

    // The page: one row for the line, joined in place, and no row for the rest alone.
    await page.locator('.log-row .text', { hasText: 'Password:  and the rest' }).waitFor();
    const shown = await page.locator('.log-row .text').allTextContents();
    expect(shown.filter((text) => text.includes('Password'))).toEqual(['Password:  and the rest']);
    expect(shown.some((text) => text.startsWith('…'))).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
