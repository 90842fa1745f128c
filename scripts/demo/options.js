'use strict';
/**
 * What the demo runs against and how: read from the command line and the environment.
 *
 *   --once          run the scenario, print the result and exit (what CI runs; the default with a real school)
 *   --keep          keep Node-RED running after the scenario, also with a real school
 *   --port N        the Node-RED editor's port (or PORT=N); a free port otherwise
 *   --help
 *
 * By default everything is local: a sandbox (a simulated Memberspot API with sample data) and Node-RED.
 * MEMBERSPOT_API_KEY switches to a real school. That writes to a real account, so the demo then also needs
 * MEMBERSPOT_DEMO_EMAIL (who gets access) and MEMBERSPOT_DEMO_OFFER (which offer) and refuses without them.
 */

const HELP = `Usage: npm start [-- --once | --keep] [--port N]

Starts a local Memberspot sandbox and Node-RED with this package's example flows, reports a shop
purchase (a signed Digistore24 IPN) to the "shop to Memberspot" flow, and shows what happened.

  --once       run the scenario once and exit (exit code 0 when it worked); the default with
               MEMBERSPOT_API_KEY (a real school)
  --keep       keep Node-RED running until Ctrl-C, also with a real school (then with an editor
               login whose password is printed once, a Host header check and a random purchase path)
  --port N     the Node-RED editor's port (default: PORT, or a free port)

To use your real Memberspot school instead of the sandbox (this grants a real access):
  MEMBERSPOT_API_KEY=...                 your API key (never printed)
  MEMBERSPOT_BASE_URL=...                optional, default https://api.memberspot.de
  MEMBERSPOT_DEMO_EMAIL=you@example.com  who gets the access (required)
  MEMBERSPOT_DEMO_OFFER=...              the offer (Access ID) to grant (required)`;

const REAL_SCHOOL_URL = 'https://api.memberspot.de';

class UsageError extends Error {}

function parseArgs(argv) {
  const args = { once: false, keep: false, help: false, port: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--once') args.once = true;
    else if (arg === '--keep') args.keep = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--port') args.port = argv[++i];
    else if (arg.startsWith('--port=')) args.port = arg.slice('--port='.length);
    else throw new UsageError(`Unknown option ${arg}. Try: npm start -- --help`);
  }
  return args;
}

function parsePort(value) {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`"${value}" is not a port number (1-65535).`);
  return port;
}

/** The sandbox, unless MEMBERSPOT_API_KEY says otherwise. */
function pickTarget(env) {
  const apiKey = (env.MEMBERSPOT_API_KEY || '').trim();
  if (!apiKey) return { kind: 'sandbox' };

  const target = {
    kind: 'real',
    apiKey,
    baseUrl: (env.MEMBERSPOT_BASE_URL || '').trim() || REAL_SCHOOL_URL,
    email: (env.MEMBERSPOT_DEMO_EMAIL || '').trim(),
    offerId: (env.MEMBERSPOT_DEMO_OFFER || '').trim(),
  };
  // Never write to a real school by surprise: the person running it names who gets which access.
  const missing = [];
  if (!target.email) missing.push('MEMBERSPOT_DEMO_EMAIL (the email address that gets the access)');
  if (!target.offerId) missing.push('MEMBERSPOT_DEMO_OFFER (the Access ID of the offer to grant)');
  target.missing = missing;
  return target;
}

function readOptions(argv = process.argv.slice(2), env = process.env) {
  const args = parseArgs(argv);
  if (args.once && args.keep) throw new UsageError('--once and --keep exclude each other. Try: npm start -- --help');
  const target = pickTarget(env);
  return {
    // With a real school, Node-RED does not stay up unless asked to (--keep).
    once: args.once || (target.kind === 'real' && !args.keep),
    help: args.help,
    port: parsePort(args.port ?? env.PORT),
    target,
  };
}

module.exports = { HELP, readOptions, UsageError };
