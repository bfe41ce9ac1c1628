import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

/**
 * `node --cpu-prof` for a process the bench starts with NODE_OPTIONS, where Node does not allow
 * `--cpu-prof`: `NODE_OPTIONS=--require dist/bench/cpu-profile.js` with BENCH_CPU_PROF_DIR set.
 * Starts V8's sampling profiler (1 ms) before the program loads and writes
 * `<dir>/<pid>.cpuprofile` when the process exits (a same-thread inspector session answers
 * synchronously, so this works in the `exit` handler). Open it in Chrome DevTools or speedscope.
 */
const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.once('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
