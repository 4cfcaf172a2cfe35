"""Where the shipped default model lives: ``explain/models/default.json`` names it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from explain._errors import ArtifactError

__all__ = [
    "MODELS_DIR",
    "default_manifest",
    "default_artifact_path",
    "default_sha256",
    "publish_model",
]

MODELS_DIR = Path(__file__).resolve().parent / "models"
MANIFEST = "default.json"


def default_manifest() -> dict[str, str]:
    """``{"artifact": "<file name>", "sha256": "<hex>"}`` of the default model."""
    path = MODELS_DIR / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"cannot read the default model manifest {path}: {exc}") from exc
    if (
        not isinstance(manifest, dict)
        or not isinstance(manifest.get("artifact"), str)
        or not isinstance(manifest.get("sha256"), str)
        or Path(manifest["artifact"]).name != manifest["artifact"]
    ):
        raise ArtifactError(f"malformed default model manifest {path}")
    return {"artifact": manifest["artifact"], "sha256": manifest["sha256"]}


def default_artifact_path() -> Path:
    """Path of the shipped default artifact (inside the installed package)."""
    return MODELS_DIR / default_manifest()["artifact"]


def default_sha256() -> str:
    """The SHA-256 the shipped default artifact must have."""
    return default_manifest()["sha256"]


def publish_model(
    artifact: dict, directory: str | os.PathLike[str] = MODELS_DIR, *, make_default: bool = False
) -> dict[str, str]:
    """Write ``<model id>.json`` and its model card (``<model id>.md``, ``.card.json`` and the
    charts in ``<model id>.charts/``) into ``directory``.

    With ``make_default``, also point ``default.json`` at it. Returns the paths and SHA-256.
    """
    from explain._artifact import write_artifact
    from explain.card import write_model_card

    directory = Path(directory)
    name = f"{artifact['model_id']}.json"
    artifact_path = directory / name
    sha256 = write_artifact(artifact, artifact_path)
    card = write_model_card(artifact, sha256, directory)
    result = {"artifact": str(artifact_path), "card": card["markdown"], "card_json": card["json"],
              "charts": card["charts"], "sha256": sha256}
    if make_default:
        manifest = directory / MANIFEST
        manifest.write_text(
            json.dumps({"artifact": name, "sha256": sha256}, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        result["manifest"] = str(manifest)
    return result
