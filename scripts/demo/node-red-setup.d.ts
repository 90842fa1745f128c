// Types of node-red-setup.js for the TypeScript that requires it (test/e2e/node-red/nodered.ts).
import type { ChildProcess } from 'node:child_process';

export function freePort(): Promise<number>;
export function prepareUserDir(userDir: string, options: { projectName: string; settings?: Record<string, unknown>; extraSource?: string }): string;
export function spawnNodeRed(options: { userDir: string; settingsFile: string; port: number; nodeArgs?: string[]; env?: Record<string, string> }): ChildProcess;
