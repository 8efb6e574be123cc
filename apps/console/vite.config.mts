import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react-swc';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
/** The IOC server the dev server proxies to (`npm run console:dev`). */
const server = process.env.IOC_CONSOLE_PROXY ?? 'http://127.0.0.1:3000';

/** The operator console: built into dist/console, which the server's api role serves at `/`. */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  resolve: {
    alias: {
      '@ioc/domain': here('../../libs/domain/src/index.ts'),
      '@ioc/city': here('../../libs/city/src/browser.ts'),
      '@ioc/contracts': here('../../libs/contracts/src/browser.ts'),
    },
  },
  build: { outDir: here('../../dist/console'), emptyOutDir: true, chunkSizeWarningLimit: 2500, sourcemap: false },
  server: {
    proxy: {
      '/api': server,
      '/city': server,
      '/socket.io': { target: server, ws: true },
    },
  },
});
