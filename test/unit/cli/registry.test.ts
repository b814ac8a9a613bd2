import { describe, expect, it } from 'vitest';
import { COMMANDS, commandName } from '../../../src/cli/commands/index.js';

describe('command registry', () => {
  it('lists each command once, with the command and description its module declares', async () => {
    const names = COMMANDS.map(commandName);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of COMMANDS) {
      const cmd = await entry.load();
      expect({ command: cmd.command, describe: cmd.describe }).toEqual({
        command: entry.command,
        describe: entry.describe,
      });
    }
  });
});
