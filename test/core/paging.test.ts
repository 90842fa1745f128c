/**
 * shared/paging.ts against the sandbox over HTTP: a paged action (driven by `action.paging`, List Users) runs
 * one page as set up, or every page up to a limit, each request asking for min(page size, what is left).
 */
import { actions } from '../../shared';
import { pagedItems, runAction } from '../../shared/paging';
import { useSandbox } from '../helpers/sandbox';

const env = useSandbox({ seed: { users: 25 } });
beforeEach(() => env.sandbox.reset());

const listUsers = actions.listUsers;
const pageSizes = () => env.requests().map((r) => Number(r.query.pageLength));

describe('runAction', () => {
  it('runs one page, as set up, without returnAll (and for actions without paging)', async () => {
    const client = env.client();
    const page = (await runAction(client, listUsers, { pageLength: 10 })) as { users: unknown[]; nextPage: string | null };
    expect(page.users).toHaveLength(10);
    expect(page.nextPage).toEqual(expect.any(String));
    expect(pageSizes()).toEqual([10]);
    expect(await runAction(client, actions.listOffers, {}, { returnAll: true })).toEqual(await client.execute('listOffers', {}));
  });

  it('with returnAll and no limit: every page, in pages of the largest size, the cursor null at the end', async () => {
    const all = (await runAction(env.client(), listUsers, {}, { returnAll: true, limit: '' })) as { users: Array<{ uid: string }>; nextPage: string | null };
    expect(all.users.length).toBe(env.sandbox.state.users.length);
    expect(new Set(all.users.map((u) => u.uid)).size).toBe(all.users.length);
    expect(all.nextPage).toBeNull();
    expect(pageSizes()[0]).toBe(listUsers.paging?.maxPageSize);
  });

  it('with a limit: asks for min(limit, page size) and returns the cursor to continue from', async () => {
    const client = env.client();
    const first = (await runAction(client, listUsers, { pageLength: 4 }, { returnAll: true, limit: 10 })) as { users: Array<{ uid: string }>; nextPage: string };
    expect(first.users).toHaveLength(10);
    expect(pageSizes()).toEqual([4, 4, 2]);
    const rest = (await runAction(client, listUsers, { lastLoadedId: first.nextPage }, { returnAll: true })) as { users: Array<{ uid: string }> };
    expect([...first.users, ...rest.users].map((u) => u.uid)).toEqual(env.sandbox.state.users.map((u) => u.uid));
    env.sandbox.clearLog();
    await runAction(client, listUsers, {}, { returnAll: true, limit: '5' });
    expect(pageSizes()).toEqual([5]);
  });

  it.each([0, -1, 2.5, 'ten', {}])('refuses the limit %p with a message naming the field, sending nothing', async (limit) => {
    await expect(runAction(env.client(), listUsers, {}, { returnAll: true, limit })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/Invalid input for List Users: limit: must be a whole number of at least 1/),
    });
    expect(env.requests()).toHaveLength(0);
  });
});

it('pagedItems yields the items one by one, up to the limit', async () => {
  const items: unknown[] = [];
  for await (const item of pagedItems(env.client(), listUsers, { pageLength: 3 }, { limit: 7 })) items.push(item);
  expect(items).toHaveLength(7);
  expect(pageSizes()).toEqual([3, 3, 1]);
});

describe('a page length that is not a whole number', () => {
  it('reaches validation, which names it, instead of being replaced by the largest page; nothing is sent', async () => {
    for (const pageLength of ['many', 2.5]) {
      const error = await runAction(env.client(), listUsers, { pageLength }, { returnAll: true }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'VALIDATION', issues: [expect.objectContaining({ field: 'pageLength' })] });
    }
    expect(env.requests()).toHaveLength(0);
  });
});
