/**
 * The import arrows of the monorepo, checked by `pnpm lint` (and so by CI):
 * apps → core → db and contracts; contracts → zod only; nothing imports apps/; and core's folders in
 * layers, each importing only layers below it, so no two of them import each other.
 */

/** Core's folders from the bottom up. A folder may import folders of lower layers only. */
const CORE_LAYERS = [
  ["shared", "config", "tickets", "notifications", "jobs", "venue"],
  ["rate-limit", "sms"],
  ["auth"],
  ["users"],
  ["seating"],
  ["catalog"],
  ["payments"],
  ["bookings"],
  ["demo"],
];

const CORE = "^packages/core/src";

const layerRules = CORE_LAYERS.flatMap((folders, level) => {
  const notBelow = CORE_LAYERS.slice(level).flat();
  return folders.map((folder) => ({
    name: `core-layer-${folder}`,
    comment: `core/${folder} may import only folders of lower layers (${
      CORE_LAYERS.slice(0, level).flat().join(", ") || "none"
    }); see CORE_LAYERS in .dependency-cruiser.cjs`,
    severity: "error",
    from: { path: `${CORE}/${folder}/` },
    to: {
      path: `${CORE}/(${notBelow.join("|")})/`,
      pathNot: `${CORE}/${folder}/`,
    },
  }));
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Modules never import each other, directly or around a loop.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "nothing-imports-apps",
      comment:
        "apps/ are the top: packages and the proof reach them over HTTP or as processes. The one exception is bench/api-server.ts, the launcher that runs the API's own wiring as the benchmark's subject.",
      severity: "error",
      from: { path: "^(packages|proof|bench)/", pathNot: "^bench/api-server\\.ts$" },
      to: { path: "^apps/" },
    },
    {
      name: "apps-do-not-import-each-other",
      severity: "error",
      from: { path: "^apps/([^/]+)/" },
      to: { path: "^apps/", pathNot: "^apps/$1/" },
    },
    {
      name: "core-below-apps",
      comment: "core is imported by apps; it imports db, contracts and libraries, never testkit.",
      severity: "error",
      from: { path: `${CORE}/`, pathNot: "\\.test\\.ts$" },
      to: { path: "^packages/(testkit)/" },
    },
    {
      name: "db-below-core",
      severity: "error",
      from: { path: "^packages/db/" },
      to: { path: "^packages/(core|contracts|testkit)/" },
    },
    {
      name: "contracts-depend-on-zod-only",
      comment: "Clients in any repository import the contracts: they carry zod and nothing else.",
      severity: "error",
      from: { path: "^packages/contracts/src/", pathNot: "\\.test\\.ts$" },
      to: {
        dependencyTypesNot: ["local", "type-only"],
        pathNot: "node_modules/(zod|\\.pnpm/zod@[^/]+/node_modules/zod)/",
      },
    },
    {
      name: "contracts-import-no-package-of-ours",
      severity: "error",
      from: { path: "^packages/contracts/" },
      to: { path: "^(packages/(core|db|testkit)|apps)/" },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|data)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
