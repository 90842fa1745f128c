import { z } from 'zod';
import { flag, id, integer } from '../validation';
import { accessIdField, courseIdField, defineAction, optional } from './define';
import { asList, asObject, pickString } from './normalize';

export const listUsers = defineAction({
  id: 'listUsers',
  position: 8,
  resource: 'user',
  operation: 'list',
  label: 'List Users',
  description: 'Lists users page by page, optionally only those with an offer, a course, or an active/inactive access.',
  paging: { cursorField: 'lastLoadedId', pageSizeField: 'pageLength', maxPageSize: 100, items: 'users', nextCursor: 'nextPage' },
  translations: {
    de: {
      label: 'Benutzer auflisten',
      description:
        'Listet Benutzer seitenweise auf, optional gefiltert nach Angebot, Kurs oder aktivem Zugang.',
      fields: {
        accessId: { label: 'Zugangs-ID', help: 'Nur Benutzer mit diesem Angebot' },
        courseId: { label: 'Kurs-ID', help: 'Nur Benutzer, deren Angebote diesen Kurs enthalten' },
        active: { label: 'Aktiv', help: 'Nur Benutzer mit aktivem (true) oder inaktivem (false) Zugang' },
        pageLength: { label: 'Seitengröße', help: 'Benutzer pro Seite (1 bis 100)' },
        lastLoadedId: { label: 'Zuletzt geladene ID', help: 'Der Cursor der vorigen Seite (ihre letzte uid); leer für die erste Seite' },
      },
    },
  },
  fields: [
    optional(accessIdField('Only users who have this offer'), 'Only users who have this offer'),
    optional(courseIdField, 'Only users whose offers include this course'),
    { name: 'active', label: 'Active', type: 'boolean', required: false, description: 'Only users whose access is active (true) or inactive (false)' },
    { name: 'pageLength', label: 'Page Length', type: 'number', required: false, default: 10, description: 'Users per page (1 to 100)', advanced: true },
    { name: 'lastLoadedId', label: 'Last Loaded ID', type: 'string', required: false, description: 'The cursor of the previous page (its last uid); empty for the first page', advanced: true },
  ],
  schema: z.strictObject({
    accessId: id('the offer (Access ID)').optional(),
    courseId: id('the course ID').optional(),
    active: flag().optional(),
    pageLength: integer(1, 100).optional(),
    lastLoadedId: id('the cursor of the previous page').optional(),
  }),
  request: (input) => ({
    method: 'GET',
    path: '/v1/users/list',
    query: {
      lastLoadedId: input.lastLoadedId,
      pageLength: input.pageLength,
      offerId: input.accessId,
      courseId: input.courseId,
      active: input.active,
    },
  }),
  // [D] Response key names are not settled by public sources: users from `data`, `users` or a bare array;
  // the cursor from `nextPage` or `next_page`. The sandbox answers `{ data, nextPage }`.
  normalize: (body) => {
    const object = asObject(body);
    return {
      users: asList(body, ['data', 'users']),
      nextPage: pickString(object, 'nextPage', 'next_page') ?? null,
    };
  },
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
});
