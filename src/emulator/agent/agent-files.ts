/**
 * The files ECS puts into an exec-enabled container for its agent, written into a task's root:
 *
 * - `/managed-agents/execute-command/configuration/amazon-ssm-agent.json` (SessionWorkersLimit,
 *   ContainerMode), in the layout observed on a real task;
 * - `/managed-agents/execute-command/configuration/seelog.xml`, as ECS writes it;
 * - `/managed-agents/execute-command/amazon-ssm-agent`: a stand-in for the agent binary. It is a
 *   shell script: `amazon-ssm-agent -version` (or `--version`) prints
 *   `SSM Agent version: <profile.agentVersion>`, as the real binary does; anything else says
 *   it is a stand-in and exits 1. The same version is in `/managed-agents/execute-command/VERSION`.
 *
 * @see ssm-data-channel.md §3.3, §4.2; /work/shared/fixtures/field-logs/{amazon-ssm-agent.json,seelog.xml}
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Inside the task. */
export const MANAGED_AGENT_DIR = '/managed-agents/execute-command';
export const AGENT_CONFIG_FILE = `${MANAGED_AGENT_DIR}/configuration/amazon-ssm-agent.json`;
export const SEELOG_FILE = `${MANAGED_AGENT_DIR}/configuration/seelog.xml`;
export const AGENT_BINARY = `${MANAGED_AGENT_DIR}/amazon-ssm-agent`;
export const AGENT_VERSION_FILE = `${MANAGED_AGENT_DIR}/VERSION`;

/** Mgs.StopTimeoutMillis as ECS writes it. @see ssm-data-channel.md §5 */
export const STOP_TIMEOUT_MILLIS = 20_000;

/** seelog.xml exactly as ECS writes it for exec (ECSAGENT execAgentLogConfigTemplate). */
export const SEELOG_XML = `<seelog type="adaptive" mininterval="2000000" maxinterval="100000000" critmsgcount="500" minlevel="info">
    <exceptions>
        <exception filepattern="test*" minlevel="error"/>
    </exceptions>
    <outputs formatid="fmtinfo">
        <console formatid="fmtinfo"/>
        <rollingfile type="size" filename="/var/log/amazon/ssm/amazon-ssm-agent.log" maxsize="40000000" maxrolls="1"/>
        <filter levels="error,critical" formatid="fmterror">
            <rollingfile type="size" filename="/var/log/amazon/ssm/errors.log" maxsize="10000000" maxrolls="1"/>
        </filter>
    </outputs>
    <formats>
        <format id="fmterror" format="%Date %Time %LEVEL [%FuncShort @ %File.%Line] %Msg%n"/>
        <format id="fmtdebug" format="%Date %Time %LEVEL [%FuncShort @ %File.%Line] %Msg%n"/>
        <format id="fmtinfo" format="%Date %Time %LEVEL %Msg%n"/>
    </formats>
</seelog>
`;

/** amazon-ssm-agent.json as observed in an ECS Exec container. */
export function agentConfigJson(sessionWorkersLimit: number): string {
  const config = {
    Mgs: {
      Region: '',
      Endpoint: '',
      StopTimeoutMillis: STOP_TIMEOUT_MILLIS,
      SessionWorkersLimit: sessionWorkersLimit,
    },
    Agent: { Region: '', OrchestrationRootDir: '', ContainerMode: true },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function agentStandIn(version: string): string {
  return `#!/bin/sh
# Stand-in for the SSM agent binary of the ecs-diag emulator (the agent itself runs outside).
case "$1" in
  -version|--version|version) echo "SSM Agent version: ${version}"; exit 0 ;;
esac
echo "amazon-ssm-agent ${version}: this is the ecs-diag emulator's stand-in; the agent runs outside the task" >&2
exit 1
`;
}

/** Writes the agent's configuration, seelog.xml and binary stand-in into a task root. */
export function writeAgentFiles(
  rootDir: string,
  opts: { sessionWorkersLimit: number; agentVersion: string },
): void {
  mkdirSync(join(rootDir, MANAGED_AGENT_DIR, 'configuration'), { recursive: true });
  writeFileSync(join(rootDir, AGENT_CONFIG_FILE), agentConfigJson(opts.sessionWorkersLimit));
  writeFileSync(join(rootDir, SEELOG_FILE), SEELOG_XML);
  writeFileSync(join(rootDir, AGENT_VERSION_FILE), `${opts.agentVersion}\n`);
  writeFileSync(join(rootDir, AGENT_BINARY), agentStandIn(opts.agentVersion));
  chmodSync(join(rootDir, AGENT_BINARY), 0o755);
}

/**
 * Reads Mgs.SessionWorkersLimit from a task's amazon-ssm-agent.json, as the agent does at
 * start. Undefined when the file is missing or the field is not a positive integer (the agent
 * then uses its own default).
 */
export function readSessionWorkersLimit(rootDir: string): number | undefined {
  try {
    const config = JSON.parse(readFileSync(join(rootDir, AGENT_CONFIG_FILE), 'utf8')) as {
      Mgs?: { SessionWorkersLimit?: unknown };
    };
    const limit = config.Mgs?.SessionWorkersLimit;
    return typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : undefined;
  } catch {
    return undefined;
  }
}
