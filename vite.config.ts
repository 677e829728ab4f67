import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer: one build served by Electron (custom protocol) and by the web host.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../build/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome120',
    // A desktop app loaded from the local disk or loopback: one bundle is fine, no network to split for.
    chunkSizeWarningLimit: 2000,
  },
});
