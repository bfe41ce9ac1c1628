import * as bcrypt from 'bcrypt';
import { performance } from 'node:perf_hooks';

/**
 * The reference of the import-plain scenario (issue 13), in its own process: bare `bcrypt.hashSync`
 * at the server's cost, one hash after another on the main thread, so exactly one core works. One
 * hash first, unmeasured (loading the binding, the first allocation).
 *
 * Usage: node bcrypt-worker.js '<BcryptJob JSON>'; prints one `BENCH_RESULT {…}` line (BcryptResult).
 */
export interface BcryptJob {
  cost: number;
  hashes: number;
}

export interface BcryptResult {
  hashes: number;
  seconds: number;
  /** This process's user + system CPU over the hashes. */
  cpuSeconds: number;
}

function main(): void {
  const job = JSON.parse(process.argv[2] ?? '') as BcryptJob;
  bcrypt.hashSync('a-custom-secret-of-the-old-kind', job.cost);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < job.hashes; i++) bcrypt.hashSync(`a-custom-secret-of-the-old-kind-${i}`, job.cost);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const result: BcryptResult = { hashes: job.hashes, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main();
