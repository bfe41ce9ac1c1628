import openapiTS, { astToString } from 'openapi-typescript';

/** The console's types file, generated from the admin API's OpenAPI document. */
export const CONSOLE_TYPES_FILE = 'apps/console/src/api/schema.d.ts';

const HEADER =
  '// Generated from docs/openapi.json by `npm run openapi` (openapi-typescript): do not edit.\n' +
  '// The console calls the admin API through these types, so an API change that breaks it fails\n' +
  '// `npm run typecheck`; test/e2e/openapi-drift.e2e-spec.ts fails when this file is stale.\n\n';

/** TypeScript types (`paths`, `components`) of an OpenAPI document's text, as stable text. */
export async function generateConsoleTypes(openApiJson: string): Promise<string> {
  const ast = await openapiTS(JSON.parse(openApiJson) as Parameters<typeof openapiTS>[0], {
    // A property with a default is optional in a request body; responses list what they require.
    defaultNonNullable: false,
  });
  return HEADER + astToString(ast);
}
