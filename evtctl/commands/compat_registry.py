"""``evtctl compat --registry URL --subject S FILE``: the output side (the work is in
:mod:`evtctl.registry.compat`). evtctl's verdict is printed as ``evtctl compat`` prints it,
then the registry's when it disagrees; the exit status is evtctl's verdict."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evtctl.commands.compat import Options

EXIT_OK, EXIT_INCOMPATIBLE, EXIT_USAGE = 0, 1, 2


def run_with_registry(files: list[Path], url: str | None, subject: str | None,
                      registry_config: Path | None, mode: str | None, options: Options,
                      output: str) -> int:
    from evtctl.compat import MODES
    from evtctl.compat.formats import LoadOptions, SchemaFileError
    from evtctl.registry.compat import check_against_registry
    from evtctl.registry.model import RegistryError

    if subject is None:
        return _fail("--registry needs --subject SUBJECT (the subject holding the earlier "
                     "versions)")
    if len(files) != 1:
        return _fail("with --registry, give exactly one FILE: the candidate (the earlier "
                     "versions come from the registry)")
    if mode is not None and mode.upper() not in MODES:
        return _fail(f"unknown --mode {mode!r}; expected one of {', '.join(MODES)}")
    try:
        outcome = check_against_registry(
            files[0], subject, url, mode, options.policy, examples=options.examples,
            load=LoadOptions(allow_remote=options.allow_remote,
                             include_paths=tuple(p.resolve() for p in options.include),
                             message=options.message,
                             references=tuple(p.resolve() for p in options.references)),
            schema_type=options.schema_type, registry_config=registry_config)
    except RegistryError as error:
        return _fail(error.message, error.hint)
    except SchemaFileError as error:
        return _fail(str(error))
    except RecursionError:
        return _fail("schemas are nested too deeply to compare")
    except ValueError as error:  # a policy the format does not have
        return _fail(str(error))
    if output == "json":
        from evtctl.compat.render import to_json_data

        data = {"formatVersion": 1, **to_json_data(outcome.result),
                "registry": outcome.as_dict()}
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        from evtctl.commands.compat import _write

        shown = ", ".join(f"v{n}" for n in outcome.versions)
        sys.stdout.write(f"{files[0]} against {outcome.subject} {shown} in {outcome.url} "
                         f"(mode {outcome.mode}, from {outcome.mode_source})\n")
        _write(outcome.result, output)
        for line in _registry_lines(outcome):
            sys.stdout.write(line + "\n")
    return EXIT_OK if outcome.result.compatible else EXIT_INCOMPATIBLE


def _registry_lines(outcome: object) -> list[str]:
    from evtctl.registry.compat import RegistryCheck

    assert isinstance(outcome, RegistryCheck)
    if outcome.verdict is None:
        return [f"registry: no verdict ({outcome.verdict_note})"]
    if outcome.agrees:
        return []
    said = "compatible" if outcome.verdict.compatible else "INCOMPATIBLE"
    lines = [f"registry disagrees: {outcome.url} finds it {said} — evtctl's verdict above "
             "decides the exit status (see docs/registry.md, 'When the registry disagrees')"]
    lines.extend(f"    {message}" for message in outcome.verdict.messages)
    if outcome.verdict_note:
        lines.append(f"    ({outcome.verdict_note})")
    return lines


def _fail(message: str, hint: str | None = None) -> int:
    from evtctl.cli_errors import fail

    return fail(message, where="compat", hint=hint)
