/** The environment cannot run boxoffice: the message names each variable and what is wrong with it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
