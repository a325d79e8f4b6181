import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The hub serves web/dist at / (STATIC_DIR). `npm run dev` (in web/) proxies the API to a hub
// on 127.0.0.1:4000 (`npm start` in the repository root). Two pages: the console (index.html)
// and the explorer (explorer/index.html → /explorer/, GraphiQL with its Monaco web workers,
// bundled here from the installed packages); the manifest lets check-budget.mjs size each.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    manifest: true,
    chunkSizeWarningLimit: 8000,
    rollupOptions: { input: { console: 'index.html', explorer: 'explorer/index.html' } },
  },
  worker: { format: 'es' },
  server: { proxy: { '/graphql': 'http://127.0.0.1:4000', '/dev': 'http://127.0.0.1:4000' } },
});
