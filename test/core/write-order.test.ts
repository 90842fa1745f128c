/**
 * Writes for the same member or order keep their order across retries in one process (issue 19.3): a later
 * write for the same key waits until the earlier one has finished its retries. Its own file, so that no
 * earlier test's 429s have slowed this account's limiter.
 */
import { ClientClosedError } from '../../shared';
import { writesUnderWay } from '../../shared/limits/writeOrder';
import { rejectionOf, useSandbox } from '../helpers/sandbox';

const env = useSandbox();

beforeEach(() => env.sandbox.reset());
afterEach(() => expect(writesUnderWay()).toBe(0));

function sent(path: string) {
  return env.requests().filter((r) => r.path === path);
}

describe('writes for the same member or order keep their order across retries (one process)', () => {
  const bodies = (path: string) => sent(path).map((r) => [r.status, r.body]);

  it('set-order-state active:false (503), then active:true: the retry lands before the newer write', async () => {
    const setup = env.client();
    await setup.execute('grantAccess', { email: 'order@example.com', accessId: 'off_basic', orderId: 'CC-90' });
    env.sandbox.clearLog();
    env.sandbox.script({ status: 503 });
    let newer: Promise<unknown> | undefined;
    // The newer write starts while the first waits for its retry (a second execution, a second webhook).
    const client = env.client({ baseDelayMs: 300, maxDelayMs: 300, random: () => 0.5, onRetry: () => (newer ??= other.execute('revokeOrderAccess', { email: 'order@example.com', orderId: 'CC-90', active: true })) });
    const other = env.client();
    await client.execute('revokeOrderAccess', { email: 'order@example.com', orderId: 'CC-90', active: false });
    await newer;
    expect(bodies('/v1/users/set-order-state')).toEqual([
      [503, { email: 'order@example.com', orderId: 'CC-90', active: false }],
      [expect.any(Number), { email: 'order@example.com', orderId: 'CC-90', active: false }],
      [expect.any(Number), { email: 'order@example.com', orderId: 'CC-90', active: true }],
    ]);
    // The shop's last word: active.
    expect(env.sandbox.state.userByEmail('order@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'CC-90', active: true })]);
  });

  it('a Delete Access that failed (503), then a renewal grant: the member keeps the access', async () => {
    const member = { email: 'anna.schmidt@example.com', accessId: 'off_premium' };
    env.sandbox.script({ status: 503 });
    let newer: Promise<unknown> | undefined;
    const other = env.client();
    const client = env.client({ baseDelayMs: 300, maxDelayMs: 300, random: () => 0.5, onRetry: () => (newer ??= other.execute('grantAccess', member)) });
    await client.execute('deleteAccess', member);
    await newer;
    const order = env.requests().filter((r) => r.path.startsWith('/v1/users/')).map((r) => `${r.path.split('/').pop()} ${r.status}`);
    expect(order).toEqual(['set-offer-state 503', expect.stringMatching(/^set-offer-state 20/), expect.stringMatching(/^grant-user-offer-by-mail 20/)]);
    expect(env.sandbox.state.userByEmail(member.email)?.offers).toEqual([expect.objectContaining({ offerId: 'off_premium', active: true })]);
  });

  it('writes for another member are not held back, and reads never are', async () => {
    env.sandbox.script({ status: 503 });
    const other = env.client();
    let others: Promise<unknown> | undefined;
    const client = env.client({
      baseDelayMs: 300, maxDelayMs: 300, random: () => 0.5,
      onRetry: () => (others ??= Promise.all([other.execute('grantAccess', { email: 'someone.else@example.com', accessId: 'off_basic' }), other.execute('listOffers')])),
    });
    await client.execute('grantAccess', { email: 'first@example.com', accessId: 'off_basic' });
    await others;
    const order = env.requests().map((r) => `${r.method} ${(r.body as { email?: string } | undefined)?.email ?? r.path} ${r.status}`);
    expect(order).toEqual(['POST first@example.com 503', expect.stringMatching(/^(POST someone|GET \/v1\/offers)/), expect.stringMatching(/^(POST someone|GET \/v1\/offers)/), expect.stringMatching(/^POST first@example.com 20/)]);
  });

  it('a write waiting for its turn ends with CLIENT_CLOSED on close(), and nothing of it is sent', async () => {
    env.sandbox.script({ status: 503 });
    const waiting = env.client();
    let second: Promise<Error & Record<string, unknown>> | undefined;
    const client = env.client({
      baseDelayMs: 300, maxDelayMs: 300, random: () => 0.5,
      onRetry: () => {
        second ??= rejectionOf(waiting.execute('revokeAccess', { email: 'close@example.com', accessId: 'off_basic', active: false }));
        setImmediate(() => void waiting.close());
      },
    });
    await client.execute('grantAccess', { email: 'close@example.com', accessId: 'off_basic' });
    expect(await second).toBeInstanceOf(ClientClosedError);
    expect(env.requests().filter((r) => r.path === '/v1/users/set-offer-state')).toEqual([]);
  });
});
