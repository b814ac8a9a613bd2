#!/usr/bin/env python3
"""ECS Exec control plane through boto3, against the ecs-diag emulator.

A client nobody here wrote: boto3/botocore sign with their own SigV4, serialise with their own
awsJson1_1 code and parse timestamps their own way. Configured only through the environment the
`ecs-diag emulator serve` banner prints (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_REGION). Prints one JSON object with what it saw; exits 1 on the
first failed check.
"""
import json
import sys

import boto3
from botocore.exceptions import ClientError

seen = {}


def check(cond, what):
    if not cond:
        print(json.dumps({"ok": False, "failed": what, "seen": seen}, default=str))
        sys.exit(1)


def error_of(fn, **kwargs):
    try:
        fn(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"].get("Message", "")
    return None, None


ecs = boto3.client("ecs")
ssm = boto3.client("ssm")

cluster = ecs.create_cluster(clusterName="interop")["cluster"]
check(cluster["clusterArn"].endswith(":cluster/interop"), "create_cluster arn")

td = ecs.register_task_definition(
    family="interop",
    taskRoleArn="arn:aws:iam::000000000000:role/interop",
    containerDefinitions=[{"name": "app", "image": "debian:stable-slim", "command": ["tail", "-f", "/dev/null"]}],
)["taskDefinition"]
check(td["revision"] == 1, "register_task_definition revision")

run = ecs.run_task(cluster="interop", taskDefinition="interop:1", enableExecuteCommand=True, launchType="FARGATE")
check(run["failures"] == [], "run_task failures")
task_arn = run["tasks"][0]["taskArn"]
seen["taskArn"] = task_arn

desc = ecs.describe_tasks(cluster="interop", tasks=[task_arn])
task = desc["tasks"][0]
container = task["containers"][0]
agent = container["managedAgents"][0]
seen["lastStatus"] = task["lastStatus"]
check(task["lastStatus"] == "RUNNING", "task RUNNING")
check(task["enableExecuteCommand"] is True, "enableExecuteCommand")
check(agent["name"] == "ExecuteCommandAgent" and agent["lastStatus"] == "RUNNING", "agent RUNNING")
check(hasattr(task["createdAt"], "year"), "createdAt parsed as a datetime")

code, message = error_of(ecs.execute_command, cluster="interop", task=task_arn, command="/bin/sh", interactive=False)
check(code == "InvalidParameterException" and message == "Interactive is the only mode supported currently.", "interactive=False refused")
code, message = error_of(ecs.execute_command, cluster="nope", task=task_arn, command="/bin/sh", interactive=True)
check(code == "ClusterNotFoundException" and message == "Cluster not found.", "unknown cluster refused")

out = ecs.execute_command(cluster="interop", task=task_arn, container="app", command="sleep 600", interactive=True)
session = out["session"]
session_id = session["sessionId"]
seen["sessionId"] = session_id
seen["streamUrl"] = session["streamUrl"]
check(session_id.startswith("ecs-execute-command-"), "session id prefix")
check("/v1/data-channel/" + session_id in session["streamUrl"], "stream url")

target = "ecs:interop_%s_%s" % (task_arn.split("/")[-1], container["runtimeId"])
active = ssm.describe_sessions(State="Active", Filters=[{"key": "Target", "value": target}])["Sessions"]
check([s["SessionId"] for s in active] == [session_id], "describe_sessions Active by Target")
check(hasattr(active[0]["StartDate"], "year"), "StartDate parsed")

resumed = ssm.resume_session(SessionId=session_id)
check(resumed["SessionId"] == session_id and resumed["TokenValue"] != session["tokenValue"], "resume_session fresh token")

check(ssm.terminate_session(SessionId=session_id)["SessionId"] == session_id, "terminate_session")
history = ssm.describe_sessions(State="History", Filters=[{"key": "SessionId", "value": session_id}])["Sessions"]
check(len(history) == 1 and history[0]["Status"] == "Terminated", "describe_sessions History Terminated")
code, _ = error_of(ssm.resume_session, SessionId=session_id)
check(code == "DoesNotExistException", "resume of a terminated session refused")

prefs = {
    "schemaVersion": "1.0",
    "description": "Document to hold regional settings for Session Manager",
    "sessionType": "Standard_Stream",
    "inputs": {
        "s3EncryptionEnabled": True,
        "cloudWatchEncryptionEnabled": True,
        "cloudWatchStreamingEnabled": False,
        "runAsEnabled": False,
        "idleSessionTimeout": "20",
        "maxSessionDuration": "",
    },
}
name = "SSM-SessionManagerRunShell"
code, _ = error_of(ssm.get_document, Name=name)
check(code == "InvalidDocument", "no preferences document in a fresh account")
ssm.create_document(Name=name, Content=json.dumps(prefs), DocumentType="Session", DocumentFormat="JSON")
prefs["inputs"]["idleSessionTimeout"] = "60"
prefs["inputs"]["maxSessionDuration"] = "1440"
upd = ssm.update_document(Name=name, Content=json.dumps(prefs), DocumentVersion="$LATEST")["DocumentDescription"]
check(upd["DocumentVersion"] == "2" and upd["DefaultVersion"] == "1", "update_document adds a version")
ssm.update_document_default_version(Name=name, DocumentVersion="2")
got = json.loads(ssm.get_document(Name=name)["Content"])
seen["idleSessionTimeout"] = got["inputs"]["idleSessionTimeout"]
check(got["inputs"]["idleSessionTimeout"] == "60", "get_document returns the new default")
prefs["inputs"]["idleSessionTimeout"] = "61"
code, _ = error_of(ssm.update_document, Name=name, Content=json.dumps(prefs), DocumentVersion="$LATEST")
check(code == "InvalidDocumentContent", "idleSessionTimeout 61 refused")

print(json.dumps({"ok": True, "seen": seen}, default=str))
