import type { Logger } from "./logger.ts";

/**
 * On the first SIGTERM or SIGINT, runs `stop` and exits 0 when it finishes, 1 when it fails or takes
 * longer than `timeoutMs` plus a grace second (the process must not hang its supervisor).
 */
export function exitOnSignals(
  logger: Logger,
  stop: () => Promise<void>,
  options: { timeoutMs: number; what: string },
) {
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) {
        return;
      }
      stopping = true;
      logger.info({ signal }, `${options.what} shutting down: finishing work in flight`);
      const timer = setTimeout(() => {
        logger.error("shutdown timed out");
        process.exit(1);
      }, options.timeoutMs + 1000);
      timer.unref();
      stop().then(
        () => {
          clearTimeout(timer);
          logger.info(`${options.what} stopped cleanly`);
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
}
