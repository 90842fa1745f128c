import { actions, buildInput, describeError, pickerOptions, resourceLabels, actionList, NotFoundError } from '../../shared';
import { useSandbox } from '../helpers/sandbox';

const env = useSandbox();

it('has a label for every resource the registry uses', () => {
  for (const action of actionList) expect(resourceLabels[action.resource]).toEqual(expect.any(String));
});

describe('buildInput', () => {
  it('leaves out empty optional fields and keeps empty required ones for validation to name', () => {
    const values: Record<string, unknown> = { email: '', accessId: 'off_basic', firstName: '  ', lastName: 'Schmidt', orderId: undefined };
    expect(buildInput(actions.grantAccess, (name) => values[name])).toEqual({ email: '', accessId: 'off_basic', lastName: 'Schmidt' });
  });

  it('keeps false and 0, which are values', () => {
    expect(buildInput(actions.revokeAccess, (name) => ({ email: 'a@example.com', accessId: 'x', active: false })[name])).toMatchObject({ active: false });
    expect(buildInput(actions.listUsers, (name) => ({ pageLength: 0 })[name])).toEqual({ pageLength: 0 });
  });
});

describe('pickerOptions', () => {
  it('lists the offers by name with their ids, filtered', async () => {
    const client = env.client();
    const offers = await pickerOptions(client, 'offers');
    expect(offers).toEqual(expect.arrayContaining([{ name: 'Online-Kurs Basis', value: 'off_basic', description: 'off_basic' }]));
    expect(offers.map((o) => o.name)).toEqual([...offers.map((o) => o.name)].sort((a, b) => a.localeCompare(b)));
    expect((await pickerOptions(client, 'offers', 'premium')).map((o) => o.value)).toEqual(['off_premium']);
    expect((await pickerOptions(client, 'offers', 'OFF_COACH')).map((o) => o.value)).toEqual(['off_coaching']);
  });

  it('lists the custom properties', async () => {
    const properties = await pickerOptions(env.client(), 'customProperties');
    expect(properties.map((p) => p.value).sort()).toEqual(['cp_company', 'cp_phone', 'cp_source']);
    expect(properties.find((p) => p.value === 'cp_phone')?.name).toBe('Telefon');
  });
});

it('describeError gives message, hint and code of any error', () => {
  expect(describeError(new NotFoundError('gone', { hint: 'check it' }))).toEqual({ message: 'gone', hint: 'check it', code: 'NOT_FOUND' });
  expect(describeError(new Error('plain'))).toEqual({ message: 'plain', hint: '', code: 'UNKNOWN' });
  expect(describeError('text')).toEqual({ message: 'text', hint: '', code: 'UNKNOWN' });
});
