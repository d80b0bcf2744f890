// One temporary root per Jest run: everything tests and the tools they run put in the system temp
// dir (cdktf's Testing.app() and fullSynth() make folders there and never remove them) goes under
// it, and it is removed when the run ends.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const KEY = 'SWITCHYARD_TEST_TEMP_ROOT';

module.exports.setup = async function setup() {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  process.env[KEY] = root;
  // os.tmpdir() reads TMPDIR on every call; test workers and the processes they start inherit it.
  process.env.TMPDIR = root;
};

module.exports.teardown = async function teardown() {
  const root = process.env[KEY];
  if (root) rmSync(root, { recursive: true, force: true });
};
