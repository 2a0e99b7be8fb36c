"""Where things live in a checkout (relative to the working directory)."""

from pathlib import Path

SOURCE_DIR = Path("source")
RAW_DIR = SOURCE_DIR / "raw"
MANIFEST_FILE = RAW_DIR / "manifest.json"
HANDBOOK_DIR = SOURCE_DIR / "handbook"
ERRATA_FILE = SOURCE_DIR / "errata.toml"
FIGURES_DIR = SOURCE_DIR / "figures"  # one script per figure (pipeline/figures.py)
IDS_FILE = SOURCE_DIR / "question-ids.tsv"
AUDIT_ACCEPTED_FILE = SOURCE_DIR / "audit-accepted.toml"  # reviewed residue (pipeline/audit.py)
SITE_DIR = Path("site")
DECKS_DIR = Path("decks")
COMBINED_DECK = "handbook.apkg"  # every section as subdecks; the site links to it by this name
