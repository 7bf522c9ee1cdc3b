/**
 * A scheduled tier (`schedule`) for the engines that have a scheduler: its cron expression as systemd's
 * `OnCalendar=` lines, and as a Kubernetes CronJob's five-field `schedule`. What one cannot express comes back as a
 * problem, said as a warning by the engine module.
 *
 * Read as croner reads it (land's scheduler): five fields, or six with seconds first; names (JAN, MON), `?` for
 * `*`, `@hourly`-style nicknames; when both day of month and day of week are restricted a time matches either (as
 * Vixie cron: systemd needs one OnCalendar= line for each). `L`, `W`, `#` and a year field are not translated.
 */

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const SYSTEMD_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Where a name's index starts (months: JAN is 1). */
  nameBase?: number;
}

const SECOND: Field = { name: 'second', min: 0, max: 59 };
const MINUTE: Field = { name: 'minute', min: 0, max: 59 };
const HOUR: Field = { name: 'hour', min: 0, max: 23 };
const DAY: Field = { name: 'day of month', min: 1, max: 31 };
const MONTH: Field = { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 };
const WEEKDAY: Field = { name: 'day of week', min: 0, max: 7, names: DAYS, nameBase: 0 };

/** The expression's six fields (seconds first), nicknames spelt out; or what cannot be translated. */
export function cronFields(expression: string): string[] | { problem: string } {
  const text = NICKNAMES[expression.trim().toLowerCase()] ?? expression.trim();
  const fields = text.split(/\s+/);
  if (fields.length === 5) fields.unshift('0');
  if (fields.length !== 6) return { problem: `${fields.length} fields (a year field, or an expression croner reads apart)` };
  const special = fields.find((field) => /[LW#+]/i.test(field.replace(/[A-Z]{3}/gi, (name) => (MONTHS.includes(name.toUpperCase()) || DAYS.includes(name.toUpperCase()) ? '0' : name))));
  if (special !== undefined) return { problem: `the field ${JSON.stringify(special)} (L, W, # and + have no equivalent)` };
  return fields.map((field) => (field === '?' ? '*' : field));
}

function value(text: string, field: Field): number {
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const number = index >= 0 ? index + (field.nameBase ?? 0) : Number(text);
  if (!Number.isInteger(number) || number < field.min || number > field.max) throw new Error(`${field.name} ${JSON.stringify(text)}`);
  return number;
}

/** The values a field matches, or undefined for every value (`*`). */
function values(text: string, field: Field): number[] | undefined {
  if (text === '*') return undefined;
  const found = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`${field.name} step ${JSON.stringify(stepText)}`);
    const [from, to] = range === '*' ? [field.min, field.max] : range.includes('-') ? range.split('-').map((end) => value(end, field)) : [value(range, field), stepText === undefined ? value(range, field) : field.max];
    for (let each = from!; each <= to!; each += step) found.add(each);
  }
  return [...found].sort((a, b) => a - b);
}

/** `00..05,10` from sorted values (`text` writes one): runs of three or more as a range. */
function listText(numbers: readonly number[], text: (n: number) => string): string {
  const parts: string[] = [];
  for (let start = 0; start < numbers.length; ) {
    let end = start;
    while (end + 1 < numbers.length && numbers[end + 1] === numbers[end]! + 1) end += 1;
    parts.push(end - start >= 2 ? `${text(numbers[start]!)}..${text(numbers[end]!)}` : numbers.slice(start, end + 1).map(text).join(','));
    start = end + 1;
  }
  return parts.join(',');
}

const padded = (pad: number) => (n: number) => String(n).padStart(pad, '0');

/** `*`, a repetition from the field's start (`0/5`, systemd's own form of `*\/5`), or the list of values. */
function calendarField(text: string, field: Field, pad: number): string {
  const every = /^\*\/(\d+)$/.exec(text);
  if (every) return `${String(field.min).padStart(pad, '0')}/${Number(every[1])}`;
  const matched = values(text, field);
  return matched === undefined ? '*' : listText(matched, padded(pad));
}

/**
 * The expression as systemd OnCalendar= values (one, or two when day of month and day of week are both given: a
 * time matching either runs, as in cron), or why it cannot be.
 */
export function onCalendar(expression: string): { calendars: string[] } | { problem: string } {
  const fields = cronFields(expression);
  if (!Array.isArray(fields)) return fields;
  const [second, minute, hour, day, month, weekday] = fields as [string, string, string, string, string, string];
  try {
    const time = `${calendarField(hour, HOUR, 2)}:${calendarField(minute, MINUTE, 2)}:${calendarField(second, SECOND, 2)}`;
    const months = calendarField(month, MONTH, 2);
    const days = calendarField(day, DAY, 2);
    const weekdays = values(weekday, WEEKDAY);
    const names = weekdays && listText([...new Set(weekdays.map((n) => n % 7))].sort((a, b) => a - b), (n) => SYSTEMD_DAYS[n]!);
    const date = (dom: string) => `*-${months}-${dom} ${time}`;
    if (names === undefined) return { calendars: [date(days)] };
    if (days === '*') return { calendars: [`${names} ${date('*')}`] };
    return { calendars: [date(days), `${names} ${date('*')}`] };
  } catch (error) {
    return { problem: `the ${(error as Error).message} is out of range` };
  }
}

/**
 * The expression as a CronJob's schedule (five fields: Kubernetes runs a job at most once a minute), or why not.
 * Seconds other than `0` are dropped with a note.
 */
export function cronJobSchedule(expression: string): { schedule: string; note?: string } | { problem: string } {
  const fields = cronFields(expression);
  if (!Array.isArray(fields)) return fields;
  const [second, ...rest] = fields;
  const schedule = rest.join(' ');
  return second === '0' ? { schedule } : { schedule, note: `the seconds field ${JSON.stringify(second)} is dropped: a CronJob runs at most once a minute` };
}

/**
 * How to run `command` at the expression's times from the host's crontab, for an engine with no scheduler (Compose,
 * supervisord): crontab's five fields, as a CronJob's (seconds dropped, said after it). An expression crontab cannot
 * read (croner's `L`, `W`, `#`, `+`, a year field) gives no line: said so, as systemd's and Kubernetes' warnings do.
 */
export function crontabAdvice(expression: string, command: string): string {
  const cron = cronJobSchedule(expression);
  if ('problem' in cron) return `crontab cannot run it at these times either: ${cron.problem}: run \`${command}\` from a scheduler of your own`;
  const note = cron.note ? `; ${cron.note.replace('a CronJob', 'crontab')}` : '';
  return `run it from the host's crontab (\`${cron.schedule} ${command}\`)${note}`;
}
