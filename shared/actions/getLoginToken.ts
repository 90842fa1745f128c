import { z } from 'zod';
import { id } from '../validation';
import { defineAction, segment } from './define';
import { asObject, pickString } from './normalize';

export const getLoginToken = defineAction({
  id: 'getLoginToken',
  position: 9,
  resource: 'user',
  operation: 'getLoginToken',
  label: 'Get Login Token',
  description: 'Creates a one-time login token for a user (valid for one hour), e.g. for a magic login link.',
  translations: {
    de: {
      label: 'Login-Token abrufen',
      description:
        'Erzeugt ein Login-Token für einen Benutzer (per uid), etwa für einen Direkt-Login-Link; eine Stunde gültig.',
      fields: {
        uid: { label: 'Benutzer-ID (uid)', help: 'Die uid des Benutzers (nicht die E-Mail-Adresse): Zugang gewähren, Benutzer per E-Mail finden und Benutzer auflisten liefern sie' },
      },
    },
  },
  fields: [
    {
      name: 'uid',
      label: 'User ID',
      type: 'string',
      required: true,
      description: "The user's uid (not the email): Grant Access, Find User by Email and List Users return it",
    },
  ],
  schema: z.strictObject({ uid: id("the user's uid (from Find User by Email)") }),
  request: (input) => ({ method: 'GET', path: `/v1/users/login-token/${segment(input.uid)}` }),
  // [D] The answer is either the token as a bare string or an object with `token`; both are accepted.
  normalize: (body, input) => {
    if (typeof body === 'string') return { uid: input.uid, token: body };
    const object = asObject(body);
    return { ...object, uid: input.uid, token: pickString(object, 'token', 'loginToken') ?? null };
  },
  destructive: false,
  rateLimited: true,
  safeToRetry: true,
  notFound: (input) => `Memberspot has no user with the uid "${input.uid}". Use Find User by Email to get a user's uid.`,
});
