"""The `tystnad` command: thin adapters over the stages; errors become one line here.

Each module of this package holds the commands of one area; this one assembles them."""

from __future__ import annotations

import sys

import click

from tystnad import __version__
from tystnad.cli.accounts import account, sync
from tystnad.cli.backtest import backtest
from tystnad.cli.common import parse_now, parse_seller
from tystnad.cli.mail import check, draft, generate, info, monday, outcome, scan
from tystnad.cli.serve import serve
from tystnad.cli.train import train
from tystnad.errors import TystnadError

__all__ = ["cli", "main", "parse_now", "parse_seller"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tystnad")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(context: click.Context, debug: bool) -> None:
    """tystnad reads a seller's mail and says, per customer deal, whether the silence
    is normal or a warning — and what to do next."""
    context.obj = {"debug": debug}


for command in (scan, draft, outcome, monday, check, info, generate, serve, backtest, train, account, sync):
    cli.add_command(command)


def main() -> None:
    debug = "--debug" in sys.argv[1:]
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("tystnad: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except TystnadError as error:
        if debug:
            raise
        click.echo(f"tystnad: error: {error}", err=True)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)
