import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_REQUESTS_PER_SECOND } from '../shared/limits/limiter';
import { describeOutcome, isAnswer, type Answer } from './http';
import { unknownAddress, type Context } from './probes';

const CALLS = 12;
const RATE_HEADER = /^(x-)?ratelimit(-|$)/i;

/** Up to 12 Find User by Email calls for an address that cannot exist, within one second: when does a 429 come? */
export async function probeRate(context: Context): Promise<void> {
  // Start with an empty window: earlier probes used the same endpoint.
  await sleep(1100);
  const request = context.http.build('findUserByEmail', { email: unknownAddress() });
  const started = Date.now();
  const headerNames = new Set<string>();
  let throttled: Answer | undefined;
  let calls = 0;
  while (calls < CALLS && Date.now() - started < 1000) {
    calls += 1;
    const outcome = await context.http.send(request);
    // Any answer but a refusal of the key counts (the unknown address may be a 404 or, if Memberspot differs, a 200).
    if (!isAnswer(outcome) || outcome.status === 401 || outcome.status === 403 || outcome.status >= 500) {
      const why = isAnswer(outcome) && outcome.status === 403 ? 'find-by-mail needs the Enterprise plan' : 'expected an answer or a 429';
      context.checks.push({ area: 'rate', name: 'Rate limit', status: 'unchecked', detail: `call ${calls}: ${describeOutcome(outcome)} (${why})` });
      return;
    }
    for (const name of Object.keys(outcome.headers)) if (RATE_HEADER.test(name)) headerNames.add(name);
    if (outcome.status === 429) {
      throttled = outcome;
      break;
    }
  }
  const elapsed = Date.now() - started;
  const decision = '[D] 429 with Retry-After';
  if (!throttled) {
    context.checks.push({ area: 'rate', name: 'Rate limit', status: 'info', detail: `no 429 within ${calls} calls in ${elapsed} ms: the limit is higher, or not on find-by-mail`, decision });
  } else {
    const retryAfter = throttled.headers['retry-after'];
    context.checks.push({
      area: 'rate',
      name: 'Rate limit',
      status: retryAfter === undefined ? 'differs' : 'holds',
      detail: `429 on call ${calls} (after ${calls - 1} answered calls in ${elapsed} ms), ${retryAfter === undefined ? 'without Retry-After: the nodes fall back to backoff with jitter' : `Retry-After: ${/^\d+$/.test(retryAfter) ? retryAfter : '(a date)'}`}`,
      decision,
      file: 'shared/http/backoff.ts',
    });
  }
  const names = [...headerNames].sort();
  context.checks.push({
    area: 'rate',
    name: 'Rate limit headers',
    status: names.length === 0 ? 'holds' : 'differs',
    detail: names.length === 0 ? 'no RateLimit-* or X-RateLimit-* headers' : `the API sends ${names.join(', ')}, which the package does not read`,
    decision: '[D] only 429 / Retry-After signal the limit',
    file: 'shared/limits/limiter.ts',
  });
  const passed = throttled ? calls - 1 : undefined;
  context.checks.push({
    area: 'rate',
    name: 'Recommendation',
    status: 'info',
    detail:
      passed === undefined
        ? `keep the default of ${DEFAULT_REQUESTS_PER_SECOND} requests per second (Memberspot's documented limit)`
        : `set "requests per second" to ${Math.max(1, Math.min(passed, DEFAULT_REQUESTS_PER_SECOND))} or less (${passed} calls passed before the 429)`,
  });
}
