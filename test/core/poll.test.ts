/**
 * The poll triggers' core (shared/poll) against the sandbox over real HTTP: baseline, events, state,
 * failures part-way, the misread and mass-change safety stops, compact state.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { createClient, MassChangeError, poll, sampleEvent, stateBytes, type MemberspotClient, type PollState } from '../../shared';
import { API_KEY, rejectionOf, useSandbox } from '../helpers/sandbox';

const env = useSandbox({ seed: 'none' });
const NOW = () => new Date('2026-12-04T12:00:00.000Z');

function client(): MemberspotClient {
  return env.client({ maxRetries: 1 });
}

function addUsers(count: number, offerIds: string[] = [], prefix = 'member'): string[] {
  const uids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const user = env.sandbox.state.addUser({ email: `${prefix}${i}@example.com`, firstname: `First${i}`, name: `Last${i}` });
    for (const offerId of offerIds) user.offers.push({ offerId, active: true, grantedAt: new Date().toISOString() });
    uids.push(user.uid);
  }
  return uids;
}

function userByEmail(email: string) {
  const user = env.sandbox.state.userByEmail(email);
  if (!user) throw new Error(`no ${email}`);
  return user;
}

function setActive(email: string, offerId: string, active: boolean) {
  const user = userByEmail(email);
  const grant = user.offers.find((g) => g.offerId === offerId);
  if (grant) grant.active = active;
  else user.offers.push({ offerId, active, grantedAt: new Date().toISOString() });
}

beforeEach(() => env.sandbox.reset('none'));

describe('settings', () => {
  it.each([
    [{ event: 'newUser' }, 'event'],
    [{ event: undefined }, 'event'],
    [{ event: 'accessGranted' }, 'accessId'],
    [{ event: 'accessEnded', accessId: '  ' }, 'accessId'],
  ])('refuses %j with an error naming %s, sending nothing', async (settings, field) => {
    env.sandbox.clearLog();
    const error = await rejectionOf(poll(client(), undefined, settings));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain(field);
    expect(env.requests()).toHaveLength(0);
  });
});

describe('newMember', () => {
  it('takes a baseline on the first poll (no events), then emits each new user once', async () => {
    addUsers(25);
    const first = await poll(client(), undefined, { event: 'newMember', now: NOW });
    expect(first).toMatchObject({ events: [], baseline: true, listed: 25 });
    const added = addUsers(3, [], 'new');
    const second = await poll(client(), first.state, { event: 'newMember', now: NOW });
    expect(second.baseline).toBe(false);
    expect(second.events.map((e) => e.uid)).toEqual(added);
    expect(second.events[0]).toEqual({
      event: 'newMember',
      uid: added[0],
      email: 'new0@example.com',
      firstName: 'First0',
      lastName: 'Last0',
      detectedAt: '2026-12-04T12:00:00.000Z',
      user: expect.objectContaining({ uid: added[0], email: 'new0@example.com', firstname: 'First0', name: 'Last0' }),
    });
    const third = await poll(client(), second.state, { event: 'newMember' });
    expect(third.events).toEqual([]);
  });

  it('emits every listed user on the first poll when asked to (Node-RED option)', async () => {
    addUsers(4);
    const first = await poll(client(), undefined, { event: 'newMember', emitOnFirstPoll: true });
    expect(first.events).toHaveLength(4);
    expect(first.baseline).toBe(true);
  });

  it('reads every page, 100 users each', async () => {
    addUsers(250);
    env.sandbox.clearLog();
    const result = await poll(client(), undefined, { event: 'newMember' });
    expect(result.listed).toBe(250);
    expect(result.pages).toBe(3);
    expect(env.requests().map((r) => r.query.pageLength)).toEqual(['100', '100', '100']);
  });

  it('keeps a fixed number of bytes per user, and no email in the state', async () => {
    addUsers(100);
    const hundred = (await poll(client(), undefined, { event: 'newMember' })).state;
    addUsers(100, [], 'more');
    const twoHundred = (await poll(client(), hundred, { event: 'newMember' })).state;
    // 8 bytes per user, base64: 100 users = 800 bytes = 1068 base64 characters (with padding).
    expect(twoHundred.seen?.length).toBe(Math.ceil((200 * 8) / 3) * 4);
    expect(JSON.stringify(twoHundred)).not.toContain('@');
    expect(JSON.stringify(twoHundred)).not.toContain('u_0');
  });

  it('a user whose email changes is the same user, not a new member', async () => {
    addUsers(5);
    const first = await poll(client(), undefined, { event: 'newMember' });
    env.sandbox.state.changeEmail(userByEmail('member2@example.com'), 'renamed@example.com');
    const second = await poll(client(), first.state, { event: 'newMember' });
    expect(second.events).toEqual([]);
  });

  it('a user who leaves and comes back (as a new account) between polls is a new member', async () => {
    addUsers(12);
    const first = await poll(client(), undefined, { event: 'newMember' });
    env.sandbox.state.deleteUsers([userByEmail('member3@example.com')]);
    const again = env.sandbox.state.addUser({ email: 'member3@example.com', firstname: 'Back', name: 'Again' });
    const second = await poll(client(), first.state, { event: 'newMember' });
    expect(second.events.map((e) => [e.uid, e.email])).toEqual([[again.uid, 'member3@example.com']]);
  });

  it('a poll that fails on page 3 of 5 emits nothing; the next poll from the old state catches up', async () => {
    addUsers(450);
    const first = await poll(client(), undefined, { event: 'newMember' });
    addUsers(2, [], 'late');
    env.sandbox.clearLog();
    // Pages 1 and 2 pass, page 3 answers 503 to the request and to its retry.
    env.sandbox.script({ delayMs: 0 }, { delayMs: 0 }, { status: 503 }, { status: 503 });
    const error = await rejectionOf(poll(client(), first.state, { event: 'newMember' }));
    expect(error.status).toBe(503);
    expect(env.requests().filter((r) => r.status === 200)).toHaveLength(2);
    const next = await poll(client(), first.state, { event: 'newMember' });
    expect(next.events.map((e) => e.email)).toEqual(['late0@example.com', 'late1@example.com']);
    expect(next.pages).toBe(5);
  });

  it('a page 3 that is not a list fails the poll (a misread answer is an error, never an empty list)', async () => {
    addUsers(450);
    const first = await poll(client(), undefined, { event: 'newMember' });
    env.sandbox.script({ delayMs: 0 }, { delayMs: 0 }, { status: 200, body: { items: [{ uid: 'x' }], nextPage: null } });
    const error = await rejectionOf(poll(client(), first.state, { event: 'newMember' }));
    expect(error.message).toMatch(/no list of users .*page 3/);
    expect(error.message).toContain('kept its state');
  });

  it.each([
    ['an object without a list', { result: 'ok' }, /no list of users/],
    ['an empty body', '', /no list of users/],
    ['users without a uid', { data: [{ uid: 'u_1' }, { email: 'x@example.com' }], nextPage: null }, /User 2 of the page has no uid/],
    ['a list of strings', { data: ['u_1', 'u_2'], nextPage: null }, /no list of users/],
  ])('fails on an answer in an unknown shape: %s', async (_name, body, message) => {
    env.sandbox.script({ status: 200, body });
    const error = await rejectionOf(poll(client(), undefined, { event: 'newMember' }));
    expect(error.code).toBe('API_ERROR');
    expect(error.message).toMatch(message);
  });

  it('fails after a 429 storm and after timeouts, with the limit or the timeout in the message', async () => {
    addUsers(3);
    env.sandbox.script({ status: 429, retryAfter: '0' }, { status: 429, retryAfter: '0' });
    expect((await rejectionOf(poll(client(), undefined, { event: 'newMember' }))).code).toBe('RATE_LIMITED');
    env.sandbox.script({ delayMs: 400 }, { delayMs: 400 });
    const slow = env.client({ maxRetries: 1, timeoutMs: 100 });
    expect((await rejectionOf(poll(slow, undefined, { event: 'newMember' }))).code).toBe('TIMEOUT');
  });

  it('stops when more than half (and at least 10) of the known users vanish; confirmed, it goes through', async () => {
    addUsers(20);
    const first = await poll(client(), undefined, { event: 'newMember' });
    env.sandbox.state.deleteUsers(env.sandbox.state.users.slice(0, 11));
    const error = await rejectionOf(poll(client(), first.state, { event: 'newMember' }));
    expect(error).toBeInstanceOf(MassChangeError);
    expect(error.message).toMatch(/11 of the 20 users known at the last poll are gone/);
    const confirmed = await poll(client(), first.state, { event: 'newMember', confirmMassChanges: true });
    expect(confirmed.listed).toBe(9);
  });

  it('a state of another event or another version is not used: a new baseline', async () => {
    addUsers(3);
    const first = await poll(client(), undefined, { event: 'newMember' });
    addUsers(1, [], 'x');
    expect((await poll(client(), { ...first.state, v: 0 }, { event: 'newMember' })).baseline).toBe(true);
    expect((await poll(client(), 'garbage', { event: 'newMember' })).baseline).toBe(true);
  });

  it('a cancelled poll rejects and emits nothing', async () => {
    addUsers(3);
    env.sandbox.script({ delayMs: 500 });
    const controller = new AbortController();
    const running = poll(client(), undefined, { event: 'newMember', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await rejectionOf(running)).code).toBe('CLIENT_CLOSED');
  });
});

describe('accessGranted and accessEnded', () => {
  it('accessGranted: a baseline first, then each new holder of the offer once', async () => {
    addUsers(25, ['off_premium']);
    addUsers(5, ['off_basic'], 'basic');
    const first = await poll(client(), undefined, { event: 'accessGranted', accessId: 'off_premium' });
    expect(first).toMatchObject({ events: [], listed: 25 });
    setActive('basic1@example.com', 'off_premium', true);
    env.sandbox.state.addUser({ email: 'fresh@example.com', firstname: 'F', name: 'R' }).offers.push({ offerId: 'off_premium', active: true, grantedAt: '' });
    const second = await poll(client(), first.state, { event: 'accessGranted', accessId: 'off_premium', now: NOW });
    expect(second.events.map((e) => e.email)).toEqual(['basic1@example.com', 'fresh@example.com']);
    expect(second.events[0]).toMatchObject({ event: 'accessGranted', accessId: 'off_premium', firstName: 'First1', lastName: 'Last1' });
    expect((await poll(client(), second.state, { event: 'accessGranted', accessId: 'off_premium' })).events).toEqual([]);
  });

  it('asks for the offer actively held, 100 per page', async () => {
    addUsers(2, ['off_premium']);
    env.sandbox.clearLog();
    await poll(client(), undefined, { event: 'accessEnded', accessId: 'off_premium' });
    expect(env.requests()[0].query).toEqual({ offerId: 'off_premium', active: 'true', pageLength: '100' });
  });

  it('accessEnded: revoked and deleted holders, named by uid and email', async () => {
    const uids = addUsers(25, ['off_premium']);
    const first = await poll(client(), undefined, { event: 'accessEnded', accessId: 'off_premium' });
    setActive('member4@example.com', 'off_premium', false);
    env.sandbox.state.deleteUsers([userByEmail('member7@example.com')]);
    const second = await poll(client(), first.state, { event: 'accessEnded', accessId: 'off_premium', now: NOW });
    expect(second.events).toEqual([
      { event: 'accessEnded', uid: uids[4], email: 'member4@example.com', firstName: null, lastName: null, accessId: 'off_premium', detectedAt: NOW().toISOString(), user: { uid: uids[4], email: 'member4@example.com' } },
      { event: 'accessEnded', uid: uids[7], email: 'member7@example.com', firstName: null, lastName: null, accessId: 'off_premium', detectedAt: NOW().toISOString(), user: { uid: uids[7], email: 'member7@example.com' } },
    ]);
    expect((await poll(client(), second.state, { event: 'accessEnded', accessId: 'off_premium' })).events).toEqual([]);
  });

  it('a holder who leaves and comes back between polls: ended, then granted again, once each', async () => {
    addUsers(12, ['off_premium']);
    const settings = (event: 'accessGranted' | 'accessEnded') => ({ event, accessId: 'off_premium' });
    let granted = (await poll(client(), undefined, settings('accessGranted'))).state;
    let ended = (await poll(client(), undefined, settings('accessEnded'))).state;
    setActive('member5@example.com', 'off_premium', false);
    let g = await poll(client(), granted, settings('accessGranted'));
    let e = await poll(client(), ended, settings('accessEnded'));
    expect(g.events).toEqual([]);
    expect(e.events.map((x) => x.email)).toEqual(['member5@example.com']);
    [granted, ended] = [g.state, e.state];
    setActive('member5@example.com', 'off_premium', true);
    g = await poll(client(), granted, settings('accessGranted'));
    e = await poll(client(), ended, settings('accessEnded'));
    expect(g.events.map((x) => x.email)).toEqual(['member5@example.com']);
    expect(e.events).toEqual([]);
    // Left and came back within one poll interval: still a holder at both polls, so no event.
    setActive('member6@example.com', 'off_premium', false);
    setActive('member6@example.com', 'off_premium', true);
    expect((await poll(client(), g.state, settings('accessGranted'))).events).toEqual([]);
    expect((await poll(client(), e.state, settings('accessEnded'))).events).toEqual([]);
  });

  it('a changed email is the same holder; accessEnded then names the new email', async () => {
    addUsers(3, ['off_premium']);
    const first = await poll(client(), undefined, { event: 'accessEnded', accessId: 'off_premium' });
    env.sandbox.state.changeEmail(userByEmail('member1@example.com'), 'new-address@example.com');
    const second = await poll(client(), first.state, { event: 'accessEnded', accessId: 'off_premium' });
    expect(second.events).toEqual([]);
    const granted = await poll(client(), first.state, { event: 'accessGranted', accessId: 'off_premium' });
    expect(granted.events).toEqual([]);
    env.sandbox.state.deleteUsers([userByEmail('new-address@example.com')]);
    const third = await poll(client(), second.state, { event: 'accessEnded', accessId: 'off_premium' });
    expect(third.events.map((e) => e.email)).toEqual(['new-address@example.com']);
  });

  it('60% of the holders gone at once: no accessEnded event, a safety stop that says so; confirmed, all 12 events', async () => {
    addUsers(20, ['off_premium']);
    const first = await poll(client(), undefined, { event: 'accessEnded', accessId: 'off_premium' });
    for (let i = 0; i < 12; i += 1) setActive(`member${i}@example.com`, 'off_premium', false);
    const error = await rejectionOf(poll(client(), first.state, { event: 'accessEnded', accessId: 'off_premium' }));
    expect(error).toBeInstanceOf(MassChangeError);
    expect(error.code).toBe('MASS_CHANGE');
    expect(error.message).toMatch(/Safety stop: 12 of the 20 holders of off_premium known at the last poll are gone at once/);
    expect(String(error.hint)).toContain('Confirm mass changes');
    const confirmed = await poll(client(), first.state, { event: 'accessEnded', accessId: 'off_premium', confirmMassChanges: true });
    expect(confirmed.events).toHaveLength(12);
  });

  it('an offer answered with no holders at all (a wrong filter) is stopped too', async () => {
    addUsers(15, ['off_premium']);
    const first = await poll(client(), undefined, { event: 'accessEnded', accessId: 'off_premium' });
    env.sandbox.script({ status: 200, body: { data: [], nextPage: null } });
    expect(await rejectionOf(poll(client(), first.state, { event: 'accessEnded', accessId: 'off_premium' }))).toBeInstanceOf(MassChangeError);
  });

  it('below the floor of 10 (9 of 12 gone) or at half (10 of 20), the events go out', async () => {
    addUsers(12, ['off_premium']);
    const first = await poll(client(), undefined, { event: 'accessEnded', accessId: 'off_premium' });
    for (let i = 0; i < 9; i += 1) setActive(`member${i}@example.com`, 'off_premium', false);
    expect((await poll(client(), first.state, { event: 'accessEnded', accessId: 'off_premium' })).events).toHaveLength(9);
    env.sandbox.reset('none');
    addUsers(20, ['off_premium']);
    const base = await poll(client(), undefined, { event: 'accessEnded', accessId: 'off_premium' });
    for (let i = 0; i < 10; i += 1) setActive(`member${i}@example.com`, 'off_premium', false);
    expect((await poll(client(), base.state, { event: 'accessEnded', accessId: 'off_premium' })).events).toHaveLength(10);
  });

  it('another Access ID than the state was taken for means a new baseline', async () => {
    addUsers(3, ['off_premium', 'off_basic']);
    const first = await poll(client(), undefined, { event: 'accessGranted', accessId: 'off_premium' });
    const other = await poll(client(), first.state, { event: 'accessGranted', accessId: 'off_basic' });
    expect(other).toMatchObject({ baseline: true, events: [] });
  });
});

describe('answer shapes', () => {
  it('a bare array without a cursor: a full page goes on after its last uid', async () => {
    addUsers(230);
    env.sandbox.setVariants({ listUsers: 'array' });
    try {
      env.sandbox.clearLog();
      const result = await poll(client(), undefined, { event: 'newMember' });
      expect(result.listed).toBe(230);
      expect(env.requests().map((r) => r.query.lastLoadedId)).toEqual([undefined, 'u_000100', 'u_000200']);
    } finally {
      env.sandbox.setVariants({ listUsers: 'object' });
    }
  });

  it('reads the cursor from next_page too', async () => {
    addUsers(150);
    env.sandbox.setVariants({ cursor: 'next_page' });
    try {
      expect((await poll(client(), undefined, { event: 'newMember' })).listed).toBe(150);
    } finally {
      env.sandbox.setVariants({ cursor: 'nextPage' });
    }
  });
});

describe('sampleEvent (n8n manual mode)', () => {
  it('builds one event from the newest listed user, for the chosen event', async () => {
    addUsers(3, ['off_premium']);
    const newest = await sampleEvent(client(), { event: 'newMember' });
    expect(newest).toMatchObject({ event: 'newMember', email: 'member2@example.com' });
    const ended = await sampleEvent(client(), { event: 'accessEnded', accessId: 'off_premium' });
    expect(ended).toMatchObject({ event: 'accessEnded', accessId: 'off_premium', email: 'member2@example.com' });
    expect(await sampleEvent(client(), { event: 'accessGranted', accessId: 'off_coaching' })).toBeUndefined();
  });
});

describe('state size', () => {
  let big: Sandbox;
  afterAll(() => big?.close());

  it('newMember: 10,000 users in 80,000 bytes of hashes; holders of 10,000 users under 1 MB', async () => {
    big = await startSandbox({ apiKey: API_KEY, seed: { users: 10_000 } });
    const bigClient = createClient({ apiKey: API_KEY, baseUrl: big.url });
    try {
      const members = await poll(bigClient, undefined, { event: 'newMember' });
      expect(members.listed).toBe(10_005);
      expect(Buffer.from(members.state.seen as string, 'base64')).toHaveLength(10_005 * 8);
      expect(stateBytes(members.state)).toBeLessThan(120_000);
      for (const user of big.state.users) {
        if (!user.offers.some((g) => g.offerId === 'off_basic')) user.offers.push({ offerId: 'off_basic', active: true, grantedAt: '' });
        else for (const g of user.offers) g.active = true;
      }
      const holders = await poll(bigClient, undefined, { event: 'accessEnded', accessId: 'off_basic' });
      expect(holders.listed).toBe(10_005);
      const state = holders.state as PollState;
      expect(Object.keys(state.holders ?? {})).toHaveLength(10_005);
      expect(stateBytes(state)).toBeLessThan(1_000_000);
    } finally {
      await bigClient.close();
    }
  });
});
