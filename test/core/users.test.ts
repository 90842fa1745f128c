/**
 * readUser (shared/users.ts): the one place that reads a user out of an answer, for the actions, the
 * doctor and its clean-up. Every shape the contract leaves open is read the same way.
 */
import { actions, isEmptyAnswer, readUser, readUsers, sameEmail } from '../../shared';

const member = { uid: 'u_real', email: 'real.member@school.example', offers: [{ offerId: 'off_basic', active: true }] };
const ctx = { status: 200, headers: {} };

describe('readUser', () => {
  it.each<[string, unknown, string]>([
    ['the top level', member, 'top level'],
    ['data', { data: member }, 'data'],
    ['user', { user: member }, 'user'],
    ['data.user', { data: { user: member } }, 'data.user'],
    ['result', { result: member }, 'result'],
    ['a one-element array', [member], 'one-element array'],
    ['a one-element array under data', [{ data: member }], 'one-element array > data'],
  ])('finds the user at %s', (_name, body, path) => {
    expect(readUser(body)).toEqual({ user: member, uid: 'u_real', email: 'real.member@school.example', path });
  });

  it('reads userId / id for the uid and mail for the email', () => {
    expect(readUser({ result: { id: 'u1', mail: 'a@example.com' } })).toMatchObject({ uid: 'u1', email: 'a@example.com', path: 'result' });
    expect(readUser({ userId: 'u2' })).toMatchObject({ uid: 'u2', email: undefined, path: 'top level' });
  });

  it('finds no user in answers that hold none', () => {
    for (const body of [undefined, null, '', 'text', {}, [], [member, member], { data: [] }, { data: null }, { statusCode: 404, message: 'not found' }]) {
      expect(readUser(body)).toBeUndefined();
    }
  });

  it('the actions read the user the same way: Grant Access finds the uid, Find User by Email puts uid and email at the top', () => {
    const input = { email: 'real.member@school.example', accessId: 'off_basic' };
    for (const body of [member, { data: member }, { data: { user: member } }, [member]]) {
      expect(actions.grantAccess.normalize(body, input, ctx).uid).toBe('u_real');
      expect(actions.findUserByEmail.normalize(body, { email: input.email }, ctx)).toMatchObject({ uid: 'u_real', email: input.email });
    }
    expect(actions.findUserByEmail.normalize({ result: { id: 'u1', mail: 'a@example.com' } }, { email: 'a@example.com' }, ctx)).toEqual({
      result: { id: 'u1', mail: 'a@example.com' }, id: 'u1', mail: 'a@example.com', uid: 'u1', email: 'a@example.com',
    });
    // The top-level shape comes out exactly as before.
    expect(actions.findUserByEmail.normalize(member, { email: input.email }, ctx)).toEqual(member);
  });
});

it('isEmptyAnswer: nothing but empty values', () => {
  for (const body of [undefined, null, '', {}, [], { data: null }, { data: [] }, { user: {} }]) expect(isEmptyAnswer(body)).toBe(true);
  for (const body of [0, false, 'x', { data: { uid: 'u' } }, [member], { found: false }]) expect(isEmptyAnswer(body)).toBe(false);
});

it('readUsers reads a page from data, users or a bare array; sameEmail ignores letter case', () => {
  expect(readUsers({ data: [member] })).toEqual([member]);
  expect(readUsers({ users: [member] })).toEqual([member]);
  expect(readUsers([member])).toEqual([member]);
  expect(sameEmail('Real.Member@School.Example', 'real.member@school.example')).toBe(true);
  expect(sameEmail(undefined, 'a@example.com')).toBe(false);
});
