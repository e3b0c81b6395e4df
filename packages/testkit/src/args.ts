import { parseArgs } from "node:util";

/** A whole number from 1 to `max`; `quick` is its value under --quick unless the flag is given. */
export interface IntFlag {
  int: number;
  max: number;
  quick?: number;
  /** Says what is wrong with a value in range, if anything. */
  check?: (n: number) => string | undefined;
}
export interface ChoiceFlag {
  choice: readonly string[];
  default: string;
}
/** A comma-separated list; the flag may be given more than once. */
export interface ListFlag {
  list: true;
}
export interface TextFlag {
  text: true;
}
export interface BooleanFlag {
  boolean: true;
}
export type Flag = IntFlag | ChoiceFlag | ListFlag | TextFlag | BooleanFlag;

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type ValueOf<F> = F extends IntFlag
  ? number
  : F extends ChoiceFlag
    ? string
    : F extends ListFlag
      ? string[]
      : F extends TextFlag
        ? string | undefined
        : boolean;
export type Args<S extends Record<string, Flag>> = { [K in keyof S & string as Camel<K>]: ValueOf<S[K]> } & {
  quick: boolean;
};

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The command line of a proof or bench script, read by node:util's parseArgs: `--flag=value` and
 * `--flag value` alike, `--quick` for every script (its defaults lose to a flag given explicitly, wherever
 * it stands), and the `--` pnpm passes through (`pnpm bench:holds -- --quick`). "help" for --help or -h;
 * a bad or unknown flag throws, naming it, with `usage`.
 */
export function readArgs<S extends Record<string, Flag>>(
  argv: readonly string[],
  spec: S,
  usage: string,
): Args<S> | "help" {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {
    quick: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  };
  for (const [name, flag] of Object.entries(spec)) {
    options[name] = "boolean" in flag ? { type: "boolean" } : { type: "string", multiple: "list" in flag };
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv.filter((a) => a !== "--"), options, strict: true }));
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
  }
  if (values.help) {
    return "help";
  }
  const quick = values.quick === true;
  const out: Record<string, unknown> = { quick };
  for (const [name, flag] of Object.entries(spec)) {
    const given = values[name];
    let value: unknown = given;
    if ("int" in flag) {
      value =
        given === undefined ? ((quick ? flag.quick : undefined) ?? flag.int) : wholeNumber(name, given, flag);
    } else if ("choice" in flag) {
      value = given ?? flag.default;
      if (!flag.choice.includes(value as string)) {
        throw new Error(`--${name} must be one of ${flag.choice.join(", ")}`);
      }
    } else if ("list" in flag) {
      value = ((given as string[] | undefined) ?? []).flatMap((v) => v.split(",")).filter(Boolean);
    } else if ("boolean" in flag) {
      value = given === true;
    }
    out[camel(name)] = value;
  }
  return out as Args<S>;
}

function wholeNumber(name: string, given: unknown, flag: IntFlag): number {
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1 || n > flag.max) {
    throw new Error(`--${name} must be a whole number from 1 to ${flag.max}, not "${String(given)}"`);
  }
  const wrong = flag.check?.(n);
  if (wrong) {
    throw new Error(`--${name} ${wrong}, not ${n}`);
  }
  return n;
}

/** readArgs for a script's main: prints the usage and exits 0 on --help, or 2 with the message on a bad flag. */
export function argsOrExit<S extends Record<string, Flag>>(
  argv: readonly string[],
  spec: S,
  usage: string,
): Args<S> {
  let args: Args<S> | "help";
  try {
    args = readArgs(argv, spec, usage);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  if (args === "help") {
    console.log(usage);
    process.exit(0);
  }
  return args;
}
