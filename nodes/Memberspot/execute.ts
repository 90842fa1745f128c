/**
 * Runs the Memberspot node: one core action per input item, up to the client's "Parallel requests" items
 * at once (the limiter paces the rate-limited endpoints), output in input order. Turns n8n parameters into
 * the action's input, results into items (lists fan out, one item per entry) and errors into error items
 * (Continue On Fail) or NodeApiError / NodeOperationError with the item index and a hint.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';
import { buildInput, describeError, MemberspotError, pagedItems, runInOrder, ValidationError, type AnyAction, type FieldDefinition, type MemberspotClient } from '../../shared';
import { memberspotClient } from './client';
import { ADDITIONAL_FIELDS, findAction, isAdditional, isPagedList, LIMIT, RETURN_ALL, visibleFields } from './description';

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turns an n8n parameter value into what the core expects for the field's type. */
export function toCoreValue(field: FieldDefinition, value: unknown): unknown {
	if (value === undefined || value === null) return value;
	if (field.picker === 'offers' && isObject(value) && 'value' in value) return toCoreValue({ ...field, picker: undefined }, value.value);
	switch (field.type) {
		case 'keyValue': {
			if (!isObject(value)) return value;
			const pairs = Array.isArray(value.parameter) ? (value.parameter as Array<{ name?: unknown; value?: unknown }>) : [];
			const out: Record<string, unknown> = {};
			for (const pair of pairs) {
				const name = typeof pair.name === 'string' ? pair.name.trim() : '';
				if (name) out[name] = pair.value ?? '';
			}
			return out;
		}
		case 'properties': {
			if (!isObject(value)) return value;
			const pairs = Array.isArray(value.property) ? (value.property as Array<{ propertyId?: unknown; value?: unknown }>) : [];
			return pairs.map((p) => ({ propertyId: typeof p.propertyId === 'string' ? p.propertyId.trim() : p.propertyId, value: p.value ?? '' }));
		}
		case 'json': {
			if (typeof value !== 'string') return value;
			if (value.trim() === '') return undefined;
			try {
				return JSON.parse(value) as unknown;
			} catch {
				return value; // the core names the field and the JSON problem
			}
		}
		case 'dateTime': {
			if (isObject(value) && typeof (value as { toISO?: unknown }).toISO === 'function') return (value as { toISO(): string }).toISO();
			if (value instanceof Date) return value.toISOString();
			return value;
		}
		default:
			return value;
	}
}

function fieldValue(context: IExecuteFunctions, field: FieldDefinition, itemIndex: number, additional: IDataObject): unknown {
	if (isAdditional(field)) return toCoreValue(field, additional[field.name]);
	if (field.picker === 'offers') return toCoreValue(field, context.getNodeParameter(field.name, itemIndex, '', { extractValue: true }));
	return toCoreValue(field, context.getNodeParameter(field.name, itemIndex, undefined));
}

/** The action's input for one item. */
export function actionInput(context: IExecuteFunctions, action: AnyAction, itemIndex: number): Record<string, unknown> {
	const fields = visibleFields(action);
	const additional = fields.some(isAdditional) ? (context.getNodeParameter(ADDITIONAL_FIELDS, itemIndex, {}) as IDataObject) : {};
	const byName = new Map(fields.map((f) => [f.name, f]));
	const parameters = context.getNode().parameters;
	return buildInput(
		action,
		(name) => {
			const field = byName.get(name);
			return field ? fieldValue(context, field, itemIndex, additional) : undefined;
		},
		// Set by the user: an Additional Field that was added, or an expression (which may resolve empty).
		(name) => {
			const field = byName.get(name);
			if (!field) return false;
			if (isAdditional(field)) return Object.prototype.hasOwnProperty.call(additional, name);
			const raw = parameters[name];
			return typeof raw === 'string' && raw.startsWith('=');
		},
	);
}

function toJson(entry: unknown): IDataObject {
	return isObject(entry) ? (entry as IDataObject) : { value: entry as IDataObject[string] };
}

/** What one item will run: read from its parameters (synchronous) before it starts. */
interface ItemCall {
	action: AnyAction;
	input: Record<string, unknown>;
	/** For a paged list: stop after this many (undefined: Return All). */
	limit?: number;
}

function itemCall(context: IExecuteFunctions, itemIndex: number): ItemCall {
	const resource = context.getNodeParameter('resource', itemIndex) as string;
	const operation = context.getNodeParameter('operation', itemIndex) as string;
	const action = findAction(resource, operation);
	if (!action) {
		throw new NodeOperationError(context.getNode(), `Unknown operation "${operation}" for resource "${resource}"`, { itemIndex });
	}
	const input = actionInput(context, action, itemIndex);
	if (!isPagedList(action)) return { action, input };
	const returnAll = context.getNodeParameter(RETURN_ALL, itemIndex, false) as boolean;
	return { action, input, limit: returnAll ? undefined : (context.getNodeParameter(LIMIT, itemIndex, 50) as number) };
}

async function runCall(client: MemberspotClient, { action, input, limit }: ItemCall, signal: AbortSignal): Promise<IDataObject[]> {
	if (isPagedList(action)) {
		const entries: IDataObject[] = [];
		for await (const entry of pagedItems(client, action, input, { limit, signal })) entries.push(toJson(entry));
		return entries;
	}
	const result = await client.execute(action.id, input, { signal });
	return Array.isArray(result) ? result.map(toJson) : [toJson(result)];
}

/** The error item for Continue On Fail: what went wrong and what to do, never the key. */
export function errorJson(error: unknown): IDataObject {
	const { message, hint, code } = describeError(error);
	const json: IDataObject = { error: message, code };
	if (hint) json.hint = hint;
	if (error instanceof MemberspotError) {
		if (error.status !== undefined) json.status = error.status;
		if (error.actionId) json.action = error.actionId;
	}
	if (error instanceof ValidationError) json.issues = error.issues.map((i) => ({ field: i.field, message: i.message }));
	return json;
}

function nodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	const { message, hint } = describeError(error);
	const node = context.getNode();
	if (error instanceof MemberspotError && error.status !== undefined && !(error instanceof ValidationError)) {
		return new NodeApiError(node, error.toJSON() as JsonObject, {
			message,
			description: hint,
			httpCode: String(error.status),
			itemIndex,
		});
	}
	return new NodeOperationError(node, message, { description: hint, itemIndex });
}

/**
 * The item for a failed input item. "Continue" (regular output): `{ error, code, hint, ... }`. "Continue
 * (using error output)": n8n routes items that carry `error` to the error output and keeps only its
 * message (merged with the input item), so the message there includes the hint.
 */
function errorItem(context: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	if (context.getNode().onError === 'continueErrorOutput') {
		const { message, hint } = describeError(error);
		const routed = new NodeOperationError(context.getNode(), hint ? `${message} ${hint}` : message, { description: hint, itemIndex });
		return { json: errorJson(error), error: routed, pairedItem: { item: itemIndex } };
	}
	return { json: errorJson(error), pairedItem: { item: itemIndex } };
}

/**
 * Runs the items, up to `parallel` at once, each with its own AbortController. The items start in input
 * order; the output keeps it. Without Continue On Fail, a failed item stops the run: no later item
 * starts, later items still waiting or in flight are cancelled, earlier ones finish, and the error of the
 * lowest failed item is thrown (the one a one-at-a-time run would have stopped at). Cancelling the
 * execution cancels every item in flight or waiting.
 */
async function runItems(context: IExecuteFunctions, client: MemberspotClient, count: number): Promise<INodeExecutionData[]> {
	const continueOnFail = context.continueOnFail();
	const cancelled = context.getExecutionCancelSignal?.();
	const results: INodeExecutionData[][] = new Array(count);
	const running = new Map<number, AbortController>();
	// The lowest failed item so far (without Continue On Fail); an object, as the workers set it.
	const stop: { failure?: { itemIndex: number; error: unknown } } = {};
	const cancelAll = () => running.forEach((controller) => controller.abort());
	/** Keeps the lowest failed item and cancels the later ones; an earlier one still running may fail too. */
	const failed = (itemIndex: number, error: unknown) => {
		if (stop.failure !== undefined && stop.failure.itemIndex < itemIndex) return;
		stop.failure = { itemIndex, error };
		running.forEach((later, index) => index > itemIndex && later.abort());
	};
	cancelled?.addEventListener('abort', cancelAll);

	const item = async (itemIndex: number) => {
		const controller = new AbortController();
		if (cancelled?.aborted) controller.abort();
		running.set(itemIndex, controller);
		try {
			const json = await runCall(client, itemCall(context, itemIndex), controller.signal);
			results[itemIndex] = json.map((entry) => ({ json: entry, pairedItem: { item: itemIndex } }));
		} catch (error) {
			if (continueOnFail) results[itemIndex] = [errorItem(context, error, itemIndex)];
			else failed(itemIndex, error);
		} finally {
			running.delete(itemIndex);
		}
	};
	try {
		await runInOrder(count, client.parallelRequests, item, () => stop.failure !== undefined);
	} finally {
		cancelled?.removeEventListener('abort', cancelAll);
	}
	if (stop.failure) throw nodeError(context, stop.failure.error, stop.failure.itemIndex);
	return results.flat();
}

export async function executeMemberspot(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	let client: MemberspotClient | undefined;
	try {
		client = await memberspotClient(this);
		return [await runItems(this, client, items.length)];
	} catch (error) {
		// The client could not be created (e.g. an empty key or a malformed base URL in the credential).
		if (error instanceof NodeOperationError || error instanceof NodeApiError) throw nodeError(this, error, 0);
		if (this.continueOnFail()) return [items.map((_item, item) => errorItem(this, error, item))];
		throw nodeError(this, error, 0);
	} finally {
		await client?.close();
	}
}
