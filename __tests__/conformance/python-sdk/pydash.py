"""Stand-in for pydash, which Debian's python3-azure (azure-ai-ml 1.4.0) imports but does not ship.

azure-ai-ml 1.4.0 calls only pydash.get, pydash.omit and pydash.objects.set_ (grep of
/usr/lib/python3/dist-packages/azure/ai/ml: _utils/utils.py, _schema/core/schema.py,
entities/_validation.py, entities/_builders/sweep.py, entities/_job/pipeline/_component_translatable.py).
Paths are dotted ("a.b.0.c"), as in pydash.
"""
import copy
import sys

_MISSING = object()


def _keys(path):
    if isinstance(path, (list, tuple)):
        return list(path)
    return [p for p in str(path).split(".") if p != ""]


def _step(obj, key):
    if isinstance(obj, dict):
        return obj.get(key, _MISSING)
    if isinstance(obj, (list, tuple)):
        try:
            return obj[int(key)]
        except (ValueError, IndexError):
            return _MISSING
    return getattr(obj, str(key), _MISSING) if obj is not None else _MISSING


def get(obj, path, default=None):
    for key in _keys(path):
        obj = _step(obj, key)
        if obj is _MISSING:
            return default
    return obj


def set_(obj, path, value):
    keys = _keys(path)
    node = obj
    for key in keys[:-1]:
        nxt = _step(node, key)
        if nxt is _MISSING or nxt is None:
            nxt = {}
            if isinstance(node, dict):
                node[key] = nxt
            else:
                setattr(node, key, nxt)
        node = nxt
    last = keys[-1]
    if isinstance(node, dict):
        node[last] = value
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        setattr(node, last, value)
    return obj


def omit(obj, *paths):
    flat = []
    for p in paths:
        flat.extend(p if isinstance(p, (list, tuple)) else [p])
    out = copy.deepcopy(obj)
    for p in flat:
        keys = _keys(p)
        node = get(out, keys[:-1]) if len(keys) > 1 else out
        if isinstance(node, dict):
            node.pop(keys[-1], None)
    return out


# `from pydash import objects` then `objects.set_(...)`
objects = sys.modules[__name__]
