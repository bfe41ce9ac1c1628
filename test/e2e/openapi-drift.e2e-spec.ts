import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateOpenApiSpec } from '../support/openapi-spec';

describe('OpenAPI spec', () => {
  it('docs/openapi.json matches the code (run `npm run openapi` after changing the API)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8');
    expect(await generateOpenApiSpec()).toBe(committed);
  });
});
