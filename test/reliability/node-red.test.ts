/**
 * 500 Grant Access inputs through the Node-RED action node (one bulk message, in the real runtime) while
 * the sandbox injects transient faults: one result per input, every one a success, every user granted
 * exactly once, no unhandled rejection. A permanent 401 ends every element in one clear error.
 */
import { actionFlow, configFor, load, run, useNodeRed, type FlowNode } from '../node-red/helpers';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { transientFaults, useFaultSuite } from './faults';

const env = useSandbox({ rateLimit: false });
useNodeRed();
const { unhandled } = useFaultSuite(env);

/** The action flow with an account whose timeout is short enough for the latency faults to exceed it. */
function flow(): FlowNode[] {
  return actionFlow(env.sandbox.url, 'grantAccess').map((n) => (n.id === 'cfg' ? configFor(env.sandbox.url, { timeout: 0.25 }) : n));
}

const inputs = Array.from({ length: 500 }, (_, i) => ({ email: `nr${i}@example.com`, accessId: 'off_basic', orderId: `CC-${i}` }));

it('grants all 500 through 503s, resets, 429 bursts and latency beyond the timeout', async () => {
  env.sandbox.setFaults(transientFaults(4242));
  await load(flow());
  const { out, caught } = await run({ payload: inputs }, 'n1', 120_000);
  expect(caught).toBeUndefined();
  const results = out?.payload as Array<{ ok: boolean; error?: unknown }>;
  expect(results).toHaveLength(500);
  expect(results.filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
  for (const [i, input] of inputs.entries()) {
    expect(env.sandbox.state.userByEmail(input.email)?.offers).toEqual([
      expect.objectContaining({ offerId: 'off_basic', active: true, orderId: `CC-${i}` }),
    ]);
  }
  for (const status of [503, 429, 'reset']) expect(env.requests().some((r) => r.status === status)).toBe(true);
  expect(unhandled).toEqual([]);
}, 180_000);

it('ends every element in one authentication error on a wrong key, one request each', async () => {
  await load(flow(), { cfg: { apiKey: 'wrong-key-0a1b2c3d4e' } });
  const list = inputs.slice(0, 50).map((input) => ({ ...input, email: `wrong-${input.email}` }));
  // Failed elements send the message to Catch (done(err)), with every element's result in msg.payload.
  const { out, caught } = await run({ payload: list }, 'n1', 60_000);
  expect(out).toBeUndefined();
  expect(caught?.error).toMatchObject({ code: 'BULK_FAILED', message: expect.stringMatching(/^50 of 50 elements/) });
  const results = caught?.payload as Array<{ ok: boolean; error?: { code: string; message: string } }>;
  expect(results).toHaveLength(50);
  expect(results.every((r) => !r.ok && r.error?.code === 'AUTHENTICATION')).toBe(true);
  expect(JSON.stringify(results)).not.toContain(API_KEY);
  const sent = env.requests().filter((r) => String((r.body as { email?: string })?.email).startsWith('wrong-'));
  expect(sent).toHaveLength(50);
});
