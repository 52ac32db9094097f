"""Domain events leaving the system: the outbox's rows, published to EventBridge.

`shared.domain.outbox.record_event` writes an event in the business transaction and publishes it
once that commits; `drain_outbox` is what the scheduled drain runs to send whatever is left.
"""

from shared.events.publisher import DrainSummary, PublishSummary, drain_outbox, publish_pending

__all__ = ["DrainSummary", "PublishSummary", "drain_outbox", "publish_pending"]
