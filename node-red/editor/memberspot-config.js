/*
 * The memberspot-config (account) node's editor (runs in the browser). node-red/build/generate.js puts it
 * into dist/node-red/memberspot-config.html and fills in the core's defaults at the double-underscore
 * placeholders.
 */
RED.nodes.registerType('memberspot-config', {
  category: 'config',
  defaults: {
    name: { value: '' },
    baseUrl: { value: __BASE_URL__, required: true },
    requestsPerSecond: { value: __REQUESTS_PER_SECOND__, required: true, validate: RED.validators.number() },
    timeout: { value: __TIMEOUT__, validate: RED.validators.number(true) },
    parallelRequests: {
      value: __PARALLEL_REQUESTS__,
      validate: function (v) {
        // Blank (flows saved before this setting) means the default.
        return v === '' || v === undefined || (/^\d+$/.test(String(v)) && Number(v) >= 1 && Number(v) <= 64);
      },
    },
  },
  credentials: {
    apiKey: { type: 'password', required: true },
    redisUrl: { type: 'password' },
  },
  label: function () {
    return this.name || 'Memberspot';
  },
});
