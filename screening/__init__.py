"""screening: UN DPRK sanctions screening of worker, company and ownership records."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("screening")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
