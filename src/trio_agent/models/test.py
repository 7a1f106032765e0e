"""``TestModel``: an offline model for tests and demos."""

from ._json_test_data import _ALPHABET as _chars  # noqa: F401  (the reference's private names, for its tests)
from ._json_test_data import JsonSchemaTestData as _JsonSchemaTestData  # noqa: F401
from ._test_model import TestModel as TestModel
from ._test_model import TestStreamedResponse as TestStreamedResponse

__all__ = ["TestModel", "TestStreamedResponse"]
