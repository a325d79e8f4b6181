import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The hub serves web/dist at / (STATIC_DIR). `npm run dev` (in web/) proxies the API to a hub
// on 127.0.0.1:4000 (`npm start` in the repository root).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: { proxy: { '/graphql': 'http://127.0.0.1:4000', '/dev': 'http://127.0.0.1:4000' } },
});
