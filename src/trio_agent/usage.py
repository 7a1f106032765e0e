"""Usage accounting and limits."""

from ._usage import RequestUsage as RequestUsage
from ._usage import RunUsage as RunUsage
from ._usage import Usage as Usage
from ._usage import UsageLimits as UsageLimits

__all__ = ["RequestUsage", "RunUsage", "Usage", "UsageLimits"]
