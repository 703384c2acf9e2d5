import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app builds to web/dist, which `hearth serve` serves beside the API (src/http/web.ts).
// In development (`npx vite web`) the API calls go to a running `hearth serve` on port 3000.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
