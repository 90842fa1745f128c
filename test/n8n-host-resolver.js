/**
 * The jest resolver for MEMBERSPOT_N8N_DIR (jest.config.js): n8n's packages (n8n-core, n8n-workflow,
 * @n8n/*), asked for from anywhere (tests, dist/, n8n-core itself), resolve as if asked for from that
 * n8n install's folder, so the engine and our nodes load one n8n-workflow from it; the packages' own
 * `exports` maps are honoured. Everything else resolves as usual.
 */
const { join } = require('node:path');

const N8N_PACKAGE = /^(n8n-core|n8n-workflow|@n8n\/[^/]+)(\/|$)/;

module.exports = (request, options) => {
  const dir = process.env.MEMBERSPOT_N8N_DIR;
  if (dir && N8N_PACKAGE.test(request)) {
    return options.defaultResolver(request, { ...options, basedir: join(dir, 'node_modules') });
  }
  return options.defaultResolver(request, options);
};
