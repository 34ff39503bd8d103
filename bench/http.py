"""`python bench/http.py [options]`: the pages over HTTP against the floor (bench/http_bench.py).

A script in bench/ runs with bench/ first on sys.path, so any `import http` there (werkzeug's,
urllib's) would find this file: imported under that name, it loads the standard library's `http`
package in its own place.
"""
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent

if __name__ == "http":
    import importlib.machinery
    import importlib.util
    _spec = importlib.machinery.PathFinder.find_spec(
        "http", [p for p in sys.path if Path(p or ".").resolve() != _HERE])
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["http"] = _module
    _spec.loader.exec_module(_module)
elif __name__ == "__main__":
    sys.path[0] = str(_HERE.parent)  # the project's root, not bench/, so `http` is the standard library's
    from bench.http_bench import main
    main()
