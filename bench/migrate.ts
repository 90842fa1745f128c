/**
 * memberspot-migrate's converter (issue 20): how fast and how much memory, in process, no network.
 *
 * 1. A blueprint of 500 modules shaped like real scenarios: a custom webhook, a router with 25 routes, each
 *    route behind a filter with Grant / Revoke Order Access / Set Custom Properties modules whose mappings use
 *    IML functions (lower, trim, ifempty, formatDate, addDays, replace), an iterator with its aggregator and
 *    a placeholder; read (the tolerant reader) and converted to both hosts with the report. Figures: modules
 *    per second, time per blueprint, heap after garbage collection before and after.
 * 2. A 10 MB blueprint of 500 modules (large mapper texts, as hand-written notes or HTML mails make them):
 *    time to read and convert, heap growth, the size of what is written; once strict JSON (the engine's
 *    parser), once hand-scrubbed (`"device": 000000`: the tolerant reader).
 *
 * Prints figures; asserts nothing. Run on its own: npm run build && node --expose-gc dist/bench/migrate.js [--quick]
 */
import { parseArgs } from 'node:util';
import { migrate } from '../migrate';

interface Row {
  benchmark: string;
  figures: Record<string, string | number>;
}

function heapMb(): number {
  global.gc?.();
  global.gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** A scenario of `modules` modules: webhook, router, routes of 20 modules each (filters, Memberspot, tools). */
export function realisticBlueprint(modules: number): string {
  let id = 1;
  const webhook = { id: id++, module: 'gateway:CustomWebHook', parameters: { hook: 1 }, metadata: { designer: { x: 0, y: 0 }, restore: { parameters: { hook: { label: 'Shop' } } } } };
  const router: { id: number; module: string; routes: { flow: unknown[] }[]; metadata: unknown } = { id: id++, module: 'builtin:BasicRouter', routes: [], metadata: { designer: { x: 300, y: 0 } } };
  const perRoute = 20;
  while (id <= modules) {
    const r = router.routes.length;
    const flow: unknown[] = [];
    const first = id;
    for (let k = 0; k < perRoute && id <= modules; k++) {
      const m = id++;
      const kind = k % 5;
      const designer = { x: 600 + k * 300, y: r * 200 };
      if (k === 0) {
        flow.push({
          id: m,
          module: 'memberspot:grantAccess',
          filter: { name: `route ${r}`, conditions: [[{ a: '{{1.event}}', o: 'text:equal:ci', b: `event-${r}` }, { a: '{{1.email}}', o: 'exist' }]] },
          mapper: { email: '{{lower(trim(1.email))}}', accessId: `off_${r}`, firstName: '{{ifempty(1.first_name; Kunde)}}', orderId: 'DS24-{{1.order_id}}' },
          metadata: { designer },
        });
      } else if (kind === 1) {
        flow.push({ id: m, module: 'memberspot:revokeOrderAccess', mapper: { email: `{{${first}.email}}`, orderId: '{{replace(1.order_id; /[^0-9]/g; "")}}', active: false }, metadata: { designer } });
      } else if (kind === 2) {
        flow.push({
          id: m,
          module: 'memberspot:setUsersCustomPropertyValues',
          mapper: { email: '{{1.email}}', properties: [{ propertyId: 'cp_until', value: '{{formatDate(addDays(now; 30); "YYYY-MM-DD")}}' }, { propertyId: 'cp_src', value: 'shop-{{1.source}}' }] },
          metadata: { designer },
        });
      } else if (kind === 3) {
        flow.push({ id: m, module: 'util:SetVariable2', mapper: { name: `v${m}`, value: '{{upper(1.last_name)}}' }, metadata: { designer } });
      } else {
        flow.push({ id: m, module: 'google-sheets:addRow', mapper: { values: { 0: '{{1.email}}', 1: '{{1.event}}' } }, metadata: { designer } });
      }
    }
    router.routes.push({ flow });
  }
  return JSON.stringify({ name: 'Benchmark scenario', flow: [webhook, router], metadata: { instant: true } });
}

/** A blueprint of `modules` modules and about `megabytes` MB: every module carries a long mapper text. */
export function largeBlueprint(modules: number, megabytes: number): string {
  const note = 'x'.repeat(Math.floor((megabytes * 1024 * 1024) / modules));
  const flow: unknown[] = [{ id: 1, module: 'gateway:CustomWebHook' }];
  for (let id = 2; id <= modules; id++) {
    flow.push(
      id % 2 === 0
        ? { id, module: 'memberspot:grantAccess', mapper: { email: '{{1.email}}', accessId: 'off_basic', lastName: `${note}{{1.last_name}}` } }
        : { id, module: 'google-email:ActionSendEmail', mapper: { html: note, to: ['{{1.email}}'] } },
    );
  }
  return JSON.stringify({ name: 'Large scenario', flow });
}

function convertRow(label: string, text: string, runs: number, modules: number): Row {
  migrate(text); // warm-up
  const before = heapMb();
  let written = 0;
  let peak = 0;
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const c = migrate(text);
    written = JSON.stringify(c.n8n).length + JSON.stringify(c.nodeRed).length;
    peak = Math.max(peak, process.memoryUsage().heapUsed / 1024 / 1024);
  }
  const ms = (performance.now() - started) / runs;
  const after = heapMb();
  return {
    benchmark: label,
    figures: {
      'blueprint (MB)': (text.length / 1024 / 1024).toFixed(2),
      modules,
      runs,
      'time per blueprint (ms)': ms.toFixed(1),
      'modules / s': Math.round((modules / ms) * 1000),
      'heap before (MB)': before.toFixed(1),
      'heap peak while converting (MB)': peak.toFixed(1),
      'heap after GC (MB)': after.toFixed(1),
      'written, both hosts (MB)': (written / 1024 / 1024).toFixed(2),
    },
  };
}

export async function migrateRows(quick: boolean, onRow: (row: Row) => void = () => undefined): Promise<Row[]> {
  const rows = [
    convertRow('memberspot-migrate: a realistic blueprint of 500 modules (router, filters, IML functions), read and converted to both hosts', realisticBlueprint(500), quick ? 5 : 50, 500),
    convertRow('memberspot-migrate: a 10 MB blueprint of 500 modules, read and converted to both hosts', largeBlueprint(500, 10), quick ? 2 : 10, 500),
    // Not strict JSON (a number with leading zeros, as hand-scrubbed exports have): the tolerant reader.
    convertRow(
      'memberspot-migrate: the same 10 MB blueprint hand-scrubbed (not strict JSON: the tolerant reader), read and converted',
      largeBlueprint(500, 10).replace('{"id":1,', '{"id":1,"device":000000,'),
      quick ? 2 : 10,
      500,
    ),
  ];
  rows.forEach(onRow);
  return rows;
}

function printRow(row: Row): void {
  console.log(`## ${row.benchmark}`);
  console.log('| figure | value |\n|---|---|');
  for (const [name, value] of Object.entries(row.figures)) console.log(`| ${name} | ${value} |`);
  console.log('');
}

if (require.main === module) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  console.log(`\nmemberspot-migrate benchmarks (${values.quick ? 'quick' : 'full'} run, Node ${process.version})\n`);
  migrateRows(values.quick, printRow).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
