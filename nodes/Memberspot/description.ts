/**
 * The Memberspot node's parameters, generated from the core's action registry: one resource per
 * `action.resource`, one operation per action, one parameter per field. Adding an action to the registry
 * adds it here; nothing in this file names an action. A paged list (`action.paging`) gets Return All / Limit.
 *
 * Field layout rule: a field is a plain parameter, except optional fields marked `advanced` and optional
 * true/false fields without a default (a toggle cannot say "not given"), which go into "Additional Fields".
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { actionList, resourceLabels, type AnyAction, type FieldDefinition, type Resource } from '../../shared';

export const ADDITIONAL_FIELDS = 'additionalFields';
export const RETURN_ALL = 'returnAll';
export const LIMIT = 'limit';

/** Actions whose result is a list paged by cursor (`action.paging`): they get Return All / Limit. */
export function isPagedList(action: AnyAction): boolean {
	return action.paging !== undefined;
}

/** Whether a field goes into the "Additional Fields" collection. */
export function isAdditional(field: FieldDefinition): boolean {
	if (field.required) return false;
	if (field.advanced) return true;
	return field.type === 'boolean' && field.default === undefined;
}

/** Fields a paged list handles itself (the cursor and the page size are driven by Return All / Limit). */
function hiddenFields(action: AnyAction): Set<string> {
	return action.paging ? new Set([action.paging.cursorField]) : new Set();
}

export function visibleFields(action: AnyAction): FieldDefinition[] {
	const hidden = hiddenFields(action);
	return action.fields.filter((f) => !hidden.has(f.name));
}

function show(action: AnyAction): INodeProperties['displayOptions'] {
	return { show: { resource: [action.resource], operation: [action.operation] } };
}

function operationDescription(action: AnyAction): string {
	const parts = [action.description];
	if (action.makeModule) parts.push(`Make module: "${action.makeModule}".`);
	return parts.join(' ');
}

/** The n8n "action" text: the label in sentence case ("Grant access"). */
function actionText(action: AnyAction): string {
	const [first, ...rest] = action.label.split(' ');
	return [first, ...rest.map((w) => (/^[A-Z][a-z]/.test(w) && !['API', 'Memberspot'].includes(w) ? w.toLowerCase() : w))].join(' ');
}

function fieldDescription(field: FieldDefinition): string {
	if (field.type === 'emailList') return `${field.description}. Separate several with commas.`;
	return field.description;
}

/** One field as an n8n parameter (without displayOptions). */
export function fieldProperty(field: FieldDefinition, required: boolean): INodeProperties {
	const base = {
		displayName: field.label,
		name: field.name,
		description: fieldDescription(field),
		...(required ? { required: true } : {}),
		...(field.placeholder ? { placeholder: field.placeholder } : {}),
	};
	if (field.picker === 'offers') {
		return {
			...base,
			displayName: field.label,
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select an offer...',
					typeOptions: { searchListMethod: 'searchOffers', searchable: true, searchFilterRequired: false },
				},
				{
					displayName: 'ID',
					name: 'id',
					type: 'string',
					placeholder: 'e.g. off_basic',
				},
			],
		};
	}
	switch (field.type) {
		case 'email':
			return { ...base, type: 'string', placeholder: field.placeholder ?? 'name@example.com', default: '' };
		case 'emailList':
			return { ...base, type: 'string', placeholder: 'anna@example.com, max@example.com', default: '' };
		case 'boolean':
			return { ...base, type: 'boolean', default: typeof field.default === 'boolean' ? field.default : false };
		case 'number':
			return { ...base, type: 'number', default: typeof field.default === 'number' ? field.default : 0 };
		case 'dateTime':
			return { ...base, type: 'dateTime', default: '' };
		case 'options':
			return {
				...base,
				type: 'options',
				options: (field.options ?? []).map((o) => ({ name: o.name, value: o.value })),
				default: (field.default as string | undefined) ?? field.options?.[0]?.value ?? '',
			};
		case 'json':
			return { ...base, type: 'json', default: '' };
		case 'keyValue':
			return {
				...base,
				type: 'fixedCollection',
				placeholder: `Add ${field.label.replace(/s$/, '')}`,
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: field.label,
						name: 'parameter',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			};
		case 'properties':
			return {
				...base,
				type: 'fixedCollection',
				placeholder: 'Add Property',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: 'Property',
						name: 'property',
						values: [
							{
								displayName: 'Property Name or ID',
								name: 'propertyId',
								type: 'options',
								typeOptions: { loadOptionsMethod: 'getCustomProperties' },
								default: '',
								description:
									'The custom user property defined in Memberspot. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
								description: 'The value to store (Memberspot stores every value as text)',
							},
						],
					},
				],
			};
		case 'string':
		default:
			return { ...base, type: 'string', default: typeof field.default === 'string' ? field.default : '' };
	}
}

function resources(): Resource[] {
	const used = new Set(actionList.map((a) => a.resource));
	return (Object.keys(resourceLabels) as Resource[]).filter((r) => used.has(r));
}

function resourceProperty(): INodeProperties {
	const list = resources();
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: list.map((r) => ({ name: resourceLabels[r], value: r })),
		default: String(list[0]),
	};
}

function operationProperties(): INodeProperties[] {
	return resources().map((resource) => {
		const inResource = actionList.filter((a) => a.resource === resource);
		const options: INodePropertyOptions[] = inResource.map((a) => ({
			name: a.label,
			value: a.operation,
			action: actionText(a),
			description: operationDescription(a),
		}));
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource] } },
			options,
			default: String(inResource[0].operation),
		};
	});
}

function actionProperties(action: AnyAction): INodeProperties[] {
	const props: INodeProperties[] = [];
	if (action.destructive) {
		props.push({
			displayName: action.description,
			name: 'destructiveNotice',
			type: 'notice',
			default: '',
			displayOptions: show(action),
		});
	}
	const fields = visibleFields(action);
	for (const field of fields.filter((f) => !isAdditional(f))) {
		props.push({ ...fieldProperty(field, field.required), displayOptions: show(action) });
	}
	if (isPagedList(action)) {
		props.push(
			{
				displayName: 'Return All',
				name: RETURN_ALL,
				type: 'boolean',
				default: false,
				description: 'Whether to return all results or only up to a given limit',
				displayOptions: show(action),
			},
			{
				displayName: 'Limit',
				name: LIMIT,
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				description: 'Max number of results to return',
				displayOptions: { show: { resource: [action.resource], operation: [action.operation], [RETURN_ALL]: [false] } },
			},
		);
	}
	const additional = fields.filter(isAdditional);
	if (additional.length > 0) {
		props.push({
			displayName: 'Additional Fields',
			name: ADDITIONAL_FIELDS,
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			displayOptions: show(action),
			options: additional.map((f) => fieldProperty(f, false)),
		});
	}
	return props;
}

export const properties: INodeProperties[] = [resourceProperty(), ...operationProperties(), ...actionList.flatMap(actionProperties)];

/** The node's subtitle: the chosen action's label, e.g. "Grant Access" (an expression over a generated map). */
export const subtitle = `={{ (${JSON.stringify(Object.fromEntries(actionList.map((a) => [`${a.resource}:${a.operation}`, a.label])))})[$parameter["resource"] + ":" + $parameter["operation"]] }}`;

/** The action behind a resource/operation pair. */
export function findAction(resource: string, operation: string): AnyAction | undefined {
	return actionList.find((a) => a.resource === resource && a.operation === operation);
}
