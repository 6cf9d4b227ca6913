/**
 * `lcnet classfy ./photos`: a command that does not exist (oclif's `command_not_found` hook,
 * registered in package.json). oclif's did-you-mean plugin, @oclif/plugin-not-found, finds the
 * closest command and, on a terminal, asks whether to run it instead. lcnet calls the plugin from
 * here rather than loading it as a plugin because of what it does elsewhere: without a terminal
 * it suggests nothing and exits with status 127, and it asks its question on standard output even
 * when that goes to a file. So:
 *
 * - standard input and output both terminals: the plugin asks (and gives up after 10 s); a "no"
 *   ends with status 2, as every usage error does;
 * - otherwise (pipes, CI, an output redirected to a file): one message names the closest command,
 *   found by the plugin's own matcher, and the status is 2 at once: nothing waits for an answer;
 * - a first word that names an existing file or folder (`lcnet ./photos`): the command is
 *   missing, not misspelt, and the message shows where it goes.
 */

import {existsSync} from 'node:fs';
import {CLIError} from '@oclif/core/errors';
import type {Hook} from '@oclif/core/interfaces';
import {EXIT} from './exit-codes.js';

const PLUGIN = '@oclif/plugin-not-found';
/** the status the plugin's hook fails with once no command is run */
const PLUGIN_NOT_FOUND_EXIT = 127;

type Closest = (target: string, possibilities: string[]) => string;

/**
 * The plugin's matcher (edit distance to every command id): the one its question uses, so that
 * a pipe and a terminal get the same suggestion. Its package exports the hook only, so the
 * module beside the hook is loaded by path; should a later version move it, the message simply
 * names no command (and the tests say so).
 */
async function pluginMatcher(): Promise<Closest | null> {
  try {
    const utils = (await import(new URL('utils.js', import.meta.resolve(PLUGIN)).href)) as {default?: {closest?: unknown}};
    const closest = utils.default?.closest;
    return typeof closest === 'function' ? (closest as Closest) : null;
  } catch {
    return null;
  }
}

function usageError(message: string): CLIError {
  return new CLIError(message, {exit: EXIT.USAGE});
}

const commandNotFound: Hook.CommandNotFound = async function (opts) {
  const {config} = opts;
  // with spaces between topics oclif joins every word before the first flag into the id
  const [word = '', ...operands] = opts.id.split(':');
  const argv = [...operands, ...(opts.argv ?? [])];
  if (existsSync(word)) throw usageError(`${word} is not a command: ${config.bin} takes the command first, as in ${config.bin} classify ${word}`);

  if (process.stdin.isTTY && process.stdout.isTTY) {
    const {default: ask} = (await import(PLUGIN)) as {default: Hook.CommandNotFound};
    try {
      return await ask.call(this, {...opts, id: word, argv});
    } catch (e) {
      if (e instanceof CLIError && e.oclif.exit === PLUGIN_NOT_FOUND_EXIT) throw usageError(e.message);
      throw e;
    }
  }

  const hidden = new Set(config.commands.filter((c) => c.hidden).map((c) => c.id));
  const ids = [...config.commandIDs, ...config.commands.flatMap((c) => c.aliases)].filter((id) => !hidden.has(id));
  const suggestion = (await pluginMatcher())?.(word, ids);
  const hint = suggestion ? ` Did you mean ${suggestion}?` : '';
  throw usageError(`${config.bin} has no command ${word}.${hint} ${config.bin} help lists the commands.`);
};

export default commandNotFound;
