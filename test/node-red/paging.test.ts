/**
 * "All pages" for paged lists (List Users) in the real Node-RED runtime against the sandbox: off (the default,
 * and flows saved before it existed), one page as set up; on, every page up to the limit, in one msg.payload.
 */
import { useSandbox } from '../helpers/sandbox';
import { actionFlow, load, run, typed, useNodeRed } from './helpers';

const env = useSandbox({ seed: { users: 25 } });
useNodeRed();
beforeEach(() => env.sandbox.reset());

const sizes = () => env.requests().map((r) => Number(r.query.pageLength));

it('without All pages (or without the property, as in flows saved before): one page', async () => {
  await load(actionFlow(env.sandbox.url, 'listUsers', typed('pageLength', 'num', '5')));
  const { out } = await run({});
  expect((out?.payload as { users: unknown[] }).users).toHaveLength(5);
  expect(sizes()).toEqual([5]);
});

it('with All pages and a limit: pages of min(limit left, page size), every user up to the limit, the cursor to go on', async () => {
  await load(actionFlow(env.sandbox.url, 'listUsers', { ...typed('pageLength', 'num', '4'), returnAll: true, limit: '10' }));
  const { out } = await run({});
  const payload = out?.payload as { users: unknown[]; nextPage: string | null };
  expect(payload.users).toHaveLength(10);
  expect(payload.nextPage).toEqual(expect.any(String));
  expect(sizes()).toEqual([4, 4, 2]);
});

it('with All pages and no limit: the whole list', async () => {
  await load(actionFlow(env.sandbox.url, 'listUsers', { returnAll: true, limit: '' }));
  const { out } = await run({});
  expect((out?.payload as { users: unknown[] }).users).toHaveLength(env.sandbox.state.users.length);
  expect((out?.payload as { nextPage: unknown }).nextPage).toBeNull();
});

it('a bad limit goes to Catch naming the field, nothing sent', async () => {
  await load(actionFlow(env.sandbox.url, 'listUsers', { returnAll: true, limit: 'ten' }));
  const { caught } = await run({});
  expect((caught?.error as { message: string }).message).toMatch(/limit: must be a whole number/);
  expect(env.requests()).toHaveLength(0);
});
