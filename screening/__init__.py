"""screening: UN DPRK sanctions screening of worker, company and ownership records."""

from functools import cache


def __getattr__(name: str) -> str:
    # The version is looked up when first asked for: finding the installed distribution reads
    # the environment's metadata, which every command would otherwise pay for at start-up.
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'screening' has no attribute {name!r}")


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("screening")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"
