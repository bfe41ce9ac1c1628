// The web console (DESIGN.md §7): `npm run build` runs `vite build` with this file after the
// server's build; the HTTP listener serves the result (dist/console) at /console.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

const config = {
  root: here,
  base: '/console/',
  plugins: [react()],
  // Nothing from the builder's environment is baked into the bundle.
  envPrefix: 'GATEHOUSE_CONSOLE_PUBLIC_',
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // The CSP allows no inline script: Vite's modulepreload polyfill is one.
    modulePreload: { polyfill: false },
    // Small images as data: URIs are allowed (img-src data:); fonts never are.
    assetsInlineLimit: (file) => (/\.(woff2?|ttf|otf)$/.test(file) ? false : undefined),
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
};

export default defineConfig(({ command }) => {
  // Always a production build (React's production bundle), even from a shell or a test run
  // whose NODE_ENV says otherwise (jest sets `test`); Vite reads it after loading this file.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return config;
});
