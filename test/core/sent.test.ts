/**
 * When a request is on the wire, as the limiter's send window needs it (shared/limits/sendWindow): undici's
 * transport tells at the request's start on its connection; n8n's request helper (axios over Node's http)
 * is seen through Node's `http.client.request.start` channel (shared/http/httpSent). Real HTTP on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tellWhenSent, UndiciTransport } from '../../shared';

/** The axios that n8n-core's request helpers send with (a devDependency's own, not one of ours). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const axios = require(require.resolve('axios', { paths: [require.resolve('n8n-core')] })) as typeof import('axios').default;

let server: Server;
let url: string;
/** Requests the server holds until the test answers them. */
const held: Array<{ path: string; answer: () => void }> = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => held.push({ path: request.url ?? '', answer: () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}') }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

it('undici transport: onSent is called once, when the request is on the wire and before its answer', async () => {
  const transport = new UndiciTransport({ baseUrl: url, apiKey: 'k' });
  let sent = 0;
  const answered = transport.request({ method: 'GET', path: '/u', headers: {}, timeoutMs: 5000, onSent: () => (sent += 1) });
  await until(() => held.length === 1);
  expect(sent).toBe(1);
  held.shift()!.answer();
  expect((await answered).status).toBe(200);
  expect(sent).toBe(1);
  await transport.close();
});

it("Node's http (as n8n's helper sends, through axios): onSent only once the library made its request, once per call", async () => {
  let first = 0;
  let second = 0;
  let started = false;
  const one = tellWhenSent(
    () => (first += 1),
    async () => {
      // The helper reads its credential first: nothing is on the wire yet.
      await new Promise((r) => setTimeout(r, 50));
      expect(first).toBe(0);
      started = true;
      return axios.get(`${url}/a`);
    },
  );
  const two = tellWhenSent(() => (second += 1), () => axios.get(`${url}/b`));
  await until(() => held.length === 2);
  expect(started).toBe(true);
  expect([first, second]).toEqual([1, 1]);
  // A request outside any call tells nobody.
  const outside = axios.get(`${url}/c`);
  await until(() => held.length === 3);
  for (const request of held.splice(0)) request.answer();
  await Promise.all([one, two, outside]);
  expect([first, second]).toEqual([1, 1]);
});
