import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util's parseArgs for the infra scripts, with its errors said the scripts' way: the unknown
 * option, or what an option needs (`needs` names it per option, "a value" by default). `--help` and
 * `-h` are always known.
 */
export function parseCommandLine<O extends Options>(
  argv: string[],
  options: O,
  fail: (message: string) => never,
  needs: Partial<Record<keyof O, string>> = {},
) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    const { code, message } = err as { code?: string; message: string };
    const option = /'(-{1,2}[\w-]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') fail(`unknown option ${option}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') fail(`${option} needs ${needs[option.replace(/^-+/, '') as keyof O] ?? 'a value'}`);
    fail(message);
  }
}
