/*
 * The memberspot-webhook node's editor (runs in the browser); node-red/build/generate.js puts it into
 * dist/node-red/memberspot-webhook.html.
 */
RED.nodes.registerType('memberspot-webhook', {
  category: 'Memberspot',
  color: '#F2B35E',
  defaults: {
    name: { value: '' },
    path: { value: '/memberspot', required: true },
    events: { value: '' },
  },
  credentials: {
    secret: { type: 'password' },
  },
  inputs: 0,
  outputs: 1,
  icon: 'memberspot-webhook.svg',
  paletteLabel: 'memberspot webhook',
  label: function () {
    return this.name || 'Memberspot ' + (this.path || '');
  },
  outputLabels: function () {
    return 'msg.payload';
  },
  oneditprepare: function () {
    function showUrl() {
      var root = RED.settings.httpNodeRoot || '/';
      var path = ($('#node-input-path').val() || '').replace(/^\/+/, '');
      var url = location.origin + root.replace(/\/?$/, '/') + path;
      $('#memberspot-webhook-url').text(url);
    }
    $('#node-input-path').on('input change', showUrl);
    showUrl();
  },
});
