"""YAML read safely, by libyaml's C parser when PyYAML was built with it (the wheels are): the same
values as ``yaml.safe_load``, eight times sooner. The seeds and the drafting corpus (a megabyte) are
read on every load and every scoring."""

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream):
    return yaml.load(stream, Loader=SafeLoader)  # nosec B506: a safe loader, C or Python
