/**
 * A Jest reporter for CI: names every test file that has been running for more than two minutes
 * (and keeps naming it each minute), so a suite that hangs shows up in the log by name instead of
 * as a silent run that CI's time limit cuts off.
 */
const path = require('node:path');

const LIMIT_MS = 120_000;

class SlowSuiteReporter {
  constructor(globalConfig) {
    this.root = globalConfig.rootDir;
    this.running = new Map();
    this.timer = null;
  }

  onRunStart() {
    this.timer = setInterval(() => this.report(), 60_000);
    this.timer.unref();
  }

  onTestFileStart(test) {
    this.running.set(test.path, Date.now());
  }

  onTestFileResult(test) {
    this.running.delete(test.path);
  }

  onRunComplete() {
    clearInterval(this.timer);
  }

  report() {
    const now = Date.now();
    for (const [file, started] of this.running) {
      const seconds = Math.round((now - started) / 1000);
      if (seconds * 1000 >= LIMIT_MS) {
        process.stderr.write(`still running after ${seconds} s: ${path.relative(this.root, file)}\n`);
      }
    }
  }
}

module.exports = SlowSuiteReporter;
