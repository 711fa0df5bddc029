/**
 * The house rules of the import graph (`pnpm check:deps`, part of `pnpm test`): apps are leaves, the manifest
 * package is pure, and nothing imports in a circle.
 */
module.exports = {
  forbidden: [
    {
      name: "no-app-imports-app",
      comment: "An app is a leaf: what two apps share lives in a package.",
      severity: "error",
      from: { path: "^apps/([^/]+)/" },
      to: { path: "^apps/([^/]+)/", pathNot: "^apps/$1/" },
    },
    {
      name: "no-package-imports-app",
      comment: "Packages never depend on apps.",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^apps/" },
    },
    {
      name: "no-cycles",
      comment: "No import cycle: shared types live in their own file.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "manifest-is-pure",
      comment:
        "packages/manifest is text and URL in, data out: no file system, network, processes or clock source.",
      severity: "error",
      from: { path: "^packages/manifest/src/" },
      to: {
        dependencyTypes: ["core"],
        path: "^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|worker_threads|cluster|os|process|timers|timers/promises)$",
      },
    },
    {
      name: "manifest-no-io-packages",
      severity: "error",
      from: { path: "^packages/manifest/src/" },
      to: { path: "(undici|@aws-sdk|@vod-harvest/(harvest|s3-sink|handlers|workflow))" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Product code only: tests, scripts and benchmarks may reach anything.
    exclude: { path: "(^|/)(node_modules|dist|cdktf\\.out|\\.turbo|test|scripts|bench)/|\\.config\\.ts$" },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    tsConfig: { fileName: "tsconfig.depcruise.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "default", "types"] },
  },
};
