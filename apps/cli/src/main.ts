import { runCli } from './program';

/**
 * `gatehouse`: the operator's command line (bin/gatehouse.js runs this file). The exit code is
 * set, not forced: the process ends when its output is written and its sockets are closed.
 */

// The reader went away (`gatehouse accounts list | head -1`): stop quietly, as other tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

void runCli(process.argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, process.env).then(
  (code) => {
    process.exitCode = code;
  },
);
