#!/usr/bin/env node
'use strict';
/**
 * `gatehouse`, the package's bin: `npx gatehouse …` in the checkout, right after `npm ci`.
 *
 * Runs apps/cli/src/main.ts from its TypeScript sources, with no build step and so never a stale
 * build: every .ts file is transpiled as ts-node's transpile-only mode does it (TypeScript's
 * transpileModule with the root tsconfig.json, no type check), and the @gatehouse/* path aliases
 * resolve through tsconfig-paths. The JavaScript is kept in node_modules/.cache/gatehouse-cli under
 * a hash of the file's path and text, tsconfig.json and the TypeScript version: an edited file is
 * simply a new key, and TypeScript itself (most of a cold start) is loaded only on a miss.
 *
 * Where the sources are not there (an image or an install with dist/ only, without the dev
 * dependencies), it runs the compiled build (`nest build cli`): the only code there is, so it
 * cannot be stale either. In a checkout it never runs dist/, however recent.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const main = path.join(root, 'apps', 'cli', 'src', 'main.ts');
if (fs.existsSync(main)) fromSource();
else require(path.join(root, 'dist', 'apps', 'cli', 'apps', 'cli', 'src', 'main.js'));

function fromSource() {
  const project = path.join(root, 'tsconfig.json');
  const cacheDir = path.join(root, 'node_modules', '.cache', 'gatehouse-cli');

  const tsconfigPaths = require('tsconfig-paths');
  const { absoluteBaseUrl, paths } = tsconfigPaths.loadConfig(project);
  tsconfigPaths.register({ baseUrl: absoluteBaseUrl, paths });

  const projectText = fs.readFileSync(project, 'utf8');
  const typescriptVersion = require('typescript/package.json').version;
  let compile; // made on the first cache miss

  function transpiler() {
    const ts = require('typescript');
    const { config, error } = ts.readConfigFile(project, ts.sys.readFile);
    if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
    const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root, project);
    const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false };
    return (source, fileName) => ts.transpileModule(source, { compilerOptions, fileName }).outputText;
  }

  require.extensions['.ts'] = (module, fileName) => {
    const source = fs.readFileSync(fileName, 'utf8');
    const key = crypto
      .createHash('sha256')
      .update(`${typescriptVersion}\0${projectText}\0${fileName}\0${source}`)
      .digest('hex');
    const cached = path.join(cacheDir, `${key}.js`);
    let output;
    try {
      output = fs.readFileSync(cached, 'utf8');
    } catch {
      output = (compile ??= transpiler())(source, fileName);
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const partial = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(partial, output);
        fs.renameSync(partial, cached); // whole or absent, also with several runs at once
      } catch {
        // A read-only checkout: no cache, every run transpiles.
      }
    }
    module._compile(output, fileName);
  };

  require(main);
}
