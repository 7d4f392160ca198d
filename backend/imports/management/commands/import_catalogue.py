"""manage.py import_catalogue FILE --kind KIND [--as USERNAME] [--dry-run]

Imports a .xlsx/.csv/.jsonl file all-or-nothing. Prints a summary, or every bad row, and exits
with status 1 when nothing was imported. Without --as it runs as the system (admin rights).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backend.common.errors import DomainError
from backend.imports.schemas import SCHEMAS
from backend.imports.services import SYSTEM, import_file


class Command(BaseCommand):
    help = "Import programs, sessions, postings, workers, employers or providers from a file."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="path to a .xlsx, .csv or .jsonl file")
        parser.add_argument("--kind", required=True, choices=sorted(SCHEMAS))
        parser.add_argument("--as", dest="username", default="", help="import with this user's rights")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        actor = SYSTEM
        if options["username"]:
            try:
                actor = get_user_model().objects.get(username=options["username"])
            except get_user_model().DoesNotExist:
                raise CommandError(
                    _("用户「{username}」不存在。").format(username=options["username"])
                ) from None
        try:
            result = import_file(
                path_or_file=options["file"],
                kind=options["kind"],
                actor=actor,
                dry_run=options["dry_run"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        for notice in result.notices:  # e.g. where a run of blank rows ended the table
            self.stderr.write(notice)
        if not result.ok:
            for error in result.errors:
                where = _("第{row}行").format(row=error.row) if error.row is not None else _("文件")
                column = f" [{error.column}]" if error.column else ""
                self.stderr.write(f"{where}{column} {error.code}: {error.message}")
            if result.bad_rows:
                summary = _("{rows}行有错误,共{errors}处").format(
                    rows=len(result.bad_rows), errors=len(result.errors)
                )
            else:
                summary = f"{result.errors[0].code}: {result.errors[0].message}"
            raise CommandError(_("导入失败:{summary};未写入任何数据。").format(summary=summary))
        verb = "校验通过(未写入)" if result.dry_run else "导入成功"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}:{SCHEMAS[result.kind].label} 共{result.row_count}行,"
                f"新增{result.created},更新{result.updated}。"
            )
        )
