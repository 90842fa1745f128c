/*
 * The memberspot-shop node's editor (runs in the browser); node-red/build/generate.js puts it into
 * dist/node-red/memberspot-shop.html.
 */
RED.nodes.registerType('memberspot-shop', {
  category: 'Memberspot',
  color: '#F2B35E',
  defaults: {
    name: { value: '' },
    path: { value: '/shop', required: true },
    config: { value: '', type: 'memberspot-shop-config', required: true },
    events: { value: '' },
    store: { value: '' },
  },
  inputs: 0,
  outputs: 1,
  icon: 'memberspot-webhook.svg',
  paletteLabel: 'memberspot shop',
  label: function () {
    return this.name || 'shop ' + (this.path || '');
  },
  outputLabels: function () {
    return 'msg.payload (event)';
  },
  oneditprepare: function () {
    function showUrl() {
      var root = RED.settings.httpNodeRoot || '/';
      var path = ($('#node-input-path').val() || '').replace(/^\/+/, '');
      $('#memberspot-shop-url').text(location.origin + root.replace(/\/?$/, '/') + path);
    }
    $('#node-input-path').on('input change', showUrl);
    showUrl();
  },
});
