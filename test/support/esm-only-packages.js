/**
 * Packages under node_modules that ship as ES modules only ("type": "module" and no `require`
 * export): NestJS 12 and some of what it loads. Node 20 can `require()` them, jest's module
 * loader cannot, so jest.config.js has babel turn exactly these into CommonJS.
 */
const fs = require('node:fs');
const path = require('node:path');

/** Every file the `require` condition of an `exports` map points to. */
function requireTargets(exports, inRequire = false) {
  if (typeof exports === 'string') return inRequire ? [exports] : [];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.entries(exports).flatMap(([key, value]) => requireTargets(value, inRequire || key === 'require'));
}

/** A `.js` file is CommonJS unless the nearest package.json above it (within the package) says "module". */
function isCommonJsFile(pkgDir, file) {
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs')) return false;
  for (let dir = path.dirname(path.join(pkgDir, file)); dir.startsWith(pkgDir); dir = path.dirname(dir)) {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type !== 'module';
    } catch {
      // no package.json here: look further up
    }
  }
  return true;
}

function isEsmOnly(pkgDir, manifest) {
  if (manifest.type !== 'module') return false;
  const targets = requireTargets(manifest.exports);
  if (targets.some((file) => isCommonJsFile(pkgDir, file))) return false;
  return !(typeof manifest.main === 'string' && manifest.main.endsWith('.cjs'));
}

function esmOnlyPackages(root) {
  const found = new Set();
  const visit = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const pkgDir = path.join(dir, entry.name);
      if (entry.name.startsWith('@')) {
        visit(pkgDir);
        continue;
      }
      try {
        const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
        if (isEsmOnly(pkgDir, manifest)) found.add(manifest.name);
      } catch {
        // not a package
      }
      visit(path.join(pkgDir, 'node_modules'));
    }
  };
  visit(root);
  return [...found].sort();
}

module.exports = { esmOnlyPackages };
