/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const backend = process.env.DIAODU_BACKEND ?? 'http://127.0.0.1:18080'
const proxy = {
  '/api': { target: backend, changeOrigin: false },
  '/healthz': { target: backend, changeOrigin: false },
}
// The policy the Go server sends; `vite preview` uses it too, so a CSP
// violation in the built bundle shows up before it reaches the server.
const csp =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'"

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus components and the v-loading directive are imported on demand,
    // together with their CSS. Our own components are imported explicitly.
    Components({
      dirs: [],
      dts: false,
      resolvers: [ElementPlusResolver({ importStyle: 'css', directives: true })],
    }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy, headers: { 'Content-Security-Policy': csp } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        // Shared chunks are named after their first module, for Element Plus'
        // on-demand pieces its `style/css` entry: call those `ep-…` (only
        // Element Plus) or `shared-…` (mixed with our code) instead of `css-…`.
        chunkFileNames: (c) =>
          c.name !== 'css'
            ? 'assets/[name]-[hash].js'
            : c.moduleIds.every((id) => id.includes('/node_modules/'))
              ? 'assets/ep-[hash].js'
              : 'assets/shared-[hash].js',
        assetFileNames: (a) => (a.names?.[0]?.startsWith('css') ? 'assets/ep-[hash][extname]' : 'assets/[name]-[hash][extname]'),
        codeSplitting: {
          groups: [
            // The framework every page needs, cached across releases of our own code.
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router)[\\/]/, priority: 30 },
            // Charts only load with the pages that draw them.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 20 },
          ],
        },
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.ts'],
    css: false,
    restoreMocks: true,
    testTimeout: 30_000,
    // Element Plus' ES modules import their CSS: let Vite handle them.
    server: { deps: { inline: ['element-plus'] } },
  },
})
