"""Domain events leaving the system: the outbox's rows, published to EventBridge.

`shared.domain.outbox.record_event` writes an event in the business transaction and publishes it
once that commits; `drain_outbox` is what the scheduled drain runs to send whatever is left.
"""

from shared.events.publisher import (
    DrainSummary,
    OutboxBacklog,
    PublishSummary,
    drain_outbox,
    outbox_backlog,
    publish_pending,
    retry_given_up,
)

__all__ = [
    "DrainSummary",
    "OutboxBacklog",
    "PublishSummary",
    "drain_outbox",
    "outbox_backlog",
    "publish_pending",
    "retry_given_up",
]
