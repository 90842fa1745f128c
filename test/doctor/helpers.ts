import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Report } from '../../doctor/report';

export const CLI = join(__dirname, '..', '..', 'dist', 'doctor', 'cli.js');

export interface DoctorRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built doctor as a real child process (npm test builds dist/ first). */
export function doctor(args: string[], env: Record<string, string | undefined>, stdin = ''): Promise<DoctorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

export function parseReport(run: DoctorRun): Report {
  try {
    return JSON.parse(run.stdout) as Report;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

/** `area: name` of every check with this status. */
export function named(report: Report, status: string): string[] {
  return report.checks.filter((check) => check.status === status).map((check) => `${check.area}: ${check.name}`);
}

export function detailOf(report: Report, area: string, name: string): string {
  const check = report.checks.find((candidate) => candidate.area === area && candidate.name === name);
  if (!check) throw new Error(`no check ${area}: ${name} in ${JSON.stringify(report.checks.map((c) => c.name))}`);
  return check.detail;
}
