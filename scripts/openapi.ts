import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateOpenApiSpec } from '../test/support/openapi-spec';

/** `npm run openapi`: regenerates docs/openapi.json (committed; a test fails when it is stale). */
async function main(): Promise<void> {
  const file = path.resolve(__dirname, '..', 'docs', 'openapi.json');
  fs.writeFileSync(file, await generateOpenApiSpec());
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`openapi failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
