"""``TestModel``: an offline model for tests and demos."""

from ._test_model import TestModel as TestModel
from ._test_model import TestStreamedResponse as TestStreamedResponse

__all__ = ["TestModel", "TestStreamedResponse"]
