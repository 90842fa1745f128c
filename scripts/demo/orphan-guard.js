'use strict';
/* global setInterval -- Node's built-in */
/**
 * Preloaded into the demo's Node-RED (`node --require`): if the demo dies without stopping it (kill -9, a
 * closed terminal), Node-RED notices that its parent is gone, removes its temporary user dir and exits,
 * so no Node-RED is left running in the background.
 */
const fs = require('node:fs');

const parent = process.ppid;
const userDir = process.env.MEMBERSPOT_DEMO_USER_DIR;

setInterval(() => {
  if (process.ppid === parent) return;
  if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  process.exit(0);
}, 1000).unref();
