/*
 * The memberspot-poll node's editor (runs in the browser); node-red/build/generate.js puts it into
 * dist/node-red/memberspot-poll.html.
 */
(function () {
  function tr(node, key, fallback) {
    var text = node._(key);
    return !text || text.indexOf(key) !== -1 ? fallback : text;
  }

  RED.nodes.registerType('memberspot-poll', {
    category: 'Memberspot',
    color: '#F2B35E',
    defaults: {
      name: { value: '' },
      account: { value: '', type: 'memberspot-config', required: true },
      event: { value: 'newMember', required: true },
      accessId: { value: '' },
      interval: { value: 300, required: true, validate: RED.validators.number() },
      store: { value: '' },
      emitOnFirstPoll: { value: false },
      confirmMassChanges: { value: false },
    },
    inputs: 1,
    outputs: 1,
    icon: 'memberspot.svg',
    paletteLabel: 'memberspot poll',
    label: function () {
      return this.name || 'Memberspot ' + tr(this, 'memberspot-poll.event.' + this.event, this.event || 'poll');
    },
    inputLabels: function () {
      return this._('memberspot-poll.label.pollNow');
    },
    outputLabels: function () {
      return 'msg.payload';
    },
    oneditprepare: function () {
      var node = this; // eslint-disable-line @typescript-eslint/no-this-alias
      function toggleAccess() {
        $('.memberspot-poll-access').toggle($('#node-input-event').val() !== 'newMember');
      }
      $('#node-input-event').on('change', toggleAccess);
      toggleAccess();

      // The context stores of settings.js (contextStorage); empty: the default store.
      var stores = (RED.settings.context && RED.settings.context.stores) || [];
      var select = $('#node-input-store');
      select.append($('<option value=""></option>').text(tr(node, 'memberspot-poll.label.defaultStore', 'default store')));
      stores.forEach(function (name) {
        select.append($('<option></option>').val(name).text(name));
      });
      if (node.store && stores.indexOf(node.store) === -1) select.append($('<option></option>').val(node.store).text(node.store));
      select.val(node.store || '');

      function load() {
        var offers = $('#memberspot-poll-offers');
        var tip = $('#memberspot-poll-offers-tip');
        var account = $('#node-input-account').val();
        function only(key, fallback) {
          offers.empty().append($('<option value=""></option>').text(tr(node, key, fallback)));
        }
        only('memberspot-poll.offers.loading', 'Loading…');
        tip.hide();
        if (!account || account === '_ADD_') return only('memberspot-poll.offers.noAccount', 'Choose an account first');
        $.ajax({ url: 'memberspot/' + encodeURIComponent(account) + '/offers', dataType: 'json' })
          .done(function (list) {
            only('memberspot-poll.offers.choose', 'Pick an offer…');
            list.forEach(function (offer) {
              offers.append($('<option></option>').val(offer.value).text(offer.name + ' (' + offer.value + ')'));
            });
          })
          .fail(function (xhr) {
            var body = xhr.responseJSON || {};
            only('memberspot-poll.offers.unavailable', 'No list available');
            tip.text(xhr.status === 404 ? tr(node, 'memberspot-poll.offers.notDeployed', 'Deploy the account first') : (body.message || '') + ' ' + (body.hint || '')).show();
          });
      }
      $('#memberspot-poll-offers').on('change', function () {
        var value = $(this).val();
        if (value) $('#node-input-accessId').val(value);
      });
      $('#memberspot-poll-offers-refresh').on('click', load);
      $('#node-input-account').on('change', load);
      load();
    },
  });
})();
