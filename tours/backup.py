"""Backup and restore: the whole database as portable JSON plus every uploaded file.

One .tar.gz holds `data.json` (dumpdata with natural keys, so it loads into a fresh
database of either engine), the files of every file-system storage under
`files/<storage alias>/`, and a manifest with counts to check a restore against.
"""

import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

# Rebuilt by `migrate` on the target, or worthless in another database.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
FORMAT_VERSION = 1
# Kept by their own keys: taggit's natural key of a tagged item is its object id alone, so
# a trip's, a takeaway's and a campaign's tags with the same id would load as one row.
KEYED_BY_PK = ["taggit.taggeditem"]


def file_storages():
    """Storages whose files live on this machine (object storage keeps its own backups)."""
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            yield alias, storage


def _counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("people", "tours")
    }


def write_backup(path: Path) -> dict:
    """Write a backup to `path`; return its manifest."""
    records = _dump(exclude=[*EXCLUDED, *KEYED_BY_PK], natural_primary=True)
    records += _dump(*KEYED_BY_PK, natural_primary=False)
    data = io.StringIO(json.dumps(records, ensure_ascii=False))
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "counts": _counts(),
        "files": 0,
    }
    with tarfile.open(path, "w:gz") as archive:
        _add_bytes(archive, "data.json", data.getvalue().encode())
        for alias, storage in file_storages():
            root = Path(storage.location)
            if not root.exists():
                continue
            for file in sorted(p for p in root.rglob("*") if p.is_file()):
                archive.add(file, arcname=f"files/{alias}/{file.relative_to(root)}")
                manifest["files"] += 1
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
    return manifest


def _dump(*labels, natural_primary: bool, exclude=()) -> list:
    out = io.StringIO()
    call_command(
        "dumpdata",
        *labels,
        natural_foreign=True,
        natural_primary=natural_primary,
        exclude=list(exclude),
        stdout=out,
        verbosity=0,
    )
    return json.loads(out.getvalue() or "[]")


def read_manifest(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        return json.load(archive.extractfile("manifest.json"))


def restore_backup(path: Path) -> dict:
    """Load a backup into this (migrated, empty) database and its storages; return the manifest.

    The database part is atomic: on any error nothing is loaded.
    """
    locations = {alias: Path(storage.location) for alias, storage in file_storages()}
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT_VERSION:
            raise ValueError(f"unknown backup format {manifest.get('format')!r}")
        with tempfile.TemporaryDirectory(prefix="tours-restore-") as folder:
            # loaddata reads fixtures from files; its format is known by the suffix.
            fixture = Path(folder) / "data.json"
            fixture.write_bytes(archive.extractfile("data.json").read())
            # The history comes from the backup; loading must not add to it.
            with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", str(fixture), verbosity=0)
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith("files/"):
                continue
            _, alias, relative = member.name.split("/", 2)
            if alias not in locations:
                continue
            target = (locations[alias] / relative).resolve()
            if not target.is_relative_to(locations[alias].resolve()):
                raise ValueError(f"refusing to write outside the storage: {member.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.extractfile(member).read())
    return manifest


def _add_bytes(archive, name, content: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(content))
