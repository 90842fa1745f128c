/**
 * A tiny real HTTP server on 127.0.0.1 (node:http) for the few core tests the sandbox cannot serve:
 * redirects to another host, raw request headers, open connections.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  /** Header lines exactly as received: [name, value, name, value, ...]. */
  rawHeaders: string[];
  body: string;
}

export interface TestServer {
  readonly port: number;
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Connections currently open. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body });
      handler(req, res, body);
    });
  });
  // Idle connections stay open until the client closes them, so tests see what the client does.
  server.keepAliveTimeout = 120_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    openConnections: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The values of one header (any case) in raw header lines. */
export function headerValues(rawHeaders: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name.toLowerCase()) values.push(rawHeaders[i + 1]);
  return values;
}

/** Polls until the condition holds, for at most `limitMs`; returns whether it did. */
export async function eventually(condition: () => boolean, limitMs = 3000): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 20) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}
