import { readFile, writeFile } from 'node:fs/promises';
import { isObject, type JsonObject } from '../shared/actions/normalize';
import type { ApiRequest } from '../shared/types';
import { actionList } from '../shared/actions';
import { buildRequest, describeOutcome, getWithoutKey, isAnswer } from './http';
import type { Check } from './report';
import { SAMPLES } from './samples';

/** Where NestJS's Swagger module (Memberspot's docs at /api) may serve the JSON document, in order. */
export const SPEC_PATHS = ['/api-json', '/api/swagger.json', '/swagger.json'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export type Spec = JsonObject & { paths: Record<string, Record<string, JsonObject>> };

const isSpec = (value: unknown): value is Spec =>
  isObject(value) && (typeof value.openapi === 'string' || typeof value.swagger === 'string') && isObject(value.paths);

/** Reads --spec, or looks for the document next to the API (no key sent). */
export async function loadSpec(baseUrl: string, specFile: string | undefined): Promise<{ spec?: Spec; source: string }> {
  if (specFile) {
    const parsed = JSON.parse(await readFile(specFile, 'utf8')) as unknown;
    if (!isSpec(parsed)) throw new Error(`${specFile} is not an OpenAPI or Swagger JSON document (no "openapi"/"swagger" and "paths")`);
    return { spec: parsed, source: 'the file given with --spec' };
  }
  const tried: string[] = [];
  for (const path of SPEC_PATHS) {
    const outcome = await getWithoutKey(`${baseUrl.replace(/\/+$/, '')}${path}`);
    if (isAnswer(outcome) && outcome.status === 200 && isSpec(outcome.body)) return { spec: outcome.body, source: `${path} (no key sent)` };
    tried.push(`${path}: ${isAnswer(outcome) && outcome.status === 200 ? 'not an OpenAPI document' : describeOutcome(outcome)}`);
  }
  return { source: tried.join(', ') };
}

export async function saveSpec(spec: Spec, file: string): Promise<void> {
  await writeFile(file, `${JSON.stringify(spec, null, 2)}\n`);
}

interface Operation {
  path: string;
  method: string;
  operation: JsonObject;
}

/** Every action of the registry against the document; then the document's operations no action covers. */
export function diffSpec(original: Spec, baseUrl: string): Check[] {
  const spec = withFullPaths(original);
  const checks: Check[] = [];
  const covered = new Set<string>();
  for (const action of actionList) {
    if (action.id === 'apiCall') continue;
    const file = `shared/actions/${action.id}.ts`;
    const sample = SAMPLES[action.id];
    let minimal: ApiRequest;
    let full: ApiRequest;
    try {
      if (!sample) throw new Error('it has no sample input in doctor/samples.ts');
      minimal = buildRequest(action.id, sample.minimal, baseUrl);
      full = buildRequest(action.id, sample.full ?? sample.minimal, baseUrl);
    } catch (error) {
      checks.push({ area: 'openapi', name: action.label, status: 'unchecked', detail: `the doctor could not build its request: ${(error as Error).message}`, file: 'doctor/samples.ts' });
      continue;
    }
    const problems: string[] = [];
    const match = findOperation(spec, full, problems);
    if (match) {
      covered.add(`${match.method} ${match.path}`);
      compare(spec, match.operation, minimal, full, problems);
    }
    checks.push({
      area: 'openapi',
      name: action.label,
      status: problems.length === 0 ? 'holds' : 'differs',
      detail: problems.length === 0 ? `${full.method} ${match?.path ?? template(full)} matches` : problems.join('\n'),
      file,
    });
  }
  const uncovered = operations(spec).filter((op) => !covered.has(`${op.method} ${op.path}`));
  if (uncovered.length > 0) {
    const examples = uncovered.map((op) => `${op.method.toUpperCase()} ${op.path}: Make an API Call {"method":"${op.method.toUpperCase()}","path":"${op.path}"}`);
    checks.push({ area: 'openapi', name: 'Not covered by an action', status: 'info', detail: examples.join('\n') });
  }
  return checks;
}

/** Paths as the API serves them: with Swagger 2's `basePath` or the path of OpenAPI 3's first server in front. */
function withFullPaths(spec: Spec): Spec {
  let prefix = typeof spec.basePath === 'string' ? spec.basePath : '';
  const [server] = Array.isArray(spec.servers) ? spec.servers : [];
  if (isObject(server) && typeof server.url === 'string') {
    try {
      prefix = new URL(server.url, 'http://base.invalid').pathname;
    } catch {
      prefix = '';
    }
  }
  prefix = prefix.replace(/\/+$/, '');
  if (!prefix) return spec;
  const paths = Object.fromEntries(Object.entries(spec.paths).map(([path, item]) => [path.startsWith(`${prefix}/`) ? path : `${prefix}${path}`, item]));
  return { ...spec, paths };
}

function operations(spec: Spec): Operation[] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => isObject(item[method])).map((method) => ({ path, method, operation: item[method] })),
  );
}

/** The request's path with every parameter segment (a value from the sample) replaced by `{}`. */
function template(request: ApiRequest): string {
  const values = new Set(Object.values(SAMPLE_VALUES).map((value) => encodeURIComponent(value)));
  return request.path.split('/').map((part) => (values.has(part) ? '{}' : part)).join('/');
}

const SAMPLE_VALUES = { email: 'doctor@example.com', uid: 'doctor-uid', course: 'doctor-course', exam: 'doctor-exam' };

function findOperation(spec: Spec, request: ApiRequest, problems: string[]): Operation | undefined {
  const ours = template(request).split('/');
  // A literal segment must be the same literal (a parameter of the document would route it, but it would be another endpoint).
  const sameShape = Object.keys(spec.paths).filter((path) => {
    const theirs = path.split('/');
    return theirs.length === ours.length && theirs.every((part, i) => (ours[i] === '{}' ? /^\{.+\}$/.test(part) : part === ours[i]));
  });
  if (sameShape.length === 0) {
    problems.push(`${request.method} ${template(request)}: the path is not in the document`);
    return undefined;
  }
  const path = sameShape[0];
  const method = request.method.toLowerCase();
  const operation = spec.paths[path][method];
  if (!isObject(operation)) {
    const has = METHODS.filter((m) => isObject(spec.paths[path][m])).map((m) => m.toUpperCase());
    problems.push(`${path}: the document has ${has.join(', ') || 'no method'}, not ${request.method}`);
    return undefined;
  }
  return { path, method, operation };
}

function compare(spec: Spec, operation: JsonObject, minimal: ApiRequest, full: ApiRequest, problems: string[]): void {
  const parameters = (Array.isArray(operation.parameters) ? operation.parameters : []).map((p) => resolve(spec, p)).filter(isObject);
  const query = parameters.filter((p) => p.in === 'query');
  for (const [name, value] of Object.entries(full.query ?? {})) {
    if (value === undefined) continue;
    const parameter = query.find((p) => p.name === name);
    if (!parameter) problems.push(`query "${name}": not in the document`);
    else checkValue(spec, `query "${name}"`, resolve(spec, parameter.schema ?? parameter), value, problems);
  }
  for (const parameter of query) {
    if (parameter.required === true && minimal.query?.[String(parameter.name)] === undefined) problems.push(`query "${String(parameter.name)}": required by the document, not always sent`);
  }
  const bodySchema = requestBodySchema(spec, operation, parameters);
  if (full.body === undefined) {
    if (bodySchema && isRequired(operation, parameters)) problems.push('the document expects a request body; none is sent');
    return;
  }
  if (!bodySchema) {
    problems.push('a JSON body is sent, but the document has no request body');
    return;
  }
  checkValue(spec, 'body', bodySchema, full.body, problems);
  checkRequired(spec, 'body', bodySchema, minimal.body, problems);
}

function requestBodySchema(spec: Spec, operation: JsonObject, parameters: JsonObject[]): JsonObject | undefined {
  const body = resolve(spec, operation.requestBody);
  const content = isObject(body) && isObject(body.content) ? body.content : undefined;
  const json = content ? (Object.entries(content).find(([type]) => type.includes('json'))?.[1] as JsonObject | undefined) : undefined;
  const schema = json?.schema ?? parameters.find((p) => p.in === 'body')?.schema;
  const resolved = resolve(spec, schema);
  return isObject(resolved) ? resolved : undefined;
}

function isRequired(operation: JsonObject, parameters: JsonObject[]): boolean {
  return (isObject(operation.requestBody) && operation.requestBody.required === true) || parameters.some((p) => p.in === 'body' && p.required === true);
}

/** A `$ref` inside the document (`#/components/schemas/X`, `#/definitions/X`), followed; `allOf` merged. */
function resolve(spec: Spec, value: unknown, depth = 0): unknown {
  if (!isObject(value) || depth > 20) return value;
  if (typeof value.$ref === 'string' && value.$ref.startsWith('#/')) {
    const target = value.$ref.slice(2).split('/').reduce<unknown>((node, key) => (isObject(node) ? node[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), spec);
    return resolve(spec, target, depth + 1);
  }
  if (Array.isArray(value.allOf)) {
    const parts = value.allOf.map((part) => resolve(spec, part, depth + 1)).filter(isObject);
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})),
      required: parts.flatMap((part) => (Array.isArray(part.required) ? part.required : [])),
    };
  }
  return value;
}

const TYPE_OF: Record<string, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  array: Array.isArray,
  object: isObject,
};

/** Every field sent exists in the schema, with a matching type and enum; nested objects and array items too. */
function checkValue(spec: Spec, where: string, schemaValue: unknown, value: unknown, problems: string[]): void {
  const schema = resolve(spec, schemaValue);
  if (!isObject(schema)) return;
  const type = typeof schema.type === 'string' ? schema.type : isObject(schema.properties) ? 'object' : undefined;
  if (type && TYPE_OF[type] && !TYPE_OF[type](value)) {
    problems.push(`${where}: sent as ${Array.isArray(value) ? 'array' : typeof value}, the document says ${type}`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${where}: the value is not one of the document's enum`);
  if (Array.isArray(value)) value.forEach((item, index) => index === 0 && checkValue(spec, `${where}[]`, schema.items, item, problems));
  if (isObject(value) && isObject(schema.properties)) {
    const properties = schema.properties;
    for (const [name, item] of Object.entries(value)) {
      if (item === undefined) continue;
      if (!(name in properties)) problems.push(`${where} field "${name}": not in the document (it has ${Object.keys(properties).join(', ') || 'no fields'})`);
      else checkValue(spec, `${where} field "${name}"`, properties[name], item, problems);
    }
  }
}

/** Every field the schema requires is in the minimal request (and in array items). */
function checkRequired(spec: Spec, where: string, schemaValue: unknown, value: unknown, problems: string[]): void {
  const schema = resolve(spec, schemaValue);
  if (!isObject(schema)) return;
  if (Array.isArray(value) && value.length > 0) return checkRequired(spec, `${where}[]`, schema.items, value[0], problems);
  if (!isObject(value)) return;
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    if (value[String(name)] === undefined) problems.push(`${where} field "${String(name)}": required by the document, not always sent`);
  }
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const [name, item] of Object.entries(value)) if (properties[name]) checkRequired(spec, `${where} field "${name}"`, properties[name], item, problems);
}
