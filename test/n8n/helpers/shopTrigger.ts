/**
 * The Shop Webhook Trigger in n8n-core's WebhookContext and HookContext (activation), in one workflow whose
 * static data lives across calls, as n8n keeps it for an active workflow.
 */
import type * as N8nCore from 'n8n-core';
import type { IDataObject, INode, INodeParameters, INodeType, IWebhookResponseData, Workflow, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { MemoryCredentialsHelper, n8nCore } from '../../../bench/harness/n8n-engine';
import { additionalDataFor, CREDENTIAL_TYPE, credentialTypes, makeWorkflow, nodeTypes, PACKAGE, recordingResponse } from './engine';

export const SHOP_TRIGGER = `${PACKAGE.name}.memberspotShopTrigger`;
export const SHOP_SECRET_TYPE = 'memberflowShopWebhookSecretApi';
export const SHOP_TRIGGER_NAME = 'Shop Webhook Trigger';

export interface ShopCall {
  method?: 'POST' | 'GET' | 'HEAD';
  rawBody?: string | Buffer;
  /** The body as n8n's parser gives it (flat form fields or JSON). */
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export interface ShopAnswer {
  result: IWebhookResponseData;
  status: number | undefined;
  sent: unknown;
}

export function shopTriggerNode(parameters: IDataObject, withCredential = true): INode {
  return {
    id: 's1', name: SHOP_TRIGGER_NAME, type: SHOP_TRIGGER, typeVersion: 1, position: [0, 0], parameters: parameters as INodeParameters, webhookId: 'shop-hook-1',
    ...(withCredential ? { credentials: { [SHOP_SECRET_TYPE]: { id: 'cred-shop', name: 'Shop secret' } } } : {}),
  };
}

/** One trigger node in one workflow; `secret` is what its credential holds (undefined: no credential). */
export function shopTrigger(parameters: IDataObject, secret: string | undefined) {
  const { workflow, data } = makeWorkflow({ nodes: [shopTriggerNode(parameters, secret !== undefined)], connections: {} });
  const node = workflow.getNode(SHOP_TRIGGER_NAME) as INode;
  const type = nodeTypes.getByName(SHOP_TRIGGER) as INodeType;
  const core = n8nCore();

  function additional(): IWorkflowExecuteAdditionalData {
    const additionalData = additionalDataFor({ apiKey: 'unused-key', baseUrl: 'http://127.0.0.1:1' }, data, 'webhook');
    additionalData.credentialsHelper = new MemoryCredentialsHelper(credentialTypes, {
      [CREDENTIAL_TYPE]: { apiKey: 'unused-key' },
      ...(secret === undefined ? {} : { [SHOP_SECRET_TYPE]: { secret } }),
    });
    return additionalData;
  }

  async function call(request: ShopCall): Promise<ShopAnswer> {
    const method = request.method ?? 'POST';
    const additionalData = additional();
    const { response, res } = recordingResponse();
    const rawBody = request.rawBody === undefined ? undefined : Buffer.from(request.rawBody);
    const req = { body: request.body ?? {}, rawBody, query: request.query ?? {}, headers: request.headers ?? {}, method, params: {} };
    Object.assign(additionalData, { httpRequest: req, httpResponse: res });
    const description = type.description.webhooks?.find((w) => w.httpMethod === method);
    if (!description) throw new Error(`the trigger declares no ${method} webhook`);
    const context = new core.WebhookContext(
      workflow as Workflow,
      node,
      additionalData,
      'webhook',
      { httpMethod: method, node: node.name, path: 'shop-hook-1/shop', webhookDescription: description, workflowId: 'wf-1', workflowExecuteAdditionalData: additionalData },
      [],
      null,
    );
    const result = await (type.webhook as (this: N8nCore.WebhookContext) => Promise<IWebhookResponseData>).call(context);
    return { result, status: response.statusCode, sent: response.sent };
  }

  /** What n8n does when the workflow is activated: the webhook's checkExists, then create. */
  async function activate(): Promise<void> {
    const context = new core.HookContext(workflow as Workflow, node, additional(), 'trigger', 'activate');
    const methods = type.webhookMethods?.default;
    if (!methods) throw new Error('the trigger has no webhook methods');
    if (!(await methods.checkExists.call(context))) await methods.create.call(context);
  }

  return { call, activate, workflow, node, staticData: () => workflow.staticData };
}
