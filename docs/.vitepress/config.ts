import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitepress';

/** The API reference's sidebar, written by TypeDoc (`pnpm docs` runs it first). */
const apiSidebar = (() => {
  const file = new URL('../api/typedoc-sidebar.json', import.meta.url);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
})();

const guides = [
  { text: 'Getting started', link: '/guide/getting-started' },
  { text: 'Choosing an optimizer', link: '/guide/choosing-an-optimizer' },
  { text: 'Learning-rate schedules', link: '/guide/schedules' },
  { text: 'Regularization', link: '/guide/regularization' },
  { text: 'Diagnosing training', link: '/guide/diagnosing-training' },
  { text: 'Automatic differentiation', link: '/guide/autograd' },
  { text: 'Coming from PyTorch', link: '/guide/from-pytorch' },
  { text: 'Coming from TensorFlow.js', link: '/guide/from-tfjs' },
  { text: 'Concepts: the notes’ forms', link: '/guide/concepts' },
];

export default defineConfig({
  title: 'descent',
  description:
    'Deep-learning optimization for TypeScript: every PyTorch optimizer and schedule, second-order methods and Hessian analysis, on SIMD WebAssembly.',
  cleanUrls: true,
  cacheDir: 'node_modules/.cache/vitepress',
  srcExclude: ['**/node_modules/**', 'test/**', 'readme-check/**'],
  ignoreDeadLinks: [/^\.\.\/packages\//, /^\.\.\/\.\.\/packages\//],
  markdown: { math: false },
  themeConfig: {
    nav: [
      { text: 'Guides', link: '/guide/getting-started' },
      { text: 'API', link: '/api/' },
      { text: 'Architecture', link: '/ARCHITECTURE' },
    ],
    sidebar: {
      '/guide/': [
        { text: 'Guides', items: guides },
        { text: 'Architecture', link: '/ARCHITECTURE' },
      ],
      '/ARCHITECTURE': [{ text: 'Guides', items: guides }],
      '/api/': [{ text: 'API reference', link: '/api/' }, ...apiSidebar],
    },
    search: { provider: 'local' },
    outline: [2, 3],
  },
});
