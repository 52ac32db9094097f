"""What an operator gets from the stack, read from template.yaml as CloudFormation deploys it (the
SAM translator's output): alarms on every function, the API and every job, all notifying one
topic; a log group with a retention for every function and for the API's access log; schedules
that retry and park what fails; reserved concurrency from parameters within a small database's
connections; and a signing key that outlives the stack."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bookstore.cli import PROJECT_ROOT
from bookstore.sam_translation import resources_of_type, translated_template
from functions.orders.operator_actions import ACTIONS as ORDERS_ACTIONS
from functions.prebooks.operator_actions import ACTIONS as PREBOOKS_ACTIONS
from functions.users.operator_actions import ACTIONS as USERS_ACTIONS

ACTIONS_OF = {
    "UsersFunction": USERS_ACTIONS,
    "OrdersFunction": ORDERS_ACTIONS,
    "PrebooksFunction": PREBOOKS_ACTIONS,
}
HTTP_FUNCTIONS = {
    "HealthFunction": "health",
    "UsersFunction": "users",
    "BooksFunction": "books",
    "CartFunction": "cart",
    "OrdersFunction": "orders",
    "WishlistFunction": "wishlist",
    "PrebooksFunction": "prebooks",
}
# RDS for PostgreSQL allows about 80 connections on its smallest instance (db.t4g.micro); 3 are
# reserved for superusers, and operators and a migration run need some of the rest.
SMALL_INSTANCE_MAX_CONNECTIONS = 80
SUPERUSER_RESERVED = 3
OPERATOR_ROOM = 10
ACCESS_LOG_FIELDS = {
    "requestId",
    "sourceIp",
    "routeKey",
    "status",
    "responseLatency",
    "integrationError",
    "integrationErrorMessage",
}
RUNBOOK = PROJECT_ROOT / "docs" / "runbook.md"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return translated_template()


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in resources_of_type(template, "AWS::CloudWatch::Alarm").items()
    }


def watched(template: dict[str, Any], namespace: str, metric: str) -> list[dict[str, Any]]:
    """The dimensions of every alarm on this metric, as {name: value}."""
    return [
        {dimension["Name"]: dimension["Value"] for dimension in properties.get("Dimensions", [])}
        for properties in alarms(template).values()
        if (properties.get("Namespace"), properties.get("MetricName")) == (namespace, metric)
    ]


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources_of_type(template, "AWS::Lambda::Function")


def test_every_function_is_watched_for_errors_and_throttles_and_every_http_one_for_5xx(
    template: dict[str, Any],
) -> None:
    for logical_id in functions(template):
        function = {"Ref": logical_id}
        assert {"FunctionName": function} in watched(template, "AWS/Lambda", "Errors"), logical_id
        assert {"FunctionName": function} in watched(template, "AWS/Lambda", "Throttles"), (
            logical_id
        )
    served = [
        dimensions["service"] for dimensions in watched(template, "Bookstore", "ServerErrors")
    ]
    assert sorted(served) == sorted(HTTP_FUNCTIONS.values())
    for logical_id, service in HTTP_FUNCTIONS.items():
        variables = functions(template)[logical_id]["Properties"]["Environment"]["Variables"]
        assert variables["POWERTOOLS_SERVICE_NAME"] == service, "the alarm's dimension"


def test_the_api_is_watched_for_its_5xx_rate_and_its_p99_latency(template: dict[str, Any]) -> None:
    api = {"Ref": "HttpApi"}
    [latency] = [
        properties
        for properties in alarms(template).values()
        if properties.get("MetricName") == "Latency"
    ]
    assert (latency["Dimensions"], latency["ExtendedStatistic"]) == (
        [{"Name": "ApiId", "Value": api}],
        "p99",
    )
    [rate] = [properties for properties in alarms(template).values() if "Metrics" in properties]
    queried = {
        query["MetricStat"]["Metric"]["MetricName"]: query["MetricStat"]["Metric"]["Dimensions"]
        for query in rate["Metrics"]
        if "MetricStat" in query
    }
    assert queried == {name: [{"Name": "ApiId", "Value": api}] for name in ("5xx", "Count")}
    assert rate["Threshold"] == {"Ref": "ApiServerErrorRatePercent"}


def test_every_scheduled_job_the_queue_and_the_outbox_are_watched(template: dict[str, Any]) -> None:
    jobs = {
        (dimensions["service"], dimensions["action"])
        for dimensions in watched(template, "Bookstore", "JobFailures")
    }
    scheduled = {(HTTP_FUNCTIONS[target], action) for target, action in scheduled_actions(template)}
    assert jobs == scheduled
    assert watched(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible") == [
        {"QueueName": {"Fn::GetAtt": ["JobFailureQueue", "QueueName"]}}
    ]
    assert watched(template, "Bookstore", "OutboxOldestPendingAge") == [{"service": "orders"}]
    assert watched(template, "Bookstore", "OutboxEventsGivenUp") == [{"service": "orders"}]


def test_every_alarm_notifies_the_alarm_topic_when_it_fires_and_when_it_clears(
    template: dict[str, Any],
) -> None:
    topic = {"Fn::If": ["CreateAlarmTopic", {"Ref": "AlarmTopic"}, {"Ref": "AlarmTopicArn"}]}
    for logical_id, properties in alarms(template).items():
        assert properties["AlarmActions"] == [topic], logical_id
        assert properties["OKActions"] == [topic], logical_id
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "SubscribeAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_the_runbook_says_what_to_do_for_every_alarm(template: dict[str, Any]) -> None:
    runbook = RUNBOOK.read_text()
    documented = re.findall(r"^### `([A-Za-z<>]+)`", runbook, flags=re.MULTILINE)
    patterns = [
        re.compile("^" + re.sub(r"<[A-Za-z]+>", "[A-Za-z]+", name) + "$") for name in documented
    ]
    for logical_id in alarms(template):
        assert any(pattern.match(logical_id) for pattern in patterns), logical_id


def test_every_function_logs_to_a_log_group_of_its_own_that_keeps_the_parameter_s_days(
    template: dict[str, Any],
) -> None:
    groups = resources_of_type(template, "AWS::Logs::LogGroup")
    used = []
    for function in functions(template).values():
        group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert groups[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        used.append(group)
    assert len(set(used)) == len(functions(template))
    for logical_id, group in groups.items():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, logical_id


def test_the_api_writes_a_json_access_log_line_per_request_to_its_own_group(
    template: dict[str, Any],
) -> None:
    [stage] = resources_of_type(template, "AWS::ApiGatewayV2::Stage").values()
    settings = stage["Properties"]["AccessLogSettings"]

    assert settings["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    line = json.loads(settings["Format"])
    assert set(line) >= ACCESS_LOG_FIELDS
    assert line["sourceIp"] == "$context.identity.sourceIp"


def scheduled_actions(template: dict[str, Any]) -> list[tuple[str, str]]:
    """(the function's logical id, the action) of every schedule."""
    found = []
    for schedule in resources_of_type(template, "AWS::Scheduler::Schedule").values():
        target = schedule["Properties"]["Target"]
        alias = template["Resources"][target["Arn"]["Ref"]]
        function = alias["Properties"]["FunctionName"]["Ref"]
        found.append((function, json.loads(target["Input"])["action"]))
    return found


def test_every_schedule_retries_parks_what_fails_and_names_an_action_its_function_knows(
    template: dict[str, Any],
) -> None:
    assert resources_of_type(template, "AWS::Events::Rule") == {}, "one kind of schedule"
    schedules = resources_of_type(template, "AWS::Scheduler::Schedule")
    assert len(schedules) == 4
    for logical_id, schedule in schedules.items():
        properties = schedule["Properties"]
        target = properties["Target"]
        assert properties["GroupName"] == {"Ref": "JobSchedules"}, f"{logical_id}: collides"
        assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1, logical_id
        assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["JobFailureQueue", "Arn"]}}
    assert "Name" not in template["Resources"]["JobSchedules"].get("Properties", {})
    for function, action in scheduled_actions(template):
        assert action in ACTIONS_OF[function], (function, action)


def test_a_job_that_fails_is_retried_by_lambda_then_parked_in_the_failure_queue(
    template: dict[str, Any],
) -> None:
    configs = {
        config["Properties"]["FunctionName"]["Ref"]: config["Properties"]
        for config in resources_of_type(template, "AWS::Lambda::EventInvokeConfig").values()
    }
    for function, _ in scheduled_actions(template):
        properties = functions(template)[function]["Properties"]
        assert properties["DeadLetterConfig"] == {
            "TargetArn": {"Fn::GetAtt": ["JobFailureQueue", "Arn"]}
        }
        assert configs[function]["MaximumRetryAttempts"] == 2


def test_each_http_function_s_reserved_concurrency_comes_from_its_parameter(
    template: dict[str, Any],
) -> None:
    for logical_id in HTTP_FUNCTIONS:
        name = logical_id.removesuffix("Function")
        reserved = functions(template)[logical_id]["Properties"]["ReservedConcurrentExecutions"]
        assert reserved == {
            "Fn::If": [f"Reserve{name}", {"Ref": f"{name}Concurrency"}, {"Ref": "AWS::NoValue"}]
        }
    assert (
        functions(template)["MigrationsFunction"]["Properties"]["ReservedConcurrentExecutions"] == 1
    )


def test_the_default_connection_budget_fits_the_smallest_rds_instance_with_room_to_spare(
    template: dict[str, Any],
) -> None:
    parameters = template["Parameters"]
    pool_size = int(parameters["DatabasePoolSize"]["Default"])
    environments = sum(
        int(parameters[f"{logical_id.removesuffix('Function')}Concurrency"]["Default"])
        for logical_id in HTTP_FUNCTIONS
    )
    migration_run = 1

    budget = environments * pool_size + migration_run

    assert budget <= SMALL_INSTANCE_MAX_CONNECTIONS - SUPERUSER_RESERVED - OPERATOR_ROOM


@pytest.mark.parametrize("secret", ["TokenSigningKeySecret", "SigningKeySecret"])
def test_the_generated_signing_keys_survive_deleting_or_replacing_the_stack(
    template: dict[str, Any], secret: str
) -> None:
    resource = template["Resources"][secret]

    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_the_dashboard_is_valid_json_and_shows_every_function(template: dict[str, Any]) -> None:
    [dashboard] = resources_of_type(template, "AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    # What CloudFormation substitutes is a name; any placeholder parses the same.
    widgets = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))["widgets"]

    shown = set(re.findall(r"\$\{([A-Za-z]+)Function\}", body))
    assert shown == {logical_id.removesuffix("Function") for logical_id in functions(template)}
    assert len(widgets) >= 8


def test_every_skipped_scan_check_says_why(template: dict[str, Any]) -> None:
    for logical_id, resource in template["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert len(skip["comment"]) > 40, f"{logical_id} skips {skip['id']} without a reason"
    config = Path(PROJECT_ROOT / ".checkov.yaml").read_text().splitlines()
    for index, line in enumerate(config):
        if re.match(r"\s+- CKV_", line):
            assert config[index - 1].lstrip().startswith("#"), f"{line.strip()} has no reason"
