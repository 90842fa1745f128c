/**
 * 10.1: a 3xx answer is never followed. The core turns it into a RedirectError that names only the host it
 * pointed to; nothing is sent there, nothing is retried, and the key never reaches the other server.
 * Real HTTP on 127.0.0.1: one server plays the base URL and redirects, another plays the foreign host.
 */
import { inspect } from 'node:util';
import { createClient, MemberspotError, type MemberspotClient } from '../../shared';
import { startServer, type TestServer } from '../helpers/httpServer';
import { API_KEY, rejectionOf } from '../helpers/sandbox';

let foreign: TestServer;
let origin: TestServer;
let answer: { status: number; location?: string };
const clients: MemberspotClient[] = [];

beforeAll(async () => {
  foreign = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"stolen":true}');
  });
  origin = await startServer((_req, res) => {
    res.writeHead(answer.status, answer.location === undefined ? {} : { location: answer.location });
    res.end();
  });
});
afterAll(async () => {
  await Promise.all([foreign.close(), origin.close()]);
});
beforeEach(() => {
  foreign.requests.length = 0;
  origin.requests.length = 0;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function client(): MemberspotClient {
  const c = createClient({ apiKey: API_KEY, baseUrl: origin.url, baseDelayMs: 1, maxDelayMs: 5 });
  clients.push(c);
  return c;
}

function foreignTarget() {
  return `http://localhost:${foreign.port}/collect/keys?token=secret-query`;
}

const GRANT = { email: 'anna@example.com', accessId: 'off_basic' };

describe.each([
  [302, 'listOffers', undefined],
  [301, 'findUserByEmail', { email: 'anna@example.com' }],
  [303, 'grantAccess', GRANT],
  [307, 'grantAccess', GRANT],
  [308, 'apiCall', { method: 'POST', path: '/v1/anything', body: { a: 1 } }],
] as const)('a %i answer to %s', (status, actionId, input) => {
  it('is a RedirectError naming only the other host; nothing goes there and nothing is retried', async () => {
    answer = { status, location: foreignTarget() };
    const error = await rejectionOf(client().execute(actionId, input as never));
    expect(error).toBeInstanceOf(MemberspotError);
    expect(error.name).toBe('RedirectError');
    expect(error.code).toBe('REDIRECT');
    expect(error.status).toBe(status);
    expect(error.attempts).toBe(1);
    expect(error.message).toContain(`localhost:${foreign.port}`);
    expect(error.message).toMatch(/nothing was sent there/i);
    expect(error.hint).toMatch(/base URL/);
    const shown = [error.message, error.hint, JSON.stringify(error), inspect(error, { depth: 5 })].join('\n');
    expect(shown).not.toContain('collect');
    expect(shown).not.toContain('secret-query');
    expect(shown).not.toContain(API_KEY);
    expect(origin.requests).toHaveLength(1);
    expect(foreign.requests).toEqual([]);
  });
});

it('says so when a redirect points to another path on the same host, or nowhere', async () => {
  answer = { status: 302, location: '/login?next=%2Fv1' };
  const sameHost = await rejectionOf(client().execute('listOffers'));
  expect(sameHost.code).toBe('REDIRECT');
  expect(sameHost.message).toContain(`127.0.0.1:${origin.port}`);
  expect(sameHost.message).not.toContain('login');

  answer = { status: 300 };
  const nowhere = await rejectionOf(client().execute('listOffers'));
  expect(nowhere.code).toBe('REDIRECT');
  expect(nowhere.message).toMatch(/300/);
  expect(origin.requests).toHaveLength(2);
  expect(foreign.requests).toEqual([]);
});
