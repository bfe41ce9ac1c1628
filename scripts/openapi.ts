import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONSOLE_TYPES_FILE, generateConsoleTypes } from '../test/support/console-types';
import { generateOpenApiSpec } from '../test/support/openapi-spec';

/**
 * `npm run openapi`: regenerates docs/openapi.json and, from it, the web console's API types
 * (apps/console/src/api/schema.d.ts). Both are committed; a test fails when either is stale.
 */
async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const spec = await generateOpenApiSpec();
  for (const [file, text] of [
    [path.join(root, 'docs', 'openapi.json'), spec],
    [path.join(root, CONSOLE_TYPES_FILE), await generateConsoleTypes(spec)],
  ] as const) {
    fs.writeFileSync(file, text);
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`openapi failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
