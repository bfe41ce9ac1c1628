// Preloaded (`node -r`) into a server process by the listener tests: when the process exits, the
// files it loaded through require() are written to $GATEHOUSE_TEST_LOADED_MODULES.
const fs = require('node:fs');

process.on('exit', () => {
  const target = process.env.GATEHOUSE_TEST_LOADED_MODULES;
  if (target) fs.writeFileSync(target, Object.keys(require.cache).join('\n'));
});
