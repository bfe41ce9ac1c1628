import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONSOLE_TYPES_FILE, generateConsoleTypes } from '../support/console-types';
import { generateOpenApiSpec } from '../support/openapi-spec';

describe('OpenAPI spec', () => {
  const ROOT = path.join(__dirname, '..', '..');

  it('docs/openapi.json matches the code (run `npm run openapi` after changing the API)', async () => {
    const committed = fs.readFileSync(path.join(ROOT, 'docs', 'openapi.json'), 'utf8');
    expect(await generateOpenApiSpec()).toBe(committed);
  });

  it(`the console's ${CONSOLE_TYPES_FILE} matches docs/openapi.json (run \`npm run openapi\`)`, async () => {
    const spec = fs.readFileSync(path.join(ROOT, 'docs', 'openapi.json'), 'utf8');
    const committed = fs.readFileSync(path.join(ROOT, CONSOLE_TYPES_FILE), 'utf8');
    expect(await generateConsoleTypes(spec)).toBe(committed);
  });
});
