import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { properties, subtitle } from './description';
import { executeMemberspot } from './execute';
import { methods } from './methods';

export class Memberspot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Memberspot',
		name: 'memberspot',
		icon: { light: 'file:memberspot.svg', dark: 'file:memberspot.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle,
		description: 'Grant, revoke and delete course access, manage users, custom properties and course progress in Memberspot',
		defaults: { name: 'Memberspot' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'memberflowMemberspotApi', required: true }],
		properties,
	};

	methods = methods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return executeMemberspot.call(this);
	}
}
