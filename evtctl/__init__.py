"""evtctl: topic governance and contract linting for event-driven architectures on Kafka."""

__version__ = "0.1.0"
