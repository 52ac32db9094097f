"""A moto EventBridge for tests: a bus whose deliveries can be read back, a spy on the client's
`PutEvents` that can also make AWS fail, and fixtures that point the process at them.

Registered as a pytest plugin by tests/conftest.py: any test may ask for `aws`, `bus` or `spy`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from shared.auth.signing_key import forget_previous_keys
from shared.events.eventbridge import get_client
from shared.runtime.aws_secrets import clear_secret_cache
from shared.settings import get_settings

BUS_NAME = "bookstore-test-bus"


@dataclass(frozen=True)
class FakeBus:
    """A moto EventBridge bus with a rule that copies every bookstore event into an SQS queue."""

    name: str
    queue_url: str

    @classmethod
    def create(cls, name: str = BUS_NAME) -> FakeBus:
        events, sqs = boto3.client("events"), boto3.client("sqs")
        events.create_event_bus(Name=name)
        queue_url = sqs.create_queue(QueueName=f"{name}-deliveries")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        events.put_rule(
            Name="everything", EventBusName=name, EventPattern='{"source": ["bookstore"]}'
        )
        events.put_targets(
            Rule="everything", EventBusName=name, Targets=[{"Id": "queue", "Arn": queue_arn}]
        )
        return cls(name=name, queue_url=queue_url)

    def delivered(self) -> list[dict[str, Any]]:
        """The events delivered since the last look (EventBridge envelopes), taken off the queue."""
        sqs = boto3.client("sqs")
        envelopes: list[dict[str, Any]] = []
        while messages := sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get(
            "Messages"
        ):
            for message in messages:
                envelopes.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return envelopes

    def delivered_ids(self) -> list[str]:
        return [envelope["detail"]["event_id"] for envelope in self.delivered()]


def throttled() -> ClientError:
    error = {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}
    return ClientError(error, "PutEvents")  # type: ignore[arg-type]


class PutEventsSpy:
    """Stands in for the client's `put_events`: records every call, then fails what the test asks
    (whole calls, or chosen entries) and hands the rest to moto. This fakes AWS, never the database.
    A drain's calls run on several threads at once, so calls are told apart by the events they
    carry, never by their order."""

    def __init__(self, client: Any) -> None:
        self.calls: list[list[Mapping[str, str]]] = []
        self.fail_every_call = False
        # A call for whose entries this answers True raises.
        self.raise_when: Callable[[Sequence[Mapping[str, str]]], bool] | None = None
        self.failing_event_ids: set[str] = set()  # entries answered with an ErrorCode
        self.before_call: Callable[[Sequence[Mapping[str, str]]], None] | None = None
        self._real = client.put_events

    def __call__(self, *, Entries: list[Mapping[str, str]]) -> dict[str, Any]:
        self.calls.append(Entries)
        if self.before_call is not None:
            self.before_call(Entries)
        if self.fail_every_call or (self.raise_when is not None and self.raise_when(Entries)):
            raise throttled()
        failing = {
            i for i, entry in enumerate(Entries) if event_id(entry) in self.failing_event_ids
        }
        if not failing:
            return dict(self._real(Entries=Entries))
        passing = [entry for i, entry in enumerate(Entries) if i not in failing]
        answers = iter(self._real(Entries=passing)["Entries"] if passing else [])
        results = [
            {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}
            if i in failing
            else next(answers)
            for i in range(len(Entries))
        ]
        return {"FailedEntryCount": len(failing), "Entries": results}

    @property
    def entries_per_call(self) -> list[int]:
        return [len(entries) for entries in self.calls]

    def attempts_of(self, event_ids: Sequence[uuid.UUID]) -> list[int]:
        """How many calls carried each of these events."""
        sent = [event_id(entry) for entries in self.calls for entry in entries]
        return [sent.count(str(one)) for one in event_ids]


def event_id(entry: Mapping[str, str]) -> str:
    return str(json.loads(entry["Detail"])["event_id"])


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh moto account, and a process that has read nothing from AWS yet: no cached client,
    secret or parameter, no signing key seen."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EVENTBRIDGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        _forget_what_aws_said()
        yield
        _forget_what_aws_said()


def _forget_what_aws_said() -> None:
    get_client.cache_clear()
    clear_secret_cache()
    forget_previous_keys()


@pytest.fixture
def bus(aws: None, database_url: str, monkeypatch: pytest.MonkeyPatch) -> FakeBus:
    fake = FakeBus.create()
    set_bus(monkeypatch, fake.name)
    return fake


@pytest.fixture
def spy(bus: FakeBus, monkeypatch: pytest.MonkeyPatch) -> PutEventsSpy:
    client = get_client()
    put_events = PutEventsSpy(client)
    monkeypatch.setattr(client, "put_events", put_events)
    return put_events


def set_bus(monkeypatch: pytest.MonkeyPatch, name: str | None) -> None:
    if name is None:
        monkeypatch.delenv("EVENT_BUS_NAME", raising=False)
    else:
        monkeypatch.setenv("EVENT_BUS_NAME", name)
    get_settings.cache_clear()
