// One temporary root per Jest run: everything tests and the tools they run put in the system temp
// dir (cdktf's Testing.app() and fullSynth() make folders there and never remove them) goes under
// it, and it is removed when the run ends. A run that is killed never gets to its teardown, so each
// root carries the pid of the run that made it, and the next run removes roots whose run is gone.
const { mkdtempSync, readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const KEY = 'SWITCHYARD_TEST_TEMP_ROOT';
const ROOT = /^switchyard-test-(\d+)-/;

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function removeAbandonedRoots(dir) {
  for (const name of readdirSync(dir)) {
    const pid = ROOT.exec(name)?.[1];
    if (pid && !isRunning(Number(pid))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

module.exports.removeAbandonedRoots = removeAbandonedRoots;

module.exports.setup = async function setup() {
  removeAbandonedRoots(tmpdir());
  const root = mkdtempSync(join(tmpdir(), `switchyard-test-${process.pid}-`));
  process.env[KEY] = root;
  // os.tmpdir() reads TMPDIR on every call; test workers and the processes they start inherit it.
  process.env.TMPDIR = root;
};

module.exports.teardown = async function teardown() {
  const root = process.env[KEY];
  if (root) rmSync(root, { recursive: true, force: true });
};
