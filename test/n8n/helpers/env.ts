// Imported first by the engine helper: n8n-core reads its user folder when it is loaded, so it must point
// at a throw-away folder before that (never at ~/.n8n).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER?.includes('memberspot-n8n-test-')) {
  process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'memberspot-n8n-test-'));
}
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL ?? 'silent';
