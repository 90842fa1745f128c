import { handleWebhook, hasSecret, isBlankSecret, parseEventFilter, eventName } from '../../shared';

describe('handleWebhook', () => {
  it("answers Memberspot's auth_test with 200 and starts nothing", () => {
    expect(handleWebhook({ body: { event: 'auth_test' } })).toEqual({ kind: 'authTest', status: 200 });
  });

  it('passes an event through untouched, with its name', () => {
    const body = { event: 'user.created', user: { email: 'a@example.com' }, nested: [1, 2] };
    expect(handleWebhook({ body })).toEqual({ kind: 'event', status: 200, event: 'user.created', payload: body });
  });

  it('passes a body without an event name through, with event null', () => {
    expect(handleWebhook({ body: [1, 2] })).toMatchObject({ kind: 'event', event: null, payload: [1, 2] });
    expect(eventName('text')).toBeNull();
  });

  it('ignores events outside the filter, but never auth_test', () => {
    const events = ['user.created'];
    expect(handleWebhook({ body: { event: 'offer.granted' } }, { events })).toEqual({ kind: 'ignored', status: 200, event: 'offer.granted' });
    expect(handleWebhook({ body: {} }, { events })).toMatchObject({ kind: 'ignored', event: null });
    expect(handleWebhook({ body: { event: 'user.created' } }, { events })).toMatchObject({ kind: 'event' });
    expect(handleWebhook({ body: { event: 'auth_test' } }, { events })).toMatchObject({ kind: 'authTest' });
  });

  it('requires the secret, from the query or the header, before anything else', () => {
    const secret = 's3cr3t-value';
    expect(handleWebhook({ body: { event: 'auth_test' } }, { secret })).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(handleWebhook({ body: { event: 'x' }, query: { secret: 'wrong' } }, { secret })).toMatchObject({ kind: 'unauthorized' });
    expect(handleWebhook({ body: { event: 'x' }, query: { secret: `${secret}x` } }, { secret })).toMatchObject({ kind: 'unauthorized' });
    expect(handleWebhook({ body: { event: 'x' }, query: { secret } }, { secret })).toMatchObject({ kind: 'event' });
    expect(handleWebhook({ body: { event: 'x' }, headers: { 'X-Memberspot-Secret': secret } }, { secret })).toMatchObject({ kind: 'event' });
    expect(handleWebhook({ body: { event: 'x' }, query: { secret: [secret] } }, { secret })).toMatchObject({ kind: 'event' });
    // No secret set (undefined): no check.
    expect(handleWebhook({ body: { event: 'x' } }, {})).toMatchObject({ kind: 'event' });
  });

  it.each([[''], ['   '], ['\n'], ['\t \r\n']])('a blank secret (%j) refuses every request, also one that sends the same blank', (secret) => {
    for (const request of [{}, { query: { secret } }, { query: { secret: '' } }, { headers: { 'X-Memberspot-Secret': secret } }, { query: { secret: 'anything' } }]) {
      expect(handleWebhook({ body: { event: 'x' }, ...request }, { secret })).toMatchObject({ kind: 'unauthorized', status: 401 });
      expect(handleWebhook({ body: { event: 'auth_test' }, ...request }, { secret })).toMatchObject({ kind: 'unauthorized' });
      expect(hasSecret(request, secret)).toBe(false);
    }
    expect(isBlankSecret(secret)).toBe(true);
    expect(isBlankSecret(undefined)).toBe(false);
    expect(isBlankSecret('s')).toBe(false);
  });
});

it('parseEventFilter takes a list or comma-separated text', () => {
  expect(parseEventFilter(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
  expect(parseEventFilter(['a', ' ', 'b'])).toEqual(['a', 'b']);
  expect(parseEventFilter(undefined)).toEqual([]);
});
