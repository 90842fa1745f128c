/*
 * The memberspot-shop-config node's editor (runs in the browser); node-red/build/generate.js puts it into
 * dist/node-red/memberspot-shop.html.
 */
RED.nodes.registerType('memberspot-shop-config', {
  category: 'config',
  defaults: {
    name: { value: '' },
    shop: { value: 'digistore24', required: true },
  },
  credentials: {
    secret: { type: 'password', required: true },
  },
  label: function () {
    return this.name || this.shop || 'shop';
  },
});
