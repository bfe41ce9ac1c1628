/**
 * Jest only: NestJS 12 ships as ES modules, which Node 20 can `require()` but jest's own module
 * loader cannot. These plugins turn those packages into CommonJS as jest loads them.
 */

/**
 * `const require = createRequire(import.meta.url)` is how an ES module gets a `require`; in the
 * CommonJS it becomes here, the module's own `require` is already that, and a second binding
 * named `require` would shadow the one the converted imports call.
 */
function dropCreateRequire() {
  return {
    visitor: {
      VariableDeclarator(path) {
        const { id, init } = path.node;
        if (id.type === 'Identifier' && id.name === 'require' && init?.type === 'CallExpression') {
          const callee = init.callee;
          if (callee.type === 'Identifier' && callee.name === 'createRequire') path.remove();
        }
      },
    },
  };
}

module.exports = {
  babelrc: false,
  plugins: [
    dropCreateRequire,
    'babel-plugin-transform-import-meta',
    '@babel/plugin-transform-dynamic-import',
    '@babel/plugin-transform-modules-commonjs',
  ],
};
