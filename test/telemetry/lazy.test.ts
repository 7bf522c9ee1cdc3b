/** LazyPart: a pipe's heavy half, imported once when first needed; a part that cannot load says why, once. */
import { describe, expect, it } from 'vitest';
import { LazyPart } from '../../src/telemetry/lazy.js';

describe('LazyPart', () => {
  it('imports once, however often it is asked, and hands the part to onLoad', async () => {
    let imports = 0;
    const loaded: string[] = [];
    const part = new LazyPart(async () => `part ${++imports}`, (value) => loaded.push(value), 'a part');
    expect(part.value).toBeUndefined();
    await Promise.all([part.load(), part.load(), part.within(1000)]);
    expect(imports).toBe(1);
    expect(loaded).toEqual(['part 1']);
    expect(part.value).toBe('part 1');
    expect(part.failure).toBeUndefined();
  });

  it('never rejects: a failed import becomes a reason, told once to onFailure', async () => {
    const reasons: string[] = [];
    const part = new LazyPart(
      () => Promise.reject(new Error('Cannot find package')),
      () => undefined,
      'the OpenTelemetry SDK',
      (reason) => reasons.push(reason),
    );
    await part.load();
    await part.load();
    expect(part.value).toBeUndefined();
    expect(part.failure).toBe('could not load the OpenTelemetry SDK (Cannot find package)');
    expect(reasons).toEqual([part.failure]);
  });

  it("masks credentials a library's message quotes (the exporter names the URL it could not parse)", async () => {
    const part = new LazyPart(
      () => Promise.reject(new Error("Configuration: Could not parse user-provided export URL: 'https://otel:pw_L4zy9@collector.example.com:99999/v1/traces'")),
      () => undefined,
      'the OpenTelemetry SDK',
    );
    await part.load();
    expect(part.failure).toBe(
      "could not load the OpenTelemetry SDK (Configuration: Could not parse user-provided export URL: 'https://otel:***@collector.example.com:99999/v1/traces')",
    );
  });

  it('never rejects when onLoad throws: the part is then said to have failed', async () => {
    const part = new LazyPart(async () => 'part', () => { throw new Error('attach failed'); }, 'a part');
    await part.load();
    expect(part.failure).toBe('could not load a part (attach failed)');
    expect(part.value).toBeUndefined();
    expect(await part.within(1000)).toBeUndefined();
  });

  it('within: undefined when the part is not there in time (a part that never loads does not hold it up)', async () => {
    const part = new LazyPart(() => new Promise<string>(() => undefined), () => undefined, 'a part that never loads');
    expect(await part.within(20)).toBeUndefined();
    expect(part.failure).toBeUndefined();
  });
});
