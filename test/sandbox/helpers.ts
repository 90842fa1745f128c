import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text of a non-JSON answer. */
  body: T;
}

export interface CallOptions {
  /** The X-API-KEY header; null sends none. Default: the sandbox's key. */
  key?: string | null;
  body?: unknown;
  /** Default application/json when there is a body. */
  contentType?: string;
}

/** A small HTTP client for the sandbox: real requests over 127.0.0.1, no mocks. */
export class Api {
  constructor(private readonly baseUrl: () => string, private readonly apiKey: () => string) {}

  get<T = unknown>(path: string, options: CallOptions = {}): Promise<Answer<T>> {
    return this.call<T>('GET', path, options);
  }

  post<T = unknown>(path: string, body?: unknown, options: CallOptions = {}): Promise<Answer<T>> {
    return this.call<T>('POST', path, { ...options, body });
  }

  patch<T = unknown>(path: string, body?: unknown, options: CallOptions = {}): Promise<Answer<T>> {
    return this.call<T>('PATCH', path, { ...options, body });
  }

  delete<T = unknown>(path: string, body?: unknown, options: CallOptions = {}): Promise<Answer<T>> {
    return this.call<T>('DELETE', path, { ...options, body });
  }

  async call<T>(method: string, path: string, { key, body, contentType }: CallOptions): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const apiKey = key === undefined ? this.apiKey() : key;
    if (apiKey !== null) headers['x-api-key'] = apiKey;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = contentType ?? 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await fetch(`${this.baseUrl()}${path}`, { method, headers, body: payload });
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, headers: response.headers, body: (isJson ? JSON.parse(text) : text) as T };
  }
}

export interface SandboxFixture {
  readonly sandbox: Sandbox;
  readonly api: Api;
}

/** One sandbox per test file, reset to its seed before every test. */
export function useSandbox(options: SandboxOptions = {}): SandboxFixture {
  let sandbox: Sandbox | undefined;
  const running = (): Sandbox => {
    if (!sandbox) throw new Error('the sandbox is not running');
    return sandbox;
  };
  const api = new Api(
    () => running().url,
    () => running().apiKey,
  );
  beforeAll(async () => {
    sandbox = await startSandbox(options);
  });
  beforeEach(() => running().reset());
  afterAll(async () => {
    await sandbox?.close();
  });
  return {
    get sandbox() {
      return running();
    },
    api,
  };
}

/** Encodes an email (or any id) as one path segment. */
export const segment = encodeURIComponent;

export const ANNA = 'anna.schmidt@example.com';
export const MAX = 'max.mueller@example.com';
export const LENA = 'lena.fischer@example.com';
export const TOM = 'tom.weber@example.com';
export const JULIA = 'julia.becker@example.com';
