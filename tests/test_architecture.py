"""The house rules the code map states, checked on the source (issue 21 item 6).

Every feature package (commitments/<pkg>/) names its parts alike: api.py holds DRF endpoints only, views.py HTML
pages only, admin classes live in admin.py, and every API route is mounted in commitments/api/urls.py. Imports go one
way (capabilities -> core -> models), and no module reaches another's private (`_x`) name, tests included.
"""

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

ROOT = Path(__file__).resolve().parent.parent
COMMITMENTS = ROOT / "commitments"
NOT_CAPABILITIES = {"models", "selectors", "migrations", "templatetags", "management", "tasks", "static", "templates"}
CAPABILITIES = sorted(p.name for p in COMMITMENTS.iterdir() if (p / "__init__.py").exists() and p.name not in NOT_CAPABILITIES)
# Django's documented model API, spelled with an underscore: not private names.
DJANGO_PUBLIC = {"_meta", "_default_manager", "_base_manager", "_state"}
DRF_BASES = ("APIView", "ViewSet", "ModelViewSet", "ReadOnlyModelViewSet", "GenericViewSet")
HTML_NAMES = {"render", "TemplateResponse", "render_to_string"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _drf_classes(tree: ast.Module) -> set[str]:
    """Classes of this module that are DRF views: a DRF base by name (generics.X, viewsets.X, *APIView), or one of them."""
    found: set[str] = set()
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    changed = True
    while changed:
        changed = False
        for node in classes:
            bases = [ast.unparse(base) for base in node.bases]
            drf = any(b.split(".")[-1].endswith(DRF_BASES) or b.startswith(("generics.", "viewsets.", "mixins.")) or b in found for b in bases)
            if drf and node.name not in found:
                found.add(node.name)
                changed = True
    return found


def _view_classes(tree: ast.Module) -> list[str]:
    """Classes named like views (…View, …ViewSet)."""
    return [node.name for node in tree.body if isinstance(node, ast.ClassDef) and node.name.endswith(("View", "ViewSet"))]


def _names_used(tree: ast.Module) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} | {
        node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
    }


def package_convention_breaches(root: Path) -> list[str]:
    breaches = []
    for package in sorted(p for p in (root / "commitments").iterdir() if (p / "__init__.py").exists() and p.name not in NOT_CAPABILITIES):
        if package.name == "api":
            continue  # the API package itself: every module there is the API
        api, views = package / "api.py", package / "views.py"
        if api.exists():
            tree = _tree(api)
            breaches += [f"{api.relative_to(root)}: {name} is not a DRF view" for name in _view_classes(tree) if name not in _drf_classes(tree)]
            breaches += [f"{api.relative_to(root)} renders HTML ({name})" for name in sorted(_names_used(tree) & HTML_NAMES)]
        if views.exists():
            tree = _tree(views)
            breaches += [f"{views.relative_to(root)}: {name} is a DRF view (it belongs in api.py)" for name in sorted(_drf_classes(tree))]
            breaches += [f"{views.relative_to(root)} imports rest_framework" for node in ast.walk(tree)
                         if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rest_framework")]
        for module in sorted(package.rglob("*.py")):
            if module.name in ("admin.py",) or "migrations" in module.parts:
                continue
            for node in _tree(module).body:
                bases = [ast.unparse(base) for base in node.bases] if isinstance(node, ast.ClassDef) else []
                if any(b.endswith(("ModelAdmin", "TabularInline", "StackedInline", "ReadOnlyAdmin", "AuditedAdmin")) for b in bases):
                    breaches.append(f"{module.relative_to(root)}: {node.name} is an admin class outside admin.py")
                params = {arg.arg for arg in node.args.kwonlyargs + node.args.args} if isinstance(node, ast.FunctionDef) else set()
                if module.name == "views.py" and "admin_context" in params:
                    breaches.append(f"{module.relative_to(root)}: {node.name} is an admin page outside admin.py")
    return breaches


def _py_files(root: Path):
    for folder in ("commitments", "tests", "bench", "tracker", "scripts"):
        yield from (p for p in sorted((root / folder).rglob("*.py")) if "migrations" not in p.parts)


def private_reaches(root: Path) -> list[str]:
    """`from x import _y`, and `m._y` where m is a name this module imported (a module, a class or a function)."""
    found = []
    for path in _py_files(root):
        tree = _tree(path)
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    imported.add(alias.asname or alias.name)
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(root)}:{node.lineno} from {node.module} import {alias.name}")
            elif isinstance(node, ast.Import):
                imported.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported
                    and node.attr.startswith("_") and not node.attr.startswith("__") and node.attr not in DJANGO_PUBLIC):
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def core_imports_of_capabilities(root: Path) -> list[str]:
    """Imports of a capability (commitments/<pkg>/) from the core: commitments/*.py, selectors/, models/."""
    found = []
    core = [*sorted((root / "commitments").glob("*.py")), *sorted((root / "commitments" / "selectors").glob("*.py")),
            *sorted((root / "commitments" / "models").glob("*.py"))]
    for path in core:
        rel = path.relative_to(root).with_suffix("")
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom):
                base = list(rel.parts[:-node.level]) if node.level else []
                modules = [".".join([*base, node.module])] if node.module else [".".join([*base, alias.name]) for alias in node.names]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] == "commitments" and len(parts) > 1 and parts[1] in CAPABILITIES:
                    found.append(f"{path.relative_to(root)}:{node.lineno} imports {module}")
    return found


def _routes(resolver: URLResolver, prefix: str = "", owner: str = "tracker.urls"):
    """(route, pattern, the URL conf module that holds it) for every URL."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, route, getattr(pattern.urlconf_module, "__name__", owner))
        elif isinstance(pattern, URLPattern):
            yield route, pattern, owner


def test_every_feature_package_names_its_parts_alike():
    assert package_convention_breaches(ROOT) == []


def test_every_api_route_is_mounted_by_the_api_urlconf():
    routes = list(_routes(get_resolver()))
    api_views = [(route, owner) for route, pattern, owner in routes
                 if isinstance(getattr(pattern.callback, "cls", None), type) and issubclass(pattern.callback.cls, APIView)]
    assert len(api_views) > 20  # the walk sees the API
    misplaced = [f"{route} (in {owner})" for route, owner in api_views
                 if not route.startswith("api/") or (route.startswith("api/v1/") and owner != "commitments.api.urls")]
    assert misplaced == []


def test_no_module_reaches_a_private_name_of_another():
    assert private_reaches(ROOT) == []


def test_the_core_imports_no_capability():
    assert core_imports_of_capabilities(ROOT) == []


def test_settings_name_each_list_once_and_the_api_in_one_section():
    """INSTALLED_APPS and MIDDLEWARE are each one list, amended nowhere later (no +=, insert, update); one REST API section."""
    source = (ROOT / "tracker" / "settings.py").read_text()
    tree = ast.parse(source)
    lists = {"INSTALLED_APPS", "MIDDLEWARE", "REST_FRAMEWORK", "SPECTACULAR_SETTINGS"}
    assigned = [target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets
                if isinstance(target, ast.Name) and target.id in lists]
    amended = [ast.unparse(node) for node in ast.walk(tree)
               if (isinstance(node, ast.AugAssign) and ast.unparse(node.target) in lists)
               or (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) in lists)]
    assert sorted(assigned) == sorted(lists)
    assert amended == []
    assert sum(line.startswith("# --- REST API") for line in source.splitlines()) == 1
