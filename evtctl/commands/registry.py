"""``evtctl registry``: plan (default) or apply the subjects, versions and compatibility
levels the manifests describe, in a Schema Registry.

Only typer and the standard library are imported here; the registry client and rich load
inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def registry(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Manifest files or folders (default: the current folder).")] = None,
    url: Annotated[str | None, typer.Option(
        "--url", metavar="URL",
        help="The Schema Registry (or EVTCTL_REGISTRY_URL); Apicurio: .../apis/ccompat/v7.")
    ] = None,
    registry_config: Annotated[Path | None, typer.Option(
        "--registry-config", metavar="FILE",
        help="Client properties file: basic.auth.user.info, bearer.auth.token, ssl.*.")] = None,
    apply: Annotated[bool, typer.Option(
        "--apply", help="Carry out the plan (asks first on a terminal).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    check: Annotated[bool, typer.Option(
        "--check", help="Exit 1 when the registry differs from the manifests.")] = False,
    allow_delete: Annotated[bool, typer.Option(
        "--allow-delete",
        help="Soft-delete undeclared versions, and unknown subjects under "
             "registry.managedPrefixes.")] = False,
    hard_delete: Annotated[bool, typer.Option(
        "--hard-delete",
        help="With --allow-delete: hard-delete (permanently) after the soft delete.")] = False,
    output_format: Annotated[str, typer.Option(
        "--format", metavar="text|json", help="Output format.")] = "text",
    config: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE",
        help="Project config (default: evtctl.yaml found above the paths).")] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", metavar="SECONDS", min=1.0,
        help="How long to wait for each registry request.")] = 30.0,
) -> None:
    """Plan (default) or apply the subjects, versions and compatibility levels of the
    manifests' contracts in a Schema Registry; report drift.

    Exit status: 0 in step (or a plan that --apply can carry out), 1 drift with --check, or
    findings, refusals and failures, 2 bad usage, unreadable input or an unusable registry.
    """
    from evtctl.commands.provision import _TerminalUi
    from evtctl.registry.model import RegistryError
    from evtctl.registry.run import RegistryRequest, run_registry

    request = RegistryRequest(
        paths=tuple(paths or ()), url=url, registry_config=registry_config, config_file=config,
        apply=apply, yes=yes, check=check, allow_delete=allow_delete, hard_delete=hard_delete,
        output_format=output_format, timeout=timeout)
    try:
        code = run_registry(request, _TerminalUi())
    except RegistryError as error:
        raise typer.Exit(fail(error.message, error.hint)) from None
    except KeyboardInterrupt:
        raise typer.Exit(fail("interrupted")) from None
    raise typer.Exit(code)


def fail(message: str, hint: str | None = None) -> int:
    """One line on stderr (and a hint line); exit status 2."""
    from evtctl.cli_errors import fail as error

    return error(message, where="registry", hint=hint)


def register(app: typer.Typer) -> None:
    app.command("registry")(registry)
