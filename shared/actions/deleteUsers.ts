import { z } from 'zod';
import { emailList, integer } from '../validation';
import { defineAction } from './define';
import { asObject, isObject, type JsonObject } from './normalize';

/**
 * [D] How many users Memberspot says it deleted: a number under `deleted` / `deletedCount` / `count`, or a
 * list under `deleted` / `deletedUsers` / `users` (its length). No public source shows the answer; the
 * sandbox answers `{ deleted: <number> }`. Undefined when the answer does not say.
 */
function deletedList(body: JsonObject): unknown[] | undefined {
  for (const key of ['deleted', 'deletedUsers', 'deletedEmails', 'users']) if (Array.isArray(body[key])) return body[key] as unknown[];
  return undefined;
}

function deletedCount(body: JsonObject): number | undefined {
  for (const key of ['deleted', 'deletedCount', 'count']) {
    const value = body[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  }
  return deletedList(body)?.length;
}

/** The email addresses in a list of deleted users, when every entry names one (a text or an object's `email`). */
function deletedEmails(body: JsonObject): string[] | undefined {
  const list = deletedList(body);
  if (!list) return undefined;
  const emails = list.map((entry) => (typeof entry === 'string' ? entry : isObject(entry) && typeof entry.email === 'string' ? entry.email : undefined));
  return emails.every((e): e is string => e !== undefined && e.includes('@')) ? emails : undefined;
}

export const deleteUsers = defineAction({
  id: 'deleteUsers',
  position: 10,
  resource: 'user',
  operation: 'delete',
  label: 'Delete Users',
  makeModule: 'Delete Users',
  description:
    'DESTRUCTIVE and permanent: deletes the users with these emails, with all their access and progress ' +
    '(e.g. for a GDPR deletion request). Emails that are not in the account are ignored: the result says how many ' +
    'users Memberspot reports deleted (success is true only when that is every address).',
  translations: {
    de: {
      label: 'Benutzer löschen',
      description:
        'ENDGÜLTIG: Löscht Benutzer mit allen Zugängen und allem Fortschritt (z. B. für eine DSGVO-Löschung). Lässt sich nicht rückgängig machen.',
      fields: {
        emails: { label: 'E-Mail-Adressen', help: 'Die E-Mail-Adressen der zu löschenden Benutzer: als Liste oder durch Kommas bzw. Zeilenumbrüche getrennt' },
        maxEmails: { label: 'Höchstens Adressen', help: 'Optional: Mehr Adressen pro Aufruf sind ein Fehler, und nichts wird gelöscht (z. B. 1 für eine DSGVO-Anfrage einer Person)' },
      },
    },
  },
  fields: [
    {
      name: 'emails',
      label: 'Emails',
      type: 'emailList',
      required: true,
      description: 'The email addresses of the users to delete: a list, or text separated by commas or line breaks',
      placeholder: 'anna@example.com, max@example.com',
    },
    {
      name: 'maxEmails',
      label: 'Max Addresses',
      type: 'number',
      required: false,
      default: 1,
      description: 'Optional: more addresses in one call are an error and nothing is deleted (e.g. 1 for one person\'s GDPR request)',
      advanced: true,
    },
  ],
  schema: z
    .strictObject({ emails: emailList(), maxEmails: integer(1, 1000).optional() })
    .superRefine((input, ctx) => {
      if (input.maxEmails !== undefined && input.emails.length > input.maxEmails) {
        ctx.addIssue({
          code: 'custom',
          path: ['emails'],
          message: `has ${input.emails.length} addresses, more than the maximum of ${input.maxEmails} per call (maxEmails): check the list, split it or raise the maximum`,
        });
      }
    }),
  request: (input) => ({
    method: 'DELETE',
    path: '/v1/users/delete-users',
    body: { emails: input.emails },
  }),
  // What Memberspot said, not what was asked: `deleted` is the number it reports (null when its answer does
  // not say), `success` is true only when that is every address sent (null when unknown), and the addresses
  // it did not delete are listed when its answer names the deleted ones.
  normalize: (body, input) => {
    const response = asObject(body);
    const deleted = deletedCount(response);
    const named = deletedEmails(response);
    const gone = named && new Set(named.map((e) => e.toLowerCase()));
    return {
      success: deleted === undefined ? null : deleted >= input.emails.length,
      emails: input.emails,
      deleted: deleted ?? null,
      ...(gone ? { deletedEmails: named, notDeleted: input.emails.filter((e) => !gone.has(e.toLowerCase())) } : {}),
      response,
    };
  },
  destructive: true,
  rateLimited: false,
  safeToRetry: true,
});
