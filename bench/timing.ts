import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as bcrypt from 'bcrypt';
import { AdminClient } from './api';
import { markdownTable, median, ms } from './report';

/**
 * Security review item 4: unknown users, wrong secrets and imported hashes must cost the same
 * time (within 10 %). Asked over HTTP, one `POST /admin/v1/verify` at a time as root, each from a
 * distinct `ip` (198.18.0.0/15, the benchmarking range) so that no address collects a ban score.
 * The tries of the four cases are interleaved, in a rotating order, so drift hits them alike.
 */
const IMPORTED_SECRET = 'an-imported-password-from-php';
const CUSTOM_SECRET = 'a-custom-secret-for-timing';

export interface TimingRow {
  name: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Deviation of the median from the unknown-user median, in %. */
  deviation: number;
  /** Tries whose answer was not the expected `valid`. */
  wrongAnswers: number;
}

interface Case {
  name: string;
  expectValid: boolean;
  body: (i: number) => { username: string; secret: string };
}

export async function timingEquality(
  admin: AdminClient,
  tries: number,
  progress: (line: string) => void,
): Promise<TimingRow[]> {
  const account = await admin.createAccount('bench-timing');
  const importedHash = await bcrypt.hash(IMPORTED_SECRET, 10);
  await admin.createCredential(account, {
    channel: 'http',
    name: 'timing custom',
    username: 'timing-custom',
    secret: CUSTOM_SECRET,
  });
  await admin.createCredential(account, {
    channel: 'http',
    name: 'timing imported',
    username: 'timing-imported',
    secretHash: importedHash,
  });
  // The first successful login re-hashes an imported hash: one fresh credential per try
  // (try -1 is the warm-up).
  for (let i = -1; i < tries; i++) {
    await admin.createCredential(account, {
      channel: 'http',
      name: `timing fresh ${i}`,
      username: `timing-fresh-${i + 1}`,
      secretHash: importedHash,
    });
  }

  const cases: Case[] = [
    {
      name: 'unknown user (custom-shaped secret)',
      expectValid: false,
      body: (i) => ({ username: `nobody-${i + 1}`, secret: `not-a-generated-secret-${i + 1}` }),
    },
    {
      name: 'wrong secret, custom-secret credential',
      expectValid: false,
      body: (i) => ({ username: 'timing-custom', secret: `wrong-custom-secret-${i + 1}` }),
    },
    {
      name: 'wrong secret, imported `$2b$10$` hash',
      expectValid: false,
      body: (i) => ({ username: 'timing-imported', secret: `wrong-imported-secret-${i + 1}` }),
    },
    {
      name: 'right secret, imported `$2b$10$` hash (fresh credential)',
      expectValid: true,
      body: (i) => ({ username: `timing-fresh-${i + 1}`, secret: IMPORTED_SECRET }),
    },
  ];
  const rightImported = cases[3];

  let ip = 0;
  const nextIp = () => {
    ip++;
    return `198.18.${(ip >> 8) & 255}.${ip & 255}`;
  };
  const times = cases.map(() => [] as number[]);
  const wrong = cases.map(() => 0);
  for (let i = -1; i < tries; i++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (k + Math.max(0, i)) % cases.length;
      const c = cases[index];
      const start = performance.now();
      const answer = await admin.post('/admin/v1/verify', { channel: 'http', ...c.body(i), ip: nextIp() }, [200]);
      const took = performance.now() - start;
      if (i < 0) continue;
      times[index].push(took);
      if (answer.valid !== c.expectValid) wrong[index]++;
      // A right imported secret is re-hashed at cost 12 after the answer: let that finish
      // before the next try, so it does not run alongside it.
      if (c === rightImported) await sleep(Math.max(300, took * 1.5));
    }
    if (i >= 0 && ((i + 1) % 10 === 0 || i + 1 === tries)) {
      progress(`timing ${i + 1}/${tries} tries: ` + cases.map((c, j) => `${ms(median(times[j]))} ms`).join(', '));
    }
  }
  const reference = median(times[0]);
  return cases.map((c, j) => ({
    name: c.name,
    medianMs: median(times[j]),
    minMs: Math.min(...times[j]),
    maxMs: Math.max(...times[j]),
    deviation: ((median(times[j]) - reference) / reference) * 100,
    wrongAnswers: wrong[j],
  }));
}

export function timingTable(rows: TimingRow[], tries: number): string {
  return markdownTable(
    [
      `case (${tries} tries each, cost 12)`,
      'median ms',
      'min–max ms',
      'vs unknown user',
      'within 10 %',
      'wrong answers',
    ],
    ['l', 'r', 'r', 'r', 'l', 'r'],
    rows.map((r, i) => [
      r.name,
      ms(r.medianMs),
      `${ms(r.minMs)}–${ms(r.maxMs)}`,
      i === 0 ? 'reference' : `${r.deviation >= 0 ? '+' : ''}${r.deviation.toFixed(1)} %`,
      Math.abs(r.deviation) <= 10 ? 'yes' : '**no**',
      String(r.wrongAnswers),
    ]),
  );
}
