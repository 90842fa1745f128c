import { DoctorHttp } from './http';
import { diffSpec, loadSpec, saveSpec } from './openapi';
import { probeConnection, probeReads, type Context } from './probes';
import { probeRate } from './rate';
import { exitCodeOf, Redactor, type Check, type Report } from './report';
import { probeWrites, type WriteOptions } from './write';

export interface DoctorOptions {
  baseUrl: string;
  /** From MEMBERSPOT_API_KEY only. Without it, only the OpenAPI document is checked. */
  apiKey?: string;
  spec?: string;
  saveSpec?: string;
  rate: boolean;
  write?: WriteOptions;
  version: string;
}

/** Runs every probe that was asked for, in an order that changes nothing until the reads are done. */
export async function runDoctor(options: DoctorOptions): Promise<{ report: Report; redactor: Redactor }> {
  const redactor = new Redactor();
  redactor.addSecret(options.apiKey);
  const checks: Check[] = [];
  let fatal: string | undefined;
  const specFound = await checkSpec(options, checks).catch((error: Error) => {
    fatal = `--spec: ${error.message}`;
    return false;
  });
  if (!options.apiKey) {
    checks.push({ area: 'connection', name: 'Key', status: 'unchecked', detail: 'MEMBERSPOT_API_KEY is not set: only the OpenAPI document was checked' });
    fatal ??= specFound ? undefined : 'MEMBERSPOT_API_KEY is not set and no OpenAPI document was found';
  } else if (!fatal) {
    const http = new DoctorHttp(options.baseUrl, options.apiKey);
    try {
      fatal = await probeApi({ http, redactor, checks, offers: [], propertyIds: [] }, options);
    } finally {
      await http.close();
    }
  }
  const report: Report = { tool: 'memberspot-doctor', version: options.version, baseUrl: options.baseUrl, checks, exitCode: exitCodeOf(checks, fatal), ...(fatal ? { fatal } : {}) };
  return { report, redactor };
}

async function checkSpec(options: DoctorOptions, checks: Check[]): Promise<boolean> {
  const { spec, source } = await loadSpec(options.baseUrl, options.spec);
  if (!spec) {
    checks.push({ area: 'openapi', name: 'Document', status: 'unchecked', detail: `not found (${source}); give one with --spec file.json` });
    return false;
  }
  if (options.saveSpec) await saveSpec(spec, options.saveSpec);
  const count = Object.keys(spec.paths).length;
  checks.push({ area: 'openapi', name: 'Document', status: 'info', detail: `read from ${source}: ${count} paths${options.saveSpec ? '; saved with --save-spec' : ''}` });
  checks.push(...diffSpec(spec, options.baseUrl));
  return true;
}

async function probeApi(context: Context, options: DoctorOptions): Promise<string | undefined> {
  const stop = await probeConnection(context);
  if (stop) return stop;
  await probeReads(context);
  const failure = options.write ? await probeWrites(context, options.write) : undefined;
  if (options.rate) await probeRate(context);
  if (context.http.throttled > 0) {
    context.checks.push({ area: 'rate', name: 'Throttled probes', status: 'info', detail: `${context.http.throttled} answers were 429 and were waited out` });
  }
  return failure;
}
