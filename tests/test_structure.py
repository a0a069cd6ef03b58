"""The module graph of coach/ and ingest/ is one-way: no import cycles, imports point down.

Every import counts — module-level, inside a function, under `if TYPE_CHECKING:` — because each
one is a dependency a reader has to hold in mind, and a function-level import that closes a
cycle still means neither module can be understood (or tested) without the other. The layers
are the ones in the design sketch (/work/shared/design.md, "Layers").
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("coach", "ingest")

# Layer of each module, by name or package prefix (the first match wins).
LAYER_OF = [
    ("leaf", ("coach.settings", "coach.errors", "coach.results", "coach.text", "coach.safety",
              "coach.vocabulary", "coach.declines", "coach.embedder", "coach.bm25")),
    ("store", ("coach.store", "coach.minilm", "coach.vector_cache")),
    ("ingest", ("ingest",)),
    ("evidence", ("coach.retrieval", "coach.answerability", "coach.sensitive",
                  "coach.coverage")),
    ("saying", ("coach.compose", "coach.voice", "coach.generators", "coach.verify", "coach.guard",
                "coach.drafts")),
    ("state", ("coach.workspace",)),
    ("service", ("coach.api", "coach.conversation")),
    ("faces", ("coach.cli", "coach.cli_workspace", "coach.web")),
    ("tools", ("coach.bench", "coach.evaluation", "coach.suite")),
]
# The package `coach` itself only exports `Coach` (lazily): it sits with the faces.
PACKAGE_LAYER = {"coach": "faces", "ingest": "ingest"}
# What each layer below the service may import (faces and tools sit on top of everything).
MAY_IMPORT = {
    "leaf": {"leaf"},
    "store": {"leaf", "store"},
    "ingest": {"leaf", "store", "ingest"},
    "evidence": {"leaf", "store", "evidence"},
    "saying": {"leaf", "evidence", "saying"},
    "state": {"leaf", "state"},
    "service": {"leaf", "store", "ingest", "evidence", "saying", "state", "service"},
}
ABOVE_SERVICE = ("coach.api", "coach.conversation", "coach.web", "coach.cli")


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the project's packages."""
    out = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            name = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
            out[name] = path
    return out


def imports_of(name: str, source: str, known: set[str]) -> set[str]:
    """The project modules `source` (module `name`) imports, wherever the import statement is."""
    package = name if source_is_package(name, known) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing package
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            # `import coach.store.x` depends on coach.store: take the longest known prefix.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def source_is_package(name: str, known: set[str]) -> bool:
    return any(other.startswith(name + ".") for other in known)


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    files = module_files(root)
    known = set(files)
    return {name: imports_of(name, path.read_text(), known) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def layer(name: str) -> str | None:
    if name in PACKAGE_LAYER:
        return PACKAGE_LAYER[name]
    for layer_name, prefixes in LAYER_OF:
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return layer_name
    return None


def layering_violations(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for name, targets in sorted(graph.items()):
        mine = layer(name)
        if mine is None:
            problems.append(f"{name} is in no layer: add it to LAYER_OF (and to the design)")
            continue
        for target in sorted(targets):
            theirs = layer(target)
            if mine in MAY_IMPORT and theirs not in MAY_IMPORT[mine]:
                problems.append(f"{name} ({mine}) imports {target} ({theirs})")
            elif mine in MAY_IMPORT and mine != "service" and target.startswith(ABOVE_SERVICE):
                problems.append(f"{name} ({mine}) imports {target}, above the service layer")
    return problems


# -- the project ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_there_is_no_import_cycle_among_coach_and_ingest_modules(graph):
    assert len(graph) > 15  # the walk found the packages (a wrong root would find nothing)
    assert cycles(graph) == []


def test_every_import_points_down_the_layers(graph):
    assert layering_violations(graph) == []


def test_the_turn_gets_its_collaborators_instead_of_importing_the_coach(graph):
    assert "coach.api" not in graph["coach.conversation"]
    # The factory of model-backed generators does not know the grounded composer.
    assert "coach.compose" not in graph["coach.generators"]
    # The injection filter is a leaf that composing and drafting use without the verifier.
    assert graph["coach.safety"] <= {"coach.text"}
    assert not any(t.startswith("coach.verify") for t in graph["coach.compose"])
    assert not any(t.startswith("coach.verify") for t in graph["coach.drafts"])


# -- the checks themselves can fail ----------------------------------------------------------


def test_function_level_and_type_checking_imports_count():
    source = '''
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from coach.api import Coach
def later():
    from coach import verify
    import ingest.indexer
'''
    known = {"coach", "coach.api", "coach.verify", "ingest", "ingest.indexer", "coach.text"}
    assert imports_of("coach.text", source, known) == {"coach.api", "coach.verify",
                                                        "ingest.indexer"}


def test_relative_imports_resolve_inside_a_package():
    known = {"coach", "coach.drafts", "coach.drafts.kinds", "coach.drafts.checks", "coach.text"}
    source = "from .kinds import KINDS\nfrom ..text import content_words\n"
    assert imports_of("coach.drafts.checks", source, known) == {"coach.drafts.kinds",
                                                               "coach.text"}


def test_a_cycle_and_a_layer_breach_are_reported():
    graph = {"coach.compose": {"coach.verify"}, "coach.verify": {"coach.generators"},
             "coach.generators": {"coach.compose"}, "coach.text": set()}
    assert cycles(graph) == [["coach.compose", "coach.generators", "coach.verify"]]
    breaches = layering_violations({"coach.text": {"coach.store"},
                                    "coach.drafts": {"coach.api"},
                                    "ingest.indexer": {"coach.retrieval"},
                                    "coach.newthing": set()})
    assert breaches == [
        "coach.drafts (saying) imports coach.api (service)",
        "coach.newthing is in no layer: add it to LAYER_OF (and to the design)",
        "coach.text (leaf) imports coach.store (store)",
        "ingest.indexer (ingest) imports coach.retrieval (evidence)",
    ]


def test_the_readme_module_map_names_every_module():
    """A newcomer's map: every module of coach/ and ingest/ is named in the README's table."""
    readme = (ROOT / "README.md").read_text()
    table = readme.split("| module | its job |", 1)[1].split("\n\n", 1)[0]
    unnamed = [name for name, path in module_files().items()
               if path.stem != "__init__" and path.stem not in table]
    assert unnamed == [], f"add these to the README's module map: {unnamed}"
