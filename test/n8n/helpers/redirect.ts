/**
 * Two real HTTP servers on 127.0.0.1 for the redirect tests: `front` stands where the credential's base
 * URL points and answers every request with a redirect to `other` (another port, so another origin);
 * `other` records every request it receives (method, path, headers, body) and answers 200 with JSON, as a
 * host collecting API keys would. No jest here: the e2e tests use it too.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RedirectServers {
  /** The base URL to give the credential: it redirects. */
  frontUrl: string;
  /** The other host's URL. */
  otherUrl: string;
  /** The requests the other host received. */
  received: ReceivedRequest[];
  /** The requests the front received. */
  front: ReceivedRequest[];
  /** The status the front answers with (302 unless set). */
  status: number;
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function recording(log: ReceivedRequest[], answer: (req: ReceivedRequest, res: import('node:http').ServerResponse) => void): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      log.push(entry);
      answer(entry, res);
    });
  });
}

export async function startRedirectServers(): Promise<RedirectServers> {
  const received: ReceivedRequest[] = [];
  const front: ReceivedRequest[] = [];
  const other = recording(received, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ fromTheOtherHost: true }));
  });
  const otherUrl = await listen(other);
  const servers: RedirectServers = {
    frontUrl: '',
    otherUrl,
    received,
    front,
    status: 302,
    close: () => Promise.all([frontServer, other].map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined),
  };
  const frontServer = recording(front, (req, res) => {
    res.writeHead(servers.status, { location: `${otherUrl}${req.path}`, 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'moved' }));
  });
  servers.frontUrl = await listen(frontServer);
  return servers;
}
