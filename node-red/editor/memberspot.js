/*
 * The memberspot node's editor (runs in the browser). node-red/build/generate.js puts it into
 * dist/node-red/memberspot.html and fills in the registry data at the double-underscore placeholders: each
 * action's label, help and fields; every field name; the "msg.<field>" typedInput type; and the node's
 * properties (`defaults`, a literal object so that the Flow Library scorecard can read it).
 */
(function () {
  var ACTIONS = __ACTIONS__;
  var SLOTS = __SLOTS__;
  var FALLBACK = __FALLBACK__;

  function tr(node, key, fallback, values) {
    var text = node._(key, values);
    return !text || text.indexOf(key) !== -1 ? fallback : text;
  }
  function actionLabel(node, id) {
    var action = ACTIONS[id];
    return action ? tr(node, 'memberspot.actions.' + id + '.label', action.label) : id || 'memberspot';
  }
  function typeDefs(field) {
    return field.types.map(function (type) {
      if (type === FALLBACK) return { value: FALLBACK, label: 'msg.' + field.name, icon: 'fa fa-envelope-o', hasValue: false };
      if (type === 'option') return { value: 'option', label: field.label, options: field.options };
      return type;
    });
  }

  /** The offers picker under a field with `picker: 'offers'`: fills that field with the chosen Access ID. */
  function offersPicker(node) {
    function load() {
      var select = $('.memberspot-offers');
      var tip = $('.memberspot-offers-tip');
      var account = $('#node-input-account').val();
      function only(key, fallback) {
        select.empty().append($('<option value=""></option>').text(tr(node, key, fallback)));
      }
      only('memberspot.offers.loading', 'Loading…');
      tip.hide();
      if (!account || account === '_ADD_') return only('memberspot.offers.noAccount', 'Choose an account first');
      $.ajax({ url: 'memberspot/' + encodeURIComponent(account) + '/offers', dataType: 'json' })
        .done(function (offers) {
          only('memberspot.offers.choose', 'Pick an offer…');
          offers.forEach(function (offer) {
            select.append($('<option></option>').val(offer.value).text(offer.name + ' (' + offer.value + ')'));
          });
        })
        .fail(function (xhr) {
          var body = xhr.responseJSON || {};
          var message =
            xhr.status === 404
              ? tr(node, 'memberspot.offers.notDeployed', 'Deploy the account first')
              : xhr.status === 401 || xhr.status === 403
                ? tr(node, 'memberspot.offers.forbidden', 'Not allowed to read offers')
                : (body.message || '') + ' ' + (body.hint || '');
          only('memberspot.offers.unavailable', 'No list available');
          tip.text(message).show();
        });
    }
    $('.memberspot-offers').on('change', function () {
      var value = $(this).val();
      var target = $(this).closest('.memberspot-picker').attr('data-field');
      if (value) $('#node-input-' + target).typedInput('type', 'str').typedInput('value', value);
    });
    $('.memberspot-offers-refresh').on('click', load);
    $('#node-input-account').on('change', load);
    load();
  }

  RED.nodes.registerType('memberspot', {
    category: 'Memberspot',
    color: '#F2B35E',
    defaults: __DEFAULTS__,
    inputs: 1,
    outputs: 1,
    icon: 'memberspot.svg',
    paletteLabel: 'memberspot',
    label: function () {
      return this.name || actionLabel(this, this.action);
    },
    labelStyle: function () {
      return this.name ? 'node_label_italic' : '';
    },
    inputLabels: function () {
      return 'msg';
    },
    outputLabels: function () {
      return 'msg.payload';
    },
    oneditprepare: function () {
      var node = this; // eslint-disable-line @typescript-eslint/no-this-alias
      var byName = {};
      Object.keys(ACTIONS).forEach(function (id) {
        ACTIONS[id].fields.forEach(function (f) {
          if (!byName[f.name]) byName[f.name] = f;
        });
      });
      $('#node-input-action optgroup').each(function () {
        var resource = $(this).attr('data-resource');
        $(this).attr('label', tr(node, 'memberspot.resources.' + resource, $(this).attr('label')));
      });
      $('#node-input-action option').each(function () {
        $(this).text(actionLabel(node, $(this).val()));
      });
      SLOTS.forEach(function (name) {
        var field = byName[name];
        $('#node-input-' + name + 'Type').val(node[name + 'Type'] || FALLBACK);
        $('#node-input-' + name).typedInput({ default: field.types[0], types: typeDefs(field), typeField: '#node-input-' + name + 'Type' });
      });
      // A node saved before the option existed ran every array payload once per element: it stays so.
      if (node.bulk === undefined) $('#node-input-bulk').prop('checked', true);
      $('#node-input-returnAll').on('change', function () {
        $('.memberspot-paging-limit').toggle($(this).prop('checked'));
      });

      function showAction() {
        var id = $('#node-input-action').val();
        var action = ACTIONS[id];
        if (!action) return;
        var key = 'memberspot.actions.' + id;
        $('#memberspot-action-description').text(tr(node, key + '.description', action.description));
        $('#memberspot-action-destructive').toggle(Boolean(action.destructive));
        $('.memberspot-field').hide();
        var container = $('#memberspot-fields');
        action.fields.forEach(function (field) {
          var rows = $('.memberspot-field[data-field="' + field.name + '"]');
          // In the action's own order (required fields first, as the registry lists them).
          container.append(rows);
          rows.show();
          rows.filter('.memberspot-picker').toggle(field.picker === 'offers');
          var row = rows.first();
          var label = tr(node, key + '.fields.' + field.name + '.label', field.label) + (field.required ? ' *' : '');
          row.find('.memberspot-field-label').text(label);
          row.find('.memberspot-field-help').text(tr(node, key + '.fields.' + field.name + '.help', field.description));
          if (field.placeholder) $('#node-input-' + field.name).typedInput('width', '70%');
        });
        $('#memberspot-no-fields').toggle(action.fields.length === 0);
        $('.memberspot-paging').toggle(Boolean(action.paging));
        $('.memberspot-paging-limit').toggle(Boolean(action.paging) && $('#node-input-returnAll').prop('checked'));
      }
      $('#node-input-action').on('change', showAction);
      showAction();
      offersPicker(node);
    },
  });
})();
