/**
 * memberspot-migrate as a function: `require('@memberflow/n8n-nodes-memberspot/dist/migrate')`.
 * `migrate(text)` reads a blueprint file's text (or an already parsed object) and returns the n8n workflow,
 * the Node-RED flow and the report; it throws BlueprintError (with the position or the module) when the
 * blueprint cannot be converted at all.
 */
import { parseBlueprint, readBlueprint } from './blueprint';
import { convert, type Conversion } from './convert';

export function migrate(blueprint: string | object): Conversion {
  return convert(typeof blueprint === 'string' ? parseBlueprint(blueprint) : readBlueprint(blueprint));
}

export { BlueprintError, parseBlueprint, readBlueprint } from './blueprint';
export type { Blueprint, Condition, Filter, Module, Route } from './blueprint';
export { convert, exitCodeOf, fileSafeName, nodeRedFlowApi } from './convert';
export type { Conversion, ModuleReport, N8nWorkflow, NodeRedNode, Report, Status } from './convert';
export { ImlError, parseTemplate } from './iml/parser';
export { toN8n, toNodeRed, Untranslatable } from './iml/translate';
