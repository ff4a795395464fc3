import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

// Pinned to this folder so `npx vite build dashboards/board` from the workspace root (how CI and the
// e2e test build it) and `vite build` inside the package produce the same dist/.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // Preact's automatic JSX runtime through esbuild: no @preact/preset-vite needed (and none installed).
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // Workspace packages export TypeScript source (STYLE.md §11); 'source' first, then Vite's defaults,
  // because setting conditions replaces the default list in Vite 6+.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The gateway serves dist/ from the machine itself: no CDN, no external fonts, everything bundled.
    assetsInlineLimit: 4096,
    target: 'es2022',
    rollupOptions: {
      onwarn(warning, warn) {
        // zod ships /*#__PURE__*/ hints Rollup cannot place; harmless noise that buries real warnings.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/zod/')) return;
        warn(warning);
      },
    },
  },
});
