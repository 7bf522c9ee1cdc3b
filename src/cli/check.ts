/** `land check [--json]`: every problem of the config, profiles and env files; exit 2 if any, else 0. */
import { displayPath } from '../config/display-path.js';
import { EXIT_BAD_INPUT } from '../control/exit-codes.js';
import { checkStack } from '../check/check.js';
import { problemText } from '../check/problems.js';
import { withMachineStdout, writeOut } from './machine-output.js';

export async function checkCommand(options: { config?: string; procfile?: string; json?: boolean }): Promise<number> {
  return withMachineStdout(options.json, () => check(options));
}

async function check(options: { config?: string; procfile?: string; json?: boolean }): Promise<number> {
  const report = await checkStack({ config: options.config, procfile: options.procfile });
  const code = report.problems.length > 0 ? EXIT_BAD_INPUT : 0;
  if (options.json) {
    const json = {
      ok: code === 0,
      stack: report.stack ? { kind: report.stack.kind, file: displayPath(report.stack.file) } : null,
      profiles: report.profiles,
      envFiles: report.envFiles,
      problems: report.problems.map((problem) => ({ ...problem, text: problemText(problem) })),
      warnings: report.warnings.map((warning) => ({ ...warning, text: problemText(warning) })),
    };
    writeOut(`${JSON.stringify(json, null, 2)}\n`);
    return code;
  }
  for (const problem of [...report.problems, ...report.warnings]) process.stdout.write(`${problemText(problem)}\n`);
  const what = report.stack ? displayPath(report.stack.file) : 'no stack';
  const scope = `${report.profiles.length} profile${report.profiles.length === 1 ? '' : 's'}, ${report.envFiles.length} env file${report.envFiles.length === 1 ? '' : 's'}`;
  const count = report.problems.length;
  const warned = report.warnings.length;
  const warnings = warned === 0 ? '' : `, ${warned} warning${warned === 1 ? '' : 's'} above`;
  process.stderr.write(
    count === 0
      ? `land: ${what}: no problems${warnings} (${scope})\n`
      : `land: ${count} problem${count === 1 ? '' : 's'}, in ${problemFiles(report.problems)}; checked ${what}, ${scope}; nothing was started\n`,
  );
  return code;
}

/** The files the problems are in, in order of first appearance: three named, then how many more. */
function problemFiles(problems: ReadonlyArray<{ file: string }>): string {
  const files = [...new Set(problems.map((problem) => problem.file))];
  const more = files.length - 3;
  return more > 0 ? `${files.slice(0, 3).join(', ')} and ${more} more file${more === 1 ? '' : 's'}` : files.join(', ');
}
