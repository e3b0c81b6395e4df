import type { ProcedureMeta } from "@boxoffice/contracts";
import type { AnyRouter } from "@trpc/server";

/** Each procedure's metadata by its dotted path (`auth.register`). */
export function procedureMetas(router: AnyRouter): Map<string, ProcedureMeta> {
  const procedures = router._def.procedures as Record<string, { _def: { meta?: ProcedureMeta } }>;
  const metas = new Map<string, ProcedureMeta>();
  for (const [path, procedure] of Object.entries(procedures)) {
    if (procedure._def.meta) {
      metas.set(path, procedure._def.meta);
    }
  }
  return metas;
}
