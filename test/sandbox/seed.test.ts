import { startSandbox, type Sandbox, type User } from '../../sandbox';
import { Api, segment } from './helpers';

interface Page {
  data: User[];
  nextPage: string | null;
}

describe('seeding', () => {
  const sandboxes: Sandbox[] = [];
  const start = async (...args: Parameters<typeof startSandbox>) => {
    const sandbox = await startSandbox(...args);
    sandboxes.push(sandbox);
    return sandbox;
  };
  afterEach(async () => {
    await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
  });

  it('seeds the same demo data every time', async () => {
    const [first, second] = await Promise.all([start(), start()]);

    expect(JSON.stringify(first.state)).toBe(JSON.stringify(second.state));
    const { state } = first;
    expect(state.users.map((user) => user.uid)).toEqual(['u_000001', 'u_000002', 'u_000003', 'u_000004', 'u_000005']);
    expect(state.offers.map((offer) => offer.id)).toEqual(expect.arrayContaining(['off_basic', 'off_premium', 'off_coaching']));
    expect(state.course('crs_yoga')?.chapters.map((chapter) => chapter.id)).toEqual(['ch_yoga_1', 'ch_yoga_2', 'ch_yoga_3', 'ch_yoga_4']);
    expect(state.course('crs_meditation')?.chapters).toHaveLength(3);
    expect(state.course('crs_coaching')?.chapters).toHaveLength(2);
    expect(state.users.some((user) => user.offers.some((grant) => grant.orderId === 'DS24-1001'))).toBe(true);
    expect(state.users.some((user) => user.offers.some((grant) => !grant.active))).toBe(true);
  });

  it("'none' keeps the catalogue but has no users", async () => {
    const sandbox = await start({ seed: 'none' });

    expect(sandbox.state.users).toEqual([]);
    expect(sandbox.state.offers).toHaveLength(5);
    expect(sandbox.state.exam('exam_yoga_final')?.results).toEqual([]);
  });

  it('adds 50,000 generated users and pages through them', async () => {
    const sandbox = await start({ seed: { users: 50_000 } });
    const api = new Api(() => sandbox.url, () => sandbox.apiKey);
    const { users } = sandbox.state;

    expect(users).toHaveLength(50_005);
    expect(users[users.length - 1]).toMatchObject({ email: 'user50000@example.com', offers: [{ active: true }] });
    const uids = users.map((user) => user.uid);
    expect([...uids].sort()).toEqual(uids);

    const page = await api.get<Page>('/v1/users/list?pageLength=100&lastLoadedId=u_025000');
    expect(page.body.data.map((user) => user.uid)).toEqual(uids.slice(25_000, 25_100));
    expect(page.body.nextPage).toBe('u_025100');
    const found = await api.get<User>(`/v1/users/find-by-mail/${segment('USER49999@example.com')}`);
    expect(found.body.uid).toBe('u_050004');
  });

  it('reset() reseeds, with the starting seed by default', async () => {
    const sandbox = await start({ seed: 'none' });

    sandbox.reset({ users: 3 });
    const withGenerated = sandbox.state.users.length;
    sandbox.reset();

    expect(withGenerated).toBe(8);
    expect(sandbox.state.users).toHaveLength(0);
  });

  it('refuses an invalid seed', async () => {
    await expect(startSandbox({ seed: { users: -1 } })).rejects.toThrow('seed must be');
    await expect(startSandbox({ seed: 'lots' as 'none' })).rejects.toThrow('seed must be');
  });
});
