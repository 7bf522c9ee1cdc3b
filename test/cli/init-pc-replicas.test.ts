/**
 * `land init` from a process-compose.yaml whose replicas use PC_REPLICA_NUM / PC_PROC_NAME and top-level `vars`
 * (`{{.PORT_BASE}}`): the replicas of the stack it writes get the numbers process-compose gives (from 0) and listen on
 * ports of their own; a template init cannot render is a warning naming its key; an unknown availability.restart is
 * refused, exit 2, nothing written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, landDone } from '../helpers/land.js';

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'land-init-pc-'));
  folders.push(dir);
  writeFileSync(join(dir, 'process-compose.yaml'), yaml);
  return dir;
}

async function answer(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return response.text();
}

describe.concurrent('land init from process-compose: replicas and vars', () => {
  it('replicas get PC_REPLICA_NUM from 0 and PC_PROC_NAME, vars are substituted: each replica listens on its own port', { timeout: 120_000 }, async () => {
    const base = await freePort();
    const server = `require('http').createServer((q, s) => s.end(process.env.PC_PROC_NAME + ' ' + process.env.PC_REPLICA_NUM)).listen(Number(process.argv[1]), '127.0.0.1', () => console.log('listening'))`;
    const dir = project(
      [
        'vars:',
        `  PORT_BASE: ${base}`,
        'processes:',
        '  web:',
        `    command: node -e "${server}" $(({{.PORT_BASE}} + PC_REPLICA_NUM))`,
        '    replicas: 2',
        '    ready_log_line: listening',
      ].join('\n'),
    );
    const init = await landDone(['init'], dir);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).not.toContain('{{');
    expect(config).toContain('// PC_REPLICA_NUM and PC_PROC_NAME: process-compose sets them');
    try {
      const up = await landDone(['up', '-d'], dir);
      expect(up.code, up.stderr).toBe(0);
      expect(await answer(base)).toBe('web 0');
      expect(await answer(base + 1)).toBe('web 1');
    } finally {
      expect((await landDone(['down'], dir)).code).toBe(0);
    }
  });

  it('a template init cannot render is left as written, with one warning naming its key; a replicated tier says what land sets', { timeout: 60_000 }, async () => {
    const dir = project(
      [
        'vars:',
        '  NAME: svc',
        '  LIST: [1, 2]',
        'processes:',
        '  web:',
        '    command: echo {{.NAME}} {{ .MISSING }} {{ .NAME | upper }}',
        '    replicas: 2',
        '    environment: ["ID={{.PC_REPLICA_NUM}}"]',
      ].join('\n'),
    );
    const init = await landDone(['init'], dir);
    expect(init.code, init.stderr).toBe(0);
    const warnings = init.stderr.trim().split('\n');
    expect(warnings).toEqual([
      'land: warning: process-compose.yaml: vars.LIST: not a plain value ([1,2]): {{.LIST}} is left as written',
      'land: warning: process-compose.yaml: processes.web.command: template "{{ .MISSING }}" left as written: land renders no templates (init substitutes plain vars only)',
      'land: warning: process-compose.yaml: processes.web.command: template "{{ .NAME | upper }}" left as written: land renders no templates (init substitutes plain vars only)',
      'land: warning: process-compose.yaml: processes.web.environment[0]: template "{{.PC_REPLICA_NUM}}" left as written: land renders no templates (init substitutes plain vars only)',
    ]);
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).toContain('echo svc {{ .MISSING }} {{ .NAME | upper }}');
    expect(config).toContain('// replicas: process-compose gives each replica PC_REPLICA_NUM (from 0)');
  });

  it('an unknown availability.restart is refused: one line naming the file and key, exit 2, nothing written', { timeout: 60_000 }, async () => {
    const dir = project(['processes:', '  web:', '    command: sleep 1', '    availability: { restart: sometimes }'].join('\n'));
    const init = await landDone(['init'], dir);
    expect(init.code).toBe(2);
    expect(init.stderr).toBe('land: process-compose.yaml: processes.web.availability.restart: unknown value "sometimes", expected always, on_failure, exit_on_failure or no\n');
    expect(existsSync(join(dir, 'land.config.ts'))).toBe(false);
  });
});
