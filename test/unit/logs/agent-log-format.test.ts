import { describe, expect, it } from 'vitest';
import {
  formatAgentLogLine,
  formatCtime,
  formatErrorsLogLine,
  formatTranscript,
  formatTranscriptFooter,
  formatTranscriptHeader,
  MSG,
  ptyExitedUnsuccessfully,
  sessionContext,
} from '../../../src/logs/agent-log-format.js';

const AT = new Date(Date.UTC(2024, 4, 1, 12, 34, 56, 789));
const ID = 'ecs-execute-command-0abc';

describe('agent log formatters', () => {
  it('writes the ECS Exec `%Date %Time %LEVEL %Msg` line', () => {
    expect(formatAgentLogLine(AT, 'INFO', `${sessionContext(ID)} ${MSG.STOPPING_PTY}`)).toBe(
      '2024-05-01 12:34:56 INFO [ssm-session-worker] [ecs-execute-command-0abc] [DataBackend] [pluginName=InteractiveCommands] Stopping pty',
    );
  });

  it('writes the stock agent line with 4-digit fractional seconds', () => {
    expect(formatAgentLogLine(AT, 'WARN', 'x', { fractional: true })).toBe('2024-05-01 12:34:56.7890 WARN x');
  });

  it('writes the errors.log line with function, file and line', () => {
    expect(formatErrorsLogLine(AT, 'ERROR', 'Execute', 'shell.go', 371, MSG.WAIT_PTY_KILLED)).toBe(
      '2024-05-01 12:34:56 ERROR [Execute @ shell.go.371] unable to wait pty: signal: killed',
    );
  });

  it('keeps the exact §4.3 texts', () => {
    expect(ptyExitedUnsuccessfully(2989, 'exit status 3')).toBe(
      'pty process: 2989 exited unsuccessfully, error message: exit status 3',
    );
    expect(MSG.SESSION_CANCELLED).toBe('The session was cancelled');
  });

  it('writes each util-linux transcript variant', () => {
    expect(formatCtime(new Date(Date.UTC(2024, 4, 1, 2, 3, 4)))).toBe('Wed May  1 02:03:04 2024');
    expect(formatTranscriptHeader('legacy', AT)).toBe('Script started on Wed May  1 12:34:56 2024');
    expect(formatTranscriptHeader('iso', AT)).toBe(
      'Script started on 2024-05-01 12:34:56+00:00 [<not executed on terminal>]',
    );
    expect(formatTranscriptHeader('iso-command', AT, 'cat /x/ipcTempFile.log')).toBe(
      'Script started on 2024-05-01 12:34:56+00:00 [COMMAND="cat /x/ipcTempFile.log" <not executed on terminal>]',
    );
    expect(formatTranscriptFooter('iso', AT, 0)).toBe(
      'Script done on 2024-05-01 12:34:56+00:00 [COMMAND_EXIT_CODE="0"]',
    );
    expect(formatTranscriptFooter('legacy', AT)).toBe('Script done on Wed May  1 12:34:56 2024');
  });

  it('matches the field transcript byte for byte, apart from the pty CRs', () => {
    const start = new Date(Date.UTC(2022, 0, 1, 14, 57, 0));
    const end = new Date(Date.UTC(2022, 0, 1, 14, 57, 5));
    const text = formatTranscript('iso', start, end, 'ABC\n');
    expect(text.replace(/\r/g, '')).toBe(
      'Script started on 2022-01-01 14:57:00+00:00 [<not executed on terminal>]\nABC\n\nScript done on 2022-01-01 14:57:05+00:00 [COMMAND_EXIT_CODE="0"]\n',
    );
    expect(formatTranscript('iso', start, end, 'a\r\n')).toContain('a\r\r\n');
  });
});
