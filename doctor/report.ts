/**
 * The doctor's findings and how they are shown: a table for people, and JSON that is safe to paste into a
 * public bug report (no key, no member's email or name, no response values: shapes, statuses, header names).
 */

export type Status = 'holds' | 'differs' | 'unchecked' | 'info';
export type Area = 'connection' | 'openapi' | 'read' | 'write' | 'rate';

export interface Check {
  area: Area;
  name: string;
  status: Status;
  /** What was seen: statuses, key names, header names; never values. */
  detail: string;
  /** The project decision this settles, e.g. "[D] List Users cursor name". */
  decision?: string;
  /** The file to change when it differs. */
  file?: string;
}

export interface Report {
  tool: 'memberspot-doctor';
  version: string;
  /** The base URL's origin (and path), never credentials. */
  baseUrl: string;
  checks: Check[];
  /** 0: every checked assumption holds; 1: something differs; 2: the doctor could not run. */
  exitCode: 0 | 1 | 2;
  /** Why the run stopped early, when it did. */
  fatal?: string;
}

export function exitCodeOf(checks: Check[], fatal: string | undefined): 0 | 1 | 2 {
  if (fatal !== undefined) return 2;
  return checks.some((check) => check.status === 'differs') ? 1 : 0;
}

const SYMBOL: Record<Status, string> = { holds: 'holds', differs: 'DIFFERS', unchecked: 'not checked', info: 'info' };
const AREA_TITLE: Record<Area, string> = {
  connection: 'Connection and key',
  openapi: 'OpenAPI document',
  read: 'Read probes',
  write: 'Write probes (--write)',
  rate: 'Rate limit (--rate)',
};

/** The report as text: one block per area, one line per check, details indented below. */
export function renderTable(report: Report): string {
  const lines = [`memberspot-doctor ${report.version}: ${report.baseUrl}`, ''];
  const width = Math.max(...report.checks.map((check) => check.name.length), 10);
  for (const area of Object.keys(AREA_TITLE) as Area[]) {
    const checks = report.checks.filter((check) => check.area === area);
    if (checks.length === 0) continue;
    lines.push(AREA_TITLE[area]);
    for (const check of checks) {
      lines.push(`  ${check.name.padEnd(width)}  ${SYMBOL[check.status]}`);
      for (const part of check.detail.split('\n')) lines.push(`  ${' '.repeat(width)}    ${part}`);
      if (check.decision) lines.push(`  ${' '.repeat(width)}    decision: ${check.decision}`);
      if (check.status === 'differs' && check.file) lines.push(`  ${' '.repeat(width)}    change: ${check.file}`);
    }
    lines.push('');
  }
  const count = (status: Status) => report.checks.filter((check) => check.status === status).length;
  lines.push(`${count('holds')} hold, ${count('differs')} differ, ${count('unchecked')} not checked.`);
  if (report.fatal) lines.push(`Stopped: ${report.fatal}`);
  lines.push(`Exit code ${report.exitCode}: ${['everything checked holds', 'something differs', 'the doctor could not run'][report.exitCode]}.`);
  return lines.join('\n');
}

/** At most this many key names of one object in the JSON report; the rest are counted. */
const MAX_KEYS = 5;
/** A list of key names in a detail, as shapeOf and itemKeys write it: `{ data, nextPage }`. */
const KEY_LIST = /\{ ([^{}]+) \}/g;

/**
 * Whether a key name looks like an id rather than a field name: an answer keyed by uid (or offer id, token,
 * ...) must not put member ids into a public report. Field names are words (`data`, `nextPage`, `first_name`,
 * `address2`); ids have digits inside, runs or many capitals, hex, or are long. A heuristic: the key cap
 * (MAX_KEYS) bounds what one that looks like a word can show.
 */
export function idLike(key: string): boolean {
  const word = key.replace(/\d{1,2}$/, '');
  const capitals = (key.match(/[A-Z]/g) ?? []).length;
  return (
    /\d/.test(word) ||
    key.length > 32 ||
    /^[0-9a-f-]{12,}$/i.test(key) ||
    !/^[A-Za-z_$][\w$.-]*$/.test(key) ||
    (key.length >= 12 && (/[A-Z]{2,}/.test(key) || (capitals >= 4 && capitals / key.length >= 0.2)))
  );
}

function publicKeys(list: string): string {
  const keys = list.split(', ');
  const shown = keys.slice(0, MAX_KEYS).map((key) => (idLike(key) ? '<id>' : key));
  const more = keys.length - shown.length;
  return `{ ${shown.join(', ')}${more > 0 ? `, … ${more} more` : ''} }`;
}

/**
 * The report as JSON, for a public issue: on top of the Redactor, each key list in a detail shows at most
 * MAX_KEYS names, and id-like names are replaced by `<id>`.
 */
export function renderJson(report: Report): string {
  const checks = report.checks.map((check) => ({ ...check, detail: check.detail.replace(KEY_LIST, (_match, list: string) => publicKeys(list)) }));
  return JSON.stringify({ ...report, checks }, null, 2);
}

const EMAIL = /[^\s"'<>@,;:()[\]]+@[^\s"'<>@,;:()[\]]+\.[A-Za-z]{2,}/g;

/**
 * Replaces secrets and personal data in the finished output: the key, every member's email and name seen
 * in an answer (as `<user 1>`, ...), the throwaway address, and any other email address. The probes never
 * put values into details in the first place; this is the second line of defence.
 */
export class Redactor {
  private readonly aliases = new Map<string, string>();
  private readonly secrets: string[] = [];
  private users = 0;

  addSecret(secret: string | undefined): void {
    if (secret) this.secrets.push(secret, encodeURIComponent(secret));
  }

  /** The alias of a member (by email); names given with it get the same alias. */
  member(email: string | undefined, ...names: Array<string | undefined>): string {
    const key = email?.toLowerCase();
    let alias = key ? this.aliases.get(key) : undefined;
    if (!alias) {
      this.users += 1;
      alias = `<user ${this.users}>`;
      if (key) this.aliases.set(key, alias);
    }
    for (const name of names) if (name && name.trim().length >= 2) this.aliases.set(name.trim(), alias);
    return alias;
  }

  alias(value: string, alias: string): void {
    this.aliases.set(value.toLowerCase(), alias);
  }

  text(output: string): string {
    const replacements = new Map<string, { to: string; anywhere: boolean }>();
    // A long key is replaced wherever it appears; a short one (and every name) only as a whole token.
    for (const secret of this.secrets) replacements.set(secret.toLowerCase(), { to: '<API key>', anywhere: secret.length >= 8 });
    for (const [value, alias] of this.aliases) {
      for (const form of [value, encodeURIComponent(value)]) replacements.set(form.toLowerCase(), { to: alias, anywhere: false });
    }
    let result = output;
    if (replacements.size > 0) {
      // One pass, longest first: a replacement is never replaced again.
      const alternatives = [...replacements.entries()]
        .sort(([a], [b]) => b.length - a.length)
        .map(([value, { anywhere }]) => (anywhere ? escape(value) : `(?<![\\w.%-])${escape(value)}(?![\\w-])`));
      const pattern = new RegExp(alternatives.join('|'), 'gi');
      result = result.replace(pattern, (match) => replacements.get(match.toLowerCase())?.to ?? match);
    }
    return result.replace(EMAIL, '<email>');
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
