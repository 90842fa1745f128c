/**
 * Paged lists, driven by an action's `paging` definition (e.g. List Users): both hosts run one page as the
 * user set it up, or every page up to a limit ("Return All" / "Limit" in n8n, "All pages" in Node-RED), with
 * the cursor and the page size handled here. Each request asks for min(page size, what is still wanted).
 */
import type { AnyAction } from './actions';
import type { ExecuteOptions, MemberspotClient } from './client';
import { ApiError, ValidationError } from './errors';

export interface RunOptions extends ExecuteOptions {
  /** For a paged action: every page instead of one. */
  returnAll?: boolean;
  /** With returnAll: stop after this many items. Blank, undefined or Infinity: no limit. */
  limit?: unknown;
}

type Page = Record<string, unknown>;

/** A host's limit as a number (Infinity for none); a clear error naming `limit` otherwise. */
export function pageLimit(action: AnyAction, value: unknown): number {
  if (value === undefined || value === null || value === Infinity || (typeof value === 'string' && value.trim() === '')) return Infinity;
  const limit = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof limit === 'number' && Number.isInteger(limit) && limit > 0) return limit;
  throw new ValidationError([{ field: 'limit', message: `must be a whole number of at least 1 (or blank for no limit), not ${JSON.stringify(value)}` }], {
    actionId: action.id,
    actionLabel: action.label,
  });
}

/** The pages of a paged action, each asking for no more than is still wanted. */
async function* pages(client: MemberspotClient, action: AnyAction, input: Record<string, unknown>, limit: number, options: ExecuteOptions): AsyncGenerator<{ items: unknown[]; next: string | null }> {
  const paging = action.paging;
  if (!paging) throw new Error(`${action.id} is not a paged list`);
  // A page size that is not a whole number goes on as given, for the action's validation to name it.
  const given = input[paging.pageSizeField];
  const asked = given === undefined || given === null || given === '' ? paging.maxPageSize : Number(given);
  const sized = Number.isInteger(asked) && asked >= 1;
  const seen = new Set<string>();
  let cursor = input[paging.cursorField];
  let remaining = limit;
  for (;;) {
    const size = sized ? Math.max(1, Math.min(asked, paging.maxPageSize, remaining)) : given;
    const page = (await client.execute(action.id, { ...input, [paging.pageSizeField]: size, [paging.cursorField]: cursor }, options)) as Page;
    const items = Array.isArray(page[paging.items]) ? (page[paging.items] as unknown[]).slice(0, remaining) : [];
    const next = typeof page[paging.nextCursor] === 'string' && page[paging.nextCursor] !== '' ? (page[paging.nextCursor] as string) : null;
    remaining -= items.length;
    const last = next === null || items.length === 0 || remaining <= 0;
    yield { items, next: last && remaining > 0 ? null : next };
    if (last) return;
    if (seen.has(next as string)) {
      throw new ApiError('Memberspot returned a page cursor it had returned before, so listing stopped to avoid a loop.', {
        actionId: action.id,
        hint: 'Run the list again; if it repeats, set a limit.',
      });
    }
    seen.add(next as string);
    cursor = next;
  }
}

/** Every item of a paged action, page by page, up to `limit` (for hosts that emit one item each). */
export async function* pagedItems(client: MemberspotClient, action: AnyAction, input: Record<string, unknown>, options: RunOptions = {}): AsyncGenerator<unknown> {
  for await (const page of pages(client, action, input, pageLimit(action, options.limit), options)) yield* page.items;
}

/**
 * Runs an action: once, or for a paged action with `returnAll`, every page up to `limit`, returning the
 * action's own output shape with all the items and the cursor to continue from (null when the list ended).
 */
export async function runAction(client: MemberspotClient, action: AnyAction, input: Record<string, unknown>, options: RunOptions = {}): Promise<unknown> {
  if (!action.paging || !options.returnAll) return client.execute(action.id, input, { signal: options.signal });
  const all: unknown[] = [];
  let next: string | null = null;
  for await (const page of pages(client, action, input, pageLimit(action, options.limit), options)) {
    all.push(...page.items);
    next = page.next;
  }
  return { [action.paging.items]: all, [action.paging.nextCursor]: next };
}
