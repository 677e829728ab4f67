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
  },
});
