import { ALL_ROUTES, type Route, type Schema } from './routes';

/** Where NestJS's Swagger module serves the JSON document by default (Memberspot's docs are at /api). */
export const OPENAPI_PATH = '/api-json';

type Operation = Record<string, unknown>;
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } } & Record<string, unknown>;

/**
 * An OpenAPI 3.0 document made from the sandbox's own routes, with request bodies as `$ref`s the way
 * NestJS's Swagger module writes them. `differs` changes three things, for testing `memberspot-doctor`:
 * grant's `grantOffer` is called `offerId`, set-offer-expires is a POST, and chapter-access/enable is
 * missing; it also lists one operation no action covers (GET /v1/courses).
 */
export function openApiDocument(variant: 'match' | 'differs' = 'match'): Document {
  const document: Document = {
    openapi: '3.0.0',
    info: { title: 'Memberspot API (sandbox)', version: '1.0' },
    components: {
      schemas: {},
      securitySchemes: { api_key: { type: 'apiKey', in: 'header', name: 'X-API-KEY' } },
    } as Document['components'],
    security: [{ api_key: [] }],
    paths: {},
  };
  for (const route of ALL_ROUTES) addRoute(document, route);
  // A deep copy: the schemas are the routes' own objects.
  const copy = structuredClone(document);
  return variant === 'differs' ? makeDifferent(copy) : copy;
}

function addRoute(document: Document, route: Route): void {
  const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
  const name = operationName(route);
  const parameters = [
    ...[...route.path.matchAll(/:([A-Za-z]+)/g)].map(([, param]) => ({ name: param, in: 'path', required: true, schema: { type: 'string' } })),
    ...Object.entries(route.doc?.query ?? {}).map(([param, schema]) => ({ name: param, in: 'query', required: false, schema })),
  ];
  const operation: Operation = { operationId: name, parameters, responses: { [route.method === 'POST' ? '201' : '200']: { description: '' } } };
  if (route.doc?.body) {
    const schemaName = `${name[0].toUpperCase()}${name.slice(1)}Dto`;
    document.components.schemas[schemaName] = route.doc.body;
    operation.requestBody = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } } };
  }
  document.paths[path] = { ...document.paths[path], [route.method.toLowerCase()]: operation };
}

/** e.g. `POST /v1/users/set-offer-state` -> `setOfferState`. */
function operationName(route: Route): string {
  const words = route.path
    .split('/')
    .filter((part) => part !== '' && part !== 'v1' && !part.startsWith(':'))
    .join('-')
    .split('-');
  return words.map((word, index) => (index === 0 ? word : word[0].toUpperCase() + word.slice(1))).join('');
}

function makeDifferent(document: Document): Document {
  const grant = document.components.schemas.UsersGrantUserOfferByMailDto;
  const { grantOffer, ...others } = grant.properties ?? {};
  grant.properties = { ...others, offerId: grantOffer };
  grant.required = (grant.required ?? []).map((field) => (field === 'grantOffer' ? 'offerId' : field));

  const expires = document.paths['/v1/users/set-offer-expires'];
  document.paths['/v1/users/set-offer-expires'] = { post: expires.patch };

  delete document.paths['/v1/chapters/chapter-access/enable'];
  document.paths['/v1/courses'] = { get: { operationId: 'courses', parameters: [], responses: { '200': { description: '' } } } };
  return document;
}
