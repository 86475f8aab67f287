/**
 * The app's architecture, checked on every `npm run lint` (dependency-cruiser reads the import
 * graph; oxlint's import/no-cycle already refuses cycles). Layers, as in bulletproof-react: the
 * shell (src/app) composes features; a feature (src/features/<f>/) uses shared UI
 * (src/components), state, storage, workers and lib, never another feature's files; the shared
 * layers never reach up into features or the shell. The library (packages/ect) is the core: it
 * knows nothing of the app, React, the DOM or IndexedDB.
 */
module.exports = {
  forbidden: [
    {
      name: 'feature-boundaries',
      comment:
        "A feature never imports another feature's files: what two features share goes to src/components, src/lib or src/state.",
      severity: 'error',
      from: { path: '^src/features/([^/]+)/' },
      to: { path: '^src/features/', pathNot: '^src/features/$1/' },
    },
    {
      name: 'shared-layers-below-features',
      comment:
        'src/components, src/state, src/storage, src/workers and src/lib serve the features and the shell: they never import them.',
      severity: 'error',
      from: { path: '^src/(components|state|storage|workers|lib)/' },
      to: { path: '^src/(features|app)/' },
    },
    {
      name: 'lib-is-a-leaf',
      comment: 'src/lib holds small helpers with no knowledge of the app: it imports nothing else of src/.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'core-knows-no-app',
      comment:
        'The library is the one core of the three faces: no app code, no React, no DOM helpers, no IndexedDB in it.',
      severity: 'error',
      from: { path: '^packages/ect/src/' },
      to: {
        path: ['^src/', '^node_modules/(react|react-dom|dexie|zustand|@xyflow|@tanstack)/'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['ect-source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
  },
};
