import type { Contract, ProcedureMeta } from "@boxoffice/contracts";
import type { ProcedureBuilder, UnsetMarker } from "@trpc/server/unstable-core-do-not-import";
import type { z } from "zod";

/**
 * A procedure that serves one contract: its REST mapping, input and output come from the contract as one
 * unit, so a router cannot pair one contract's input with another's metadata.
 */
export function implement<TContext, TContextOverrides, I extends z.ZodType, O extends z.ZodType>(
  builder: ProcedureBuilder<
    TContext,
    ProcedureMeta,
    TContextOverrides,
    UnsetMarker,
    UnsetMarker,
    UnsetMarker,
    UnsetMarker,
    false
  >,
  contract: Contract<I, O>,
) {
  return builder.meta(contract.meta).input(contract.input).output(contract.output);
}
